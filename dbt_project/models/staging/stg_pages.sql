-- One row per page of a PDF document: the line range its text occupies (none for a page without text).
with source_pages as (
    select * from {{ source('raw', 'pages') }}
)

select
    trim(document_id)              as document_id,
    cast(page as integer)          as page,
    cast(first_line as integer)    as first_line,
    cast(last_line as integer)     as last_line,
    cast(has_text as boolean)      as has_text
from source_pages
