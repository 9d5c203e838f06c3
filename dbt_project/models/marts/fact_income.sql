-- Income by source from the 收支总表 / 收入总表 (and their 决算 twins), amounts in 万元.
with income as (
    select * from {{ ref('stg_income_lines') }}
),

documents as (
    select document_id, fiscal_year, stage from {{ ref('dim_document') }}
)

select
    income.document_id,
    documents.fiscal_year,
    documents.stage,
    income.income_source,
    income.item_name,
    income.amount,
    income.source_unit,
    income.source_table,
    income.source_line
from income
join documents using (document_id)
