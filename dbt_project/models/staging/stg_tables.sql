-- Recognised tables; the label keeps its printed spacing, collapsed to single spaces.
with source_tables as (
    select * from {{ source('raw', 'tables') }}
)

select
    trim(document_id)                  as document_id,
    lower(trim(table_kind))            as table_kind,
    {{ clean_text('source_table') }}   as source_table,
    {{ clean_name('title') }}          as title,
    {{ clean_name('source_unit') }}    as source_unit,
    cast(start_line as integer)        as start_line,
    cast(end_line as integer)          as end_line,
    cast(is_empty as boolean)          as is_empty
from source_tables
