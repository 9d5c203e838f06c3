-- Every claim of the narrative (情况说明), checked: the amount against the table figure its
-- subject names, and the sentence's own arithmetic (the implied prior-year figure, the rate,
-- the share, the direction words). A check that cannot be made is NULL; the claim's verdict is
-- inconsistent when any check fails, consistent when at least one holds, else unverifiable.
-- Tolerances: an amount within 0.02 of its printed unit of the table figure (the identities'
-- rounding); a percentage within one unit of its last printed digit of the range the printed
-- amounts allow (each amount is itself rounded to its last printed digit, and documents round or
-- truncate rates to the digits they print).
with claims as (
    select * from {{ ref('stg_narrative_claims') }}
),

documents as (
    -- The documents whose facts are published, keyed by the version loaded (int_document_verdicts);
    -- not dim_document, which counts the findings this mart feeds.
    select
        verdicts.published_version_id as document_id,
        verdicts.document_id          as published_id,
        loaded.file_name,
        loaded.fiscal_year,
        loaded.stage
    from {{ ref('int_document_verdicts') }} as verdicts
    join {{ ref('stg_documents') }} as loaded on loaded.document_id = verdicts.published_version_id
    where verdicts.published_version_id is not null
),

expenditure_totals as (
    select *
    from {{ ref('stg_expenditure_lines') }}
    where row_kind = 'total'
    qualify row_number() over (partition by document_id, table_kind order by source_line) = 1
),

expenditure_classes as (
    select *
    from {{ ref('stg_expenditure_lines') }}
    where row_kind = 'subject' and length(subject_code) = 3
    qualify row_number() over (partition by document_id, table_kind, subject_code order by source_line) = 1
),

-- The table figure each subject names, in the order tables are preferred (rank 1 wins).
-- (union by name: every branch names its columns.)
table_figures as (
    select document_id, subject, amount, source_table, source_line, preference
    from (
        select document_id, 'all_funds.income' as subject, amount, source_table, source_line,
               case table_kind when 'income_summary' then 1 else 2 end as preference
        from {{ ref('stg_income_lines') }}
        where income_source = 'total' and coalesce(row_kind, 'total') = 'total'
        union all by name
        -- 收入总计 (the 收支总表's grand total, with the carry-over) where printed, else the total.
        select document_id, 'all_funds.income_grand_total' as subject, amount, source_table, source_line,
               case income_source when 'grand_total' then 1 else 2 end as preference
        from {{ ref('stg_income_lines') }}
        where income_source in ('grand_total', 'total') and coalesce(row_kind, 'total') = 'total'
        union all by name
        select document_id, 'all_funds.budget_total' as subject, amount, source_table, source_line,
               case table_kind when 'income_summary' then 1 else 2 end as preference
        from {{ ref('stg_income_lines') }}
        where income_source = 'total' and coalesce(row_kind, 'total') = 'total'
        union all by name
        select document_id, 'general_public_budget.income' as subject, amount, source_table, source_line,
               case table_kind when 'income_expenditure_summary' then 1 else 2 end as preference
        from {{ ref('stg_income_lines') }}
        where income_source = 'general_public_budget' and coalesce(row_kind, 'total') = 'total'
        union all by name
        select document_id, fund_scope || '.' || item as subject, amount, source_table, source_line,
               case when table_kind = 'general_public_basic_economic' then 2 else 1 end as preference
        from (
            unpivot (
                select document_id, table_kind, source_table, source_line,
                       case table_kind when 'expenditure_summary' then 'all_funds'
                                       else 'general_public_budget' end as fund_scope,
                       amount_total as expenditure, amount_basic as basic, amount_project as project,
                       amount_personnel as personnel, amount_public as public
                from expenditure_totals
                where table_kind in ('expenditure_summary', 'general_public_functional',
                                     'general_public_basic_economic')
            )
            on expenditure, basic, project, personnel, public
            into name item value amount
        )
        where not (table_kind = 'general_public_basic_economic' and item in ('expenditure', 'project'))
        union all by name
        select document_id,
               case table_kind when 'expenditure_summary' then 'all_funds'
                               else 'general_public_budget' end || '.class_' || subject_code as subject,
               amount_total as amount, source_table, source_line, 1 as preference
        from expenditure_classes
        where table_kind in ('expenditure_summary', 'general_public_functional')
        union all by name
        select document_id, 'three_public.' || item as subject, amount, source_table, source_line, 1 as preference
        from {{ ref('stg_three_public_lines') }}
        where amount_kind = 'reported'
    )
    where amount is not null
    qualify row_number() over (partition by document_id, subject order by preference, source_line) = 1
),

figured as (
    select
        claims.*,
        documents.published_id,
        documents.file_name,
        documents.fiscal_year,
        documents.stage,
        case when claims.comparison_year is not null then claims.comparison_year
             when claims.comparison_text is not null then documents.fiscal_year - 1 end
                                                                    as compared_year,
        -- an amount like any other: DECIMAL(20,6) in 万元 (the sum of two would widen it)
        cast(case claims.change_direction
            when 'increase' then claims.amount - claims.change_amount
            when 'decrease' then claims.amount + claims.change_amount
            when 'flat' then claims.amount end as decimal(20, 6))   as implied_prior_amount,
        table_figures.amount                                        as table_amount,
        table_figures.source_table                                  as table_source_table,
        table_figures.source_line                                   as table_source_line,
        case claims.source_unit when '元' then 0.000002 else 0.02 end
                                                                    as tolerance_wan,
        pow(10, -coalesce(length(split_part(claims.rate_printed, '.', 2)), 0))
                                                                    as rate_precision,
        -- Half a unit of the last printed digit of the amount and of the change, in 万元.
        0.5 * pow(10, -length(split_part(claims.amount_printed, '.', 2)))
            * case claims.source_unit when '元' then 0.0001 else 1 end as amount_half_unit,
        0.5 * pow(10, -coalesce(length(split_part(claims.change_printed, '.', 2)), 0))
            * case claims.change_unit when '元' then 0.0001 else 1 end as change_half_unit,
        pow(10, -coalesce(length(split_part(claims.share_printed, '.', 2)), 0))
                                                                    as share_precision
    from claims
    join documents using (document_id)
    -- A 收入总计 is the grand total (with the carry-over), a 收入 or 收入合计 this year's total.
    left join table_figures
        on  table_figures.document_id = claims.document_id
        and table_figures.subject = case when claims.subject = 'all_funds.income' and claims.subject_text like '%总计%'
                                         then 'all_funds.income_grand_total' else claims.subject end
),

computed as (
    select
        *,
        case when implied_prior_amount > 0 and change_amount is not null
             then cast(change_amount as double) / cast(implied_prior_amount as double) * 100 end
                                                                    as computed_rate_percent,
        -- The rates the printed (rounded) change and amount allow: least change over largest prior ...
        case when change_amount is not null and implied_prior_amount > 0
             then greatest(change_amount - change_half_unit, 0)
                  / (implied_prior_amount + amount_half_unit + change_half_unit) * 100 end
                                                                    as rate_low,
        -- ... to largest change over least prior.
        case when change_amount is not null
                  and implied_prior_amount - amount_half_unit - change_half_unit > 0
             then (change_amount + change_half_unit)
                  / (implied_prior_amount - amount_half_unit - change_half_unit) * 100 end
                                                                    as rate_high,
        case when share_base_amount > 0
             then cast(amount as double) / cast(share_base_amount as double) * 100 end
                                                                    as computed_share_percent,
        case when share_base_amount > 0
             then greatest(amount - amount_half_unit, 0) / (share_base_amount + amount_half_unit) * 100 end
                                                                    as share_low,
        case when share_base_amount - amount_half_unit > 0
             then (amount + amount_half_unit) / (share_base_amount - amount_half_unit) * 100 end
                                                                    as share_high
    from figured
),

checked as (
    select
        *,
        case when table_amount is null then 'unverifiable'
             when abs(amount - table_amount) <= tolerance_wan then 'consistent'
             else 'inconsistent' end                                as amount_check,
        case when change_amount is null or change_direction is null then null
             when prior_amount is not null
                 then case when abs(implied_prior_amount - prior_amount) <= tolerance_wan
                           then 'consistent' else 'inconsistent' end
             when implied_prior_amount < 0 then 'inconsistent'
             else 'consistent' end                                  as change_check,
        case when rate_percent is null then null
             when change_amount = 0 and change_direction is not null
                 then case when rate_percent = 0 then 'consistent' else 'inconsistent' end
             when rate_low is null or rate_high is null then null
             when rate_percent > rate_low - rate_precision and rate_percent < rate_high + rate_precision
                 then 'consistent'
             else 'inconsistent' end                                as rate_check,
        case when share_percent is null or share_low is null or share_high is null then null
             when share_percent > share_low - share_precision and share_percent < share_high + share_precision
                 then 'consistent'
             else 'inconsistent' end                                as share_check,
        case when change_direction is null and rate_direction is null then null
             when change_printed like '-%' then 'inconsistent'
             when change_direction = 'flat'
                 then case when coalesce(change_amount, 0) = 0 and coalesce(rate_percent, 0) = 0
                           then 'consistent' else 'inconsistent' end
             when change_direction is not null and rate_direction is not null
                  and change_direction <> rate_direction and change_amount <> 0 then 'inconsistent'
             else 'consistent' end                                  as direction_check
    from computed
),

verdicts as (
    select
        *,
        case when 'inconsistent' in (amount_check, change_check, rate_check, share_check, direction_check)
                 then 'inconsistent'
             when 'consistent' in (amount_check, change_check, rate_check, share_check, direction_check)
                 then 'consistent'
             else 'unverifiable' end                                as verdict,
        concat_ws('; ',
            case when amount_check = 'inconsistent' then
                'amount ' || amount_printed || ' ' || source_unit || ' vs ' || table_source_table
                || ' line ' || table_source_line || ' ' || printf('%.2f', cast(table_amount as double)) || ' 万元' end,
            case when change_check = 'inconsistent' then
                'change ' || change_printed || ' ' || change_unit || ' (' || change_word || ') implies a prior-year figure of '
                || printf('%.2f', cast(implied_prior_amount as double)) || ' 万元'
                || coalesce(' vs ' || prior_printed || ' stated', ' (negative)') end,
            case when rate_check = 'inconsistent' then
                'rate ' || rate_printed || '% vs change ÷ prior '
                || coalesce(printf('%.2f', computed_rate_percent), '0') || '%' end,
            case when share_check = 'inconsistent' then
                'share ' || share_printed || '% vs amount ÷ total '
                || printf('%.2f', computed_share_percent) || '%' end,
            case when direction_check = 'inconsistent' then
                'direction ' || coalesce(change_word, '') || coalesce(' ' || change_printed, '')
                || ' vs rate ' || coalesce(rate_direction, '') || coalesce(' ' || rate_printed || '%', '') end
        )                                                           as inconsistency
    from checked
)

select
    published_id                                                    as document_id,
    claim_id,
    file_name,
    fiscal_year,
    stage,
    subject,
    subject_text,
    amount,
    amount_printed,
    source_unit,
    change_amount,
    change_printed,
    change_direction,
    change_word,
    comparison_text,
    compared_year,
    implied_prior_amount,
    prior_amount,
    prior_printed,
    rate_percent,
    rate_printed,
    rate_direction,
    cast(computed_rate_percent as decimal(20, 6))                   as computed_rate_percent,
    share_percent,
    share_printed,
    share_base_amount,
    share_base_subject,
    cast(computed_share_percent as decimal(20, 6))                  as computed_share_percent,
    table_amount,
    table_source_table,
    table_source_line,
    amount_check,
    change_check,
    rate_check,
    share_check,
    direction_check,
    verdict,
    nullif(inconsistency, '')                                       as inconsistency,
    -- The two figures of the first failing check, as the findings show them.
    case when amount_check = 'inconsistent' then amount_printed
         when change_check = 'inconsistent' then coalesce(prior_printed, change_printed)
         when rate_check = 'inconsistent' then rate_printed
         when share_check = 'inconsistent' then share_printed
         when direction_check = 'inconsistent' then coalesce(change_printed, rate_printed) end
                                                                    as printed_a,
    case when amount_check = 'inconsistent' then printf('%.2f', cast(table_amount as double))
         when change_check = 'inconsistent' then printf('%.2f', cast(implied_prior_amount as double))
         when rate_check = 'inconsistent' then printf('%.2f', coalesce(computed_rate_percent, 0))
         when share_check = 'inconsistent' then printf('%.2f', computed_share_percent)
         when direction_check = 'inconsistent' then coalesce(rate_printed, change_printed) end
                                                                    as printed_b,
    sentence,
    source_line,
    source_page
from verdicts
