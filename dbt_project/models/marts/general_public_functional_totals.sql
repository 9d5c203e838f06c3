-- General-public-budget expenditure per document, by function: the leaves of fact_expenditure with
-- fund_scope 'general_public_budget' AND classification 'functional' (the economic rows of the
-- 一般公共预算基本支出表 share that fund scope: summing the fund scope alone counts basic spending
-- twice), beside the 合计 the 一般公共预算支出表 prints.
with leaves as (
    select *
    from {{ ref('fact_expenditure') }}
    where fund_scope = 'general_public_budget'
      and classification = 'functional'
),

documents as (
    select published_version_id as version_id, document_id
    from {{ ref('int_document_verdicts') }}
    where published_version_id is not null
),

printed_totals as (
    -- the 合计 row of the document's 一般公共预算支出表 (first printing)
    select
        documents.document_id,
        lines.amount_total,
        lines.source_table,
        lines.source_line,
        row_number() over (partition by documents.document_id order by lines.source_line) as printing
    from {{ ref('stg_expenditure_lines') }} as lines
    join documents on documents.version_id = lines.document_id
    where lines.row_kind = 'total'
      and lines.fund_scope = 'general_public_budget'
      and lines.classification = 'functional'
),

sums as (
    select
        document_id,
        any_value(fiscal_year)      as fiscal_year,
        any_value(stage)            as stage,
        sum(amount_total)           as amount_total,
        sum(amount_basic)           as amount_basic,
        sum(amount_project)         as amount_project,
        sum(amount_personnel)       as amount_personnel,
        sum(amount_public)          as amount_public,
        count(*)                    as leaf_rows
    from leaves
    group by document_id
)

select
    sums.*,
    printed_totals.amount_total     as printed_total,
    printed_totals.source_table,
    printed_totals.source_line
from sums
left join printed_totals
    on printed_totals.document_id = sums.document_id
   and printed_totals.printing = 1
