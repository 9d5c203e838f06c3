-- Last year's figures as the narrative states them: from every consistent claim that states a
-- change (增加/减少/持平), the prior-year amount it implies (current - change), with where it is said.
-- An analyst gets a two-year series from one document.
with claims as (
    select * from {{ ref('fact_narrative_claim') }}
)

select
    document_id,
    claim_id,
    'stated_in_narrative'                                           as provenance_kind,
    subject,
    subject_text,
    compared_year                                                   as fiscal_year,
    implied_prior_amount                                            as amount,
    fiscal_year                                                     as stated_in_fiscal_year,
    amount                                                          as current_amount,
    source_line,
    source_page,
    'stated in the narrative of document ' || document_id || ' (' || file_name || '), line '
        || source_line || coalesce(', page ' || source_page, '')    as provenance,
    sentence
from claims
where verdict = 'consistent'
  and change_direction is not null
  and implied_prior_amount is not null
  and compared_year is not null
  and subject <> 'other'
