with source_lines as (
    select * from {{ source('raw', 'class_total_lines') }}
)

select
    trim(document_id)                       as document_id,
    lower(trim(table_kind))                 as table_kind,
    {{ digits_only('subject_code') }}       as subject_code,
    {{ clean_name('subject_name') }}        as subject_name,
    cast(amount as decimal(20, 6))          as amount,
    {{ clean_name('source_unit') }}         as source_unit,
    {{ clean_text('source_table') }}        as source_table,
    cast(source_line as integer)            as source_line
from source_lines
