-- One row per project of the 项目支出表, amounts in 万元.
with projects as (
    select * from {{ ref('stg_project_lines') }}
),

documents as (
    {{ published_documents() }}
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
