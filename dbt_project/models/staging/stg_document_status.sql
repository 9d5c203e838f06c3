-- The corpus decision for every known document (loaded or not).
with decisions as (
    select * from {{ source('raw', 'document_status') }}
)

select
    trim(document_id)                  as document_id,
    trim(file_name)                    as file_name,
    lower(trim(status))                as status,
    cast(loaded as boolean)            as is_loaded,
    {{ clean_text('detail') }}         as detail,
    cast(error_line as integer)        as error_line
from decisions
