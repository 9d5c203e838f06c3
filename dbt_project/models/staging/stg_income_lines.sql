-- Income by source from the 收支总表 and the 收入总表 (and their 决算 twins), amounts in 万元.
-- The 收入总表 rows carry their unit (单位) or, in the layout by function, their
-- functional code; the 收支总表 rows leave those columns NULL.
with source_lines as (
    select * from {{ source('raw', 'income_lines') }}
)

select
    trim(document_id)                       as document_id,
    lower(trim(income_source))              as income_source,
    {{ clean_name('item_name') }}           as item_name,
    cast(amount as decimal(20, 6))          as amount,
    {{ clean_name('source_unit') }}         as source_unit,
    {{ clean_text('source_table') }}        as source_table,
    cast(source_line as integer)            as source_line,
    coalesce(lower(trim(table_kind)), 'income_expenditure_summary')
                                            as table_kind,
    lower(trim(row_kind))                   as row_kind,
    {{ digits_only('unit_code') }}          as unit_code,
    {{ clean_name('unit_name') }}           as unit_name,
    {{ digits_only('subject_code') }}       as subject_code,
    {{ clean_name('subject_name') }}        as subject_name,
    {{ digits_only('printed_code') }}       as printed_code
from source_lines
