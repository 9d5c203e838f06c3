-- Extraction findings. Their reviewable subject is `line:<source_line>`
-- (or `document` when the finding names no line): raw.findings has no subject column.
with source_findings as (
    select * from {{ source('raw', 'findings') }}
)

select
    trim(document_id)                                   as document_id,
    lower(trim("check"))                                as "check",
    lower(trim(severity))                               as severity,
    {{ clean_text('detail') }}                          as detail,
    cast(source_line as integer)                        as source_line,
    coalesce('line:' || cast(source_line as integer), 'document')
                                                        as subject
from source_findings
