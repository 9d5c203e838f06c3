-- Last year's figures (and the year before's) as a document gives them, with where it gives them:
-- * stated_in_narrative: from every consistent claim that states a change (增加/减少/持平), the
--   prior-year amount it implies (current - change);
-- * printed_in_table: a column of a prior year printed beside this year's (上年预算安排情况,
--   近两年收支金额 2023年 in the 部门整体绩效目标表), read by its header words.
-- An analyst gets a two- or three-year series from one document.
with claims as (
    select * from {{ ref('fact_narrative_claim') }}
),

printed as (
    select * from {{ ref('stg_prior_year_column_figures') }}
),

documents as (
    -- the versions whose facts are published, under the id dim_document shows
    select
        verdicts.published_version_id   as version_id,
        verdicts.document_id,
        loaded.file_name,
        loaded.fiscal_year
    from {{ ref('int_document_verdicts') }} as verdicts
    join {{ ref('stg_documents') }} as loaded on loaded.document_id = verdicts.published_version_id
    where verdicts.published_version_id is not null
),

stated as (
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
),

printed_in_table as (
    select
        documents.document_id,
        cast(null as bigint)                                            as claim_id,
        'printed_in_table'                                              as provenance_kind,
        printed.subject,
        coalesce(printed.section || ' ', '') || printed.item_name       as subject_text,
        printed.fiscal_year,
        printed.amount,
        documents.fiscal_year                                           as stated_in_fiscal_year,
        printed.current_amount,
        printed.source_line,
        printed.source_page,
        'printed in table ' || printed.source_table || ', column ' || printed.column_header
            || ', of document ' || documents.document_id || ' (' || documents.file_name || '), line '
            || printed.source_line || coalesce(', page ' || printed.source_page, '')
                                                                        as provenance,
        cast(null as varchar)                                           as sentence
    from printed
    join documents on documents.version_id = printed.document_id
)

select * from stated
union all by name
select * from printed_in_table
