-- One row per project of the 项目支出表, amounts in 万元.
with projects as (
    select * from {{ ref('stg_project_lines') }}
),

documents as (
    -- the documents whose facts are published, keyed by the version loaded (int_document_verdicts)
    select published_version_id as document_id, document_id as published_id, fiscal_year, stage
    from {{ ref('int_document_verdicts') }}
    where published_version_id is not null
)

select
    documents.published_id                              as document_id,
    documents.fiscal_year,
    documents.stage,
    projects.project_code,
    projects.project_name,
    projects.unit_name,
    projects.project_kind,
    projects.amount_total,
    projects.amount_general_public_budget,
    projects.amount_government_fund,
    projects.amount_state_capital,
    projects.amount_other,
    projects.source_unit,
    projects.source_table,
    projects.source_line,
    {{ source_page_of('projects.document_id', 'projects.source_line') }}    as source_page
from projects
join documents using (document_id)
