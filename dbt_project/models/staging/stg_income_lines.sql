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
    cast(source_line as integer)            as source_line
from source_lines
