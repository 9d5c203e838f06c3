-- One row per loaded document: identity, verdict and what was published from it. The identity
-- is that of the version whose facts are published (an earlier one while the new one is held),
-- or of the held version when nothing is; counts are of the published version (0 when held).
with documents as (
    select * from {{ ref('stg_documents') }}
),

verdicts as (
    select * from {{ ref('int_document_verdicts') }}
),

departments as (
    select * from {{ ref('int_document_departments') }}
),

table_counts as (
    select document_id, count(*) as table_count, count(*) filter (where is_empty) as empty_table_count
    from {{ ref('stg_tables') }}
    group by document_id
),

expenditure_counts as (
    select
        document_id,
        count(*)                                        as expenditure_line_count,
        count(*) filter (where row_kind = 'subject' and not has_valid_code)
                                                        as invalid_code_line_count
    from {{ ref('stg_expenditure_lines') }}
    group by document_id
),

leaf_counts as (
    select document_id, count(*) as expenditure_fact_count
    from {{ ref('int_expenditure_leaves') }}
    where grain_occurrence = 1
    group by document_id
),

indicator_counts as (
    select document_id, count(*) as indicator_count
    from {{ ref('stg_indicator_lines') }}
    group by document_id
),

project_counts as (
    select document_id, count(*) as project_count
    from {{ ref('stg_project_lines') }}
    group by document_id
),

finding_counts as (
    select
        document_id,
        count(*) filter (where severity = 'error')      as error_count,
        count(*) filter (where severity = 'warning')    as warning_count,
        count(*) filter (where severity = 'info')       as info_count
    from {{ ref('quality_findings') }}
    group by document_id
)

select
    verdicts.document_id,
    documents.department_name,
    documents.region,
    documents.fiscal_year,
    documents.stage,
    documents.scope,
    documents.source_sha256,
    departments.department_key,
    departments.printed_department_names,
    documents.file_name,
    documents.encoding,
    documents.line_count,
    verdicts.status,
    verdicts.status = 'stale'                               as is_stale,
    verdicts.is_held,
    verdicts.status_detail,
    coalesce(table_counts.table_count, 0)                   as table_count,
    coalesce(table_counts.empty_table_count, 0)             as empty_table_count,
    coalesce(expenditure_counts.expenditure_line_count, 0)  as expenditure_line_count,
    coalesce(leaf_counts.expenditure_fact_count, 0)         as expenditure_fact_count,
    coalesce(expenditure_counts.invalid_code_line_count, 0) as invalid_code_line_count,
    coalesce(project_counts.project_count, 0)               as project_count,
    coalesce(indicator_counts.indicator_count, 0)           as indicator_count,
    coalesce(finding_counts.error_count, 0)                 as error_count,
    coalesce(finding_counts.warning_count, 0)               as warning_count,
    coalesce(finding_counts.info_count, 0)                  as info_count
from verdicts
join documents on documents.document_id = verdicts.shown_version_id
left join departments on departments.document_id = verdicts.shown_version_id
left join table_counts on table_counts.document_id = verdicts.published_version_id
left join expenditure_counts on expenditure_counts.document_id = verdicts.published_version_id
left join leaf_counts on leaf_counts.document_id = verdicts.published_version_id
left join indicator_counts on indicator_counts.document_id = verdicts.published_version_id
left join project_counts on project_counts.document_id = verdicts.published_version_id
left join finding_counts on finding_counts.document_id = verdicts.document_id
