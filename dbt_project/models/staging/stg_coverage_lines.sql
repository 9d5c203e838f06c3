with source_lines as (
    select * from {{ source('raw', 'coverage_lines') }}
)

select
    trim(document_id)                       as document_id,
    lower(trim(table_kind))                 as table_kind,
    {{ clean_text('source_table') }}        as source_table,
    cast(source_line as integer)            as source_line,
    lower(trim(outcome))                    as outcome,
    {{ clean_text('detail') }}              as detail
from source_lines
