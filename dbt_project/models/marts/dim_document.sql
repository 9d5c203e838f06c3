-- One row per loaded document: identity, corpus status and what was read from it.
with documents as (
    select * from {{ ref('stg_documents') }}
),

document_status as (
    select * from {{ ref('stg_document_status') }}
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
    documents.document_id,
    documents.department_name,
    documents.region,
    documents.fiscal_year,
    documents.stage,
    documents.scope,
    documents.source_sha256,
    documents.file_name,
    documents.encoding,
    documents.line_count,
    coalesce(document_status.status, 'loaded')              as status,
    coalesce(document_status.status = 'stale', false)       as is_stale,
    document_status.detail                                  as status_detail,
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
from documents
left join document_status using (document_id)
left join table_counts using (document_id)
left join expenditure_counts using (document_id)
left join leaf_counts using (document_id)
left join indicator_counts using (document_id)
left join project_counts using (document_id)
left join finding_counts using (document_id)
where coalesce(document_status.is_loaded, true)
