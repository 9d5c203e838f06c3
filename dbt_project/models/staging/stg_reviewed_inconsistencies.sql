-- The reviewed list (expectations/known_source_inconsistencies.csv), keys trimmed.
with reviewed as (
    select * from {{ source('raw', 'reviewed_inconsistencies') }}
)

select
    trim(document_id)                                   as document_id,
    lower(trim("check"))                                as "check",
    trim(subject)                                       as subject,
    trim(printed_a)                                     as printed_a,
    trim(printed_b)                                     as printed_b,
    {{ clean_text('reason') }}                          as reason
from reviewed
