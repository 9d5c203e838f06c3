-- The narrative's claims (情况说明), one row per stated amount: typed, texts trimmed.
-- claim_id numbers the claims of a document in the order they are printed: by line, then (two
-- claims on one line) by what each prints, so that the numbering is the same in every run.
with source_claims as (
    select * from {{ source('raw', 'narrative_claims') }}
)

select
    trim(document_id)                                   as document_id,
    row_number() over (
        partition by document_id
        order by source_line, amount_printed, subject, subject_text, change_printed, rate_printed,
                 share_printed, prior_printed, comparison_text, sentence
    )
                                                        as claim_id,
    trim(subject)                                       as subject,
    {{ clean_name('subject_text') }}                    as subject_text,
    cast(amount as decimal(20, 6))                      as amount,
    trim(amount_printed)                                as amount_printed,
    trim(source_unit)                                   as source_unit,
    cast(change_amount as decimal(20, 6))               as change_amount,
    trim(change_printed)                                as change_printed,
    trim(change_unit)                                   as change_unit,
    change_direction,
    change_word,
    cast(rate_percent as decimal(20, 6))                as rate_percent,
    trim(rate_printed)                                  as rate_printed,
    rate_direction,
    cast(share_percent as decimal(20, 6))               as share_percent,
    trim(share_printed)                                 as share_printed,
    cast(share_base_amount as decimal(20, 6))           as share_base_amount,
    share_base_subject,
    {{ clean_name('comparison_text') }}                 as comparison_text,
    cast(comparison_year as integer)                    as comparison_year,
    cast(prior_amount as decimal(20, 6))                as prior_amount,
    trim(prior_printed)                                 as prior_printed,
    {{ clean_text('sentence') }}                        as sentence,
    cast(source_line as integer)                        as source_line,
    cast(source_page as integer)                        as source_page
from source_claims
