-- General-public-budget expenditure by unit (一般公共预算支出表（分单位）), in 万元: one row
-- per printed unit row. The 合计 row is not repeated here (it is checked against the units
-- by the extraction); is_leaf marks the units none of whose sub-units is printed, so a
-- SUM over is_leaf rows never double counts a unit and its sub-units.
with lines as (
    select * from {{ ref('stg_unit_expenditure_lines') }}
),

documents as (
    {{ published_documents() }}
)

select
    documents.published_id                              as document_id,
    documents.fiscal_year,
    documents.stage,
    lines.unit_code,
    lines.unit_name,
    not exists (
        select 1 from lines as child
        where child.document_id = lines.document_id
          and child.source_table is not distinct from lines.source_table
          and child.row_kind = 'unit'
          and length(child.unit_code) > length(lines.unit_code)
          and starts_with(child.unit_code, lines.unit_code)
    )                                                   as is_leaf,
    lines.amount_total,
    lines.amount_basic,
    lines.amount_personnel,
    lines.amount_public,
    lines.amount_project,
    lines.source_unit,
    lines.source_table,
    lines.source_line,
    {{ source_page_of('lines.document_id', 'lines.source_line') }}    as source_page
from lines
join documents using (document_id)
where lines.row_kind = 'unit'
