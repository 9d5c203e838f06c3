-- Printed rows of the 一般公共预算支出表（分单位）, typed: one row per unit and the 合计 row,
-- amounts in 万元. A blank cell of a column the table has is 0.00 on a unit row.
with source_lines as (
    select * from {{ source('raw', 'unit_expenditure_lines') }}
)

select
    trim(document_id)                                   as document_id,
    lower(trim(table_kind))                             as table_kind,
    {{ digits_only('unit_code') }}                      as unit_code,
    {{ clean_name('unit_name') }}                       as unit_name,
    lower(trim(row_kind))                               as row_kind,
    cast(amount_total as decimal(20, 6))                as amount_total,
    cast(amount_basic as decimal(20, 6))                as amount_basic,
    cast(amount_personnel as decimal(20, 6))            as amount_personnel,
    cast(amount_public as decimal(20, 6))               as amount_public,
    cast(amount_project as decimal(20, 6))              as amount_project,
    {{ clean_name('source_unit') }}                     as source_unit,
    {{ clean_text('source_table') }}                    as source_table,
    cast(source_line as integer)                        as source_line
from source_lines
