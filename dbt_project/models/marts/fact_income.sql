-- Income by source from the 收支总表 / 收入总表 (and their 决算 twins), amounts in 万元.
-- 收入总表 rows: one per (printed row, income column); is_leaf marks the rows no other
-- printed row of the same table sums up (a unit without sub-units, a code without
-- printed children), so that a SUM over is_leaf rows never double counts.
with income as (
    select * from {{ ref('stg_income_lines') }}
),

documents as (
    {{ published_documents() }}
),

row_codes as (
    select distinct document_id, table_kind, source_table, coalesce(unit_code, printed_code) as code
    from income
    where row_kind in ('unit', 'subject')
)

select
    documents.published_id                              as document_id,
    documents.fiscal_year,
    documents.stage,
    income.income_source,
    income.item_name,
    income.amount,
    income.source_unit,
    income.source_table,
    income.source_line,
    {{ source_page_of('income.document_id', 'income.source_line') }}    as source_page,
    income.table_kind,
    income.row_kind,
    income.unit_code,
    income.unit_name,
    case when length(income.subject_code) in (3, 5, 7) then income.subject_code end
                                            as subject_code,
    income.subject_name,
    case
        when income.row_kind in ('unit', 'subject') then not exists (
            select 1 from row_codes as child
            where child.document_id = income.document_id
              and child.table_kind = income.table_kind
              and child.source_table is not distinct from income.source_table
              and length(child.code) > length(coalesce(income.unit_code, income.printed_code))
              and starts_with(child.code, coalesce(income.unit_code, income.printed_code))
        )
    end                                     as is_leaf
from income
join documents using (document_id)
