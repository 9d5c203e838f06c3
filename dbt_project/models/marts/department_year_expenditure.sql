-- A department's expenditure year by year: the loaded document's figure where a document of that
-- year is loaded, else the prior-year figure a later document gives (its narrative, or a table that
-- prints last year's column); where both exist, both and their difference. Subjects are those of
-- fact_narrative_claim: <fund_scope>.expenditure | .basic | .project | .class_<类 code>, for the
-- all-funds (支出总表) and general-public-budget (一般公共预算支出表) functional tables.
-- Grain: (department_key, scope, stage, fiscal_year, subject).
with documents as (
    select * from {{ ref('dim_document') }}
    where status <> 'held'
),

leaves as (
    select
        facts.document_id,
        facts.fund_scope,
        left(facts.subject_code, 3)     as class_code,
        facts.amount_total,
        facts.amount_basic,
        facts.amount_project
    from {{ ref('fact_expenditure') }} as facts
    where facts.classification = 'functional'
      and facts.fund_scope in ('all_funds', 'general_public_budget')
),

-- One figure per loaded document and subject, summed from its published leaves.
loaded as (
    select document_id, fund_scope || '.class_' || class_code as subject, sum(amount_total) as amount
    from leaves group by all
    union all
    select document_id, fund_scope || '.expenditure', sum(amount_total) from leaves group by all
    union all
    -- basic and project only where the table prints both columns
    select document_id, fund_scope || '.basic', sum(amount_basic) from leaves group by all
    having count(amount_basic) = count(*) and count(amount_project) = count(*)
    union all
    select document_id, fund_scope || '.project', sum(amount_project) from leaves group by all
    having count(amount_basic) = count(*) and count(amount_project) = count(*)
),

loaded_figures as (
    select
        documents.department_key,
        documents.scope,
        documents.stage,
        documents.fiscal_year,
        loaded.subject,
        loaded.amount,
        documents.document_id
    from loaded
    join documents using (document_id)
),

-- The prior-year figures of the same subjects, one per department, scope, stage, year and subject:
-- a figure printed in a table before one stated in a narrative, then the nearest later document.
prior_figures as (
    select
        documents.department_key,
        documents.scope,
        documents.stage,
        prior.fiscal_year,
        prior.subject,
        prior.amount,
        prior.document_id,
        prior.provenance,
        count(*) over (partition by documents.department_key, documents.scope, documents.stage,
                                    prior.fiscal_year, prior.subject)   as prior_figure_count
    from {{ ref('fact_prior_year_figure') }} as prior
    join documents using (document_id)
    where regexp_matches(prior.subject, '^(all_funds|general_public_budget)\.(expenditure|basic|project|class_\d{3})$')
    qualify row_number() over (
        partition by documents.department_key, documents.scope, documents.stage, prior.fiscal_year, prior.subject
        order by case prior.provenance_kind when 'printed_in_table' then 0 else 1 end, prior.stated_in_fiscal_year, prior.document_id,
                 prior.source_line) = 1
),

joined as (
    select
        coalesce(loaded_figures.department_key, prior_figures.department_key)   as department_key,
        coalesce(loaded_figures.scope, prior_figures.scope)                     as scope,
        coalesce(loaded_figures.stage, prior_figures.stage)                     as stage,
        coalesce(loaded_figures.fiscal_year, prior_figures.fiscal_year)         as fiscal_year,
        coalesce(loaded_figures.subject, prior_figures.subject)                 as subject,
        loaded_figures.amount                                                   as loaded_amount,
        loaded_figures.document_id                                              as loaded_document_id,
        prior_figures.amount                                                    as prior_year_amount,
        prior_figures.document_id                                               as prior_year_document_id,
        prior_figures.provenance                                                as prior_year_provenance,
        coalesce(prior_figures.prior_figure_count, 0)                           as prior_year_figure_count
    from loaded_figures
    full outer join prior_figures
        on  prior_figures.department_key = loaded_figures.department_key
        and prior_figures.scope = loaded_figures.scope
        and prior_figures.stage = loaded_figures.stage
        and prior_figures.fiscal_year = loaded_figures.fiscal_year
        and prior_figures.subject = loaded_figures.subject
)

select
    joined.department_key,
    departments.region,
    departments.department_name,
    joined.scope,
    joined.stage,
    joined.fiscal_year,
    joined.subject,
    split_part(joined.subject, '.', 1)                                          as fund_scope,
    case when joined.subject like '%.class\_%' escape '\' then right(joined.subject, 3) end
                                                                                as class_code,
    subjects.subject_name                                                       as class_name,
    coalesce(joined.loaded_amount, joined.prior_year_amount)                    as amount,
    case when joined.loaded_document_id is not null then 'loaded document'
         else 'prior-year figure of document ' || joined.prior_year_document_id end
                                                                                as source,
    joined.loaded_document_id,
    joined.loaded_amount,
    joined.prior_year_document_id,
    joined.prior_year_amount,
    joined.prior_year_provenance,
    joined.prior_year_figure_count,
    joined.loaded_amount - joined.prior_year_amount                             as difference
from joined
join {{ ref('dim_department') }} as departments using (department_key)
left join {{ ref('dim_subject') }} as subjects
    on  subjects.classification = 'functional'
    and subjects.subject_code = case when joined.subject like '%.class\_%' escape '\' then right(joined.subject, 3) end
