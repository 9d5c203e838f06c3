-- The per-row rules the Great Expectations suites check on the published marts
-- (expectations/suites/*.json), evaluated here on the rows of every loaded version before the
-- verdicts: one row per rule a row breaks. int_findings makes each an error of its document, so
-- int_document_verdicts holds that document and the others publish; the suites stay the last
-- guard on what is published. A rule is named '<suite>.<column>' after the expectation it
-- mirrors, with the same condition (tests/test_gate_rules.py keeps the two lists together).
-- Rules that only the marts' own SQL can break (a claim's verdict, a fact's link to dim_subject)
-- are not here: a failure of one of those blocks the publication, as any corpus-level failure.
with documents as (
    select * from {{ ref('stg_documents') }}
),

document_rows as (
    select
        document_id,
        cast(null as integer)                                        as source_line,
        'identity read: department ' || coalesce(department_name, 'none') || ', region '
            || coalesce(region, 'none') || ', year ' || coalesce(cast(fiscal_year as varchar), 'none')
            || ', stage ' || coalesce(stage, 'none') || ', scope ' || coalesce(scope, 'none')
                                                                     as row_text,
        department_name is not null                                  as "dim_document.department_name",
        region is not null                                           as "dim_document.region",
        coalesce(fiscal_year between 2000 and 2100, false)           as "dim_document.fiscal_year",
        coalesce(stage in ('budget', 'final'), false)                as "dim_document.stage",
        coalesce(scope in ('consolidated', 'entity'), false)         as "dim_document.scope",
        coalesce(regexp_full_match(source_sha256, '[0-9a-f]{64}'), false)
                                                                     as "dim_document.sha_ok"
    from documents
),

indicator_rows as (
    select
        document_id,
        source_line,
        'indicator ' || coalesce('''' || indicator_name || '''', 'without a name')
            || ' (' || coalesce(indicator_l1, '-') || ' / ' || coalesce(indicator_l2, '-') || ')'
            || coalesce(', target ''' || target_text || '''', '')
            || coalesce(', weight ' || indicator_weight, '') || coalesce(', score ' || score, '')
                                                                     as row_text,
        coalesce(horizon in ('long_term', 'annual'), false)          as "fact_indicator.horizon",
        coalesce(target_scope in ('department', 'project'), true)    as "fact_indicator.target_scope",
        coalesce(target_op in ('>=', '<=', '>', '<', '='), true)     as "fact_indicator.target_op",
        coalesce(indicator_l1 in ('产出指标', '效益指标', '满意度指标', '成本指标'), true)
                                                                     as "fact_indicator.indicator_l1",
        coalesce(source_line >= 1, true)                             as "fact_indicator.source_line",
        (target_op is null or target_value is not null)              as "fact_indicator.op_has_value",
        coalesce(score <= indicator_weight + 1e-9, true)             as "fact_indicator.score_within_weight",
        case when indicator_l2 is null then true
             when indicator_l2 like '%满意%' then indicator_l1 = '满意度指标'
             when regexp_matches(indicator_l2, '经济效益|社会效益|生态效益|可持续影响') then indicator_l1 = '效益指标'
             when regexp_matches(indicator_l2, '^(数量|质量|时效)') then indicator_l1 = '产出指标'
             when indicator_l2 like '%成本%' then indicator_l1 in ('成本指标', '产出指标')
             when regexp_matches(indicator_l2, '^[0-9.%≥≤<>=＞＜ ]+$') then false
             else true end                                           as "fact_indicator.l2_matches_l1",
        length(trim(coalesce(indicator_name, ''))) > 0               as "fact_indicator.has_name"
    from {{ ref('stg_indicator_lines') }}
),

leaves as (
    select leaves.*, documents.stage
    from {{ ref('int_expenditure_leaves') }} as leaves
    join documents using (document_id)
    where leaves.grain_occurrence = 1
),

expenditure_rows as (
    select
        document_id,
        source_line,
        'leaf ' || subject_code || coalesce(' ' || subject_name, '') || ' (' || fund_scope || ', '
            || classification || ') of ' || coalesce(source_table, table_kind)
                                                                     as row_text,
        coalesce(fund_scope in ('all_funds', 'general_public_budget', 'government_fund', 'state_capital'), false)
                                                                     as "fact_expenditure.fund_scope",
        coalesce(classification in ('functional', 'economic'), false) as "fact_expenditure.classification",
        coalesce(stage in ('budget', 'final'), true)                 as "fact_expenditure.stage",
        coalesce(source_unit in ('万元', '元'), true)                 as "fact_expenditure.source_unit",
        amount_total is not null                                     as "fact_expenditure.amount_total",
        source_table is not null                                     as "fact_expenditure.source_table",
        coalesce(source_line >= 1, false)                            as "fact_expenditure.source_line",
        coalesce(classification = 'functional' and length(subject_code) in (3, 5, 7)
                 or classification = 'economic' and length(subject_code) in (3, 5), false)
                                                                     as "fact_expenditure.code_format_ok",
        not exists (
            select 1 from leaves as child
            where child.document_id = leaves.document_id and child.fund_scope = leaves.fund_scope
              and child.classification = leaves.classification and child.subject_code <> leaves.subject_code
              and starts_with(child.subject_code, leaves.subject_code)
        )                                                            as "fact_expenditure.is_leaf",
        count(amount_basic) over w in (0, count(*) over w)
            and count(amount_project) over w in (0, count(*) over w)
            and count(amount_personnel) over w in (0, count(*) over w)
            and count(amount_public) over w in (0, count(*) over w)  as "fact_expenditure.amounts_complete"
    from leaves
    window w as (partition by document_id, fund_scope, classification, source_table)
),

claim_rows as (
    select
        document_id,
        source_line,
        'claim ' || coalesce('''' || sentence || '''', 'without a sentence')  as row_text,
        subject is not null                                          as "fact_narrative_claim.subject",
        amount is not null                                           as "fact_narrative_claim.amount",
        sentence is not null                                         as "fact_narrative_claim.sentence",
        coalesce(source_line >= 1, true)                             as "fact_narrative_claim.source_line",
        coalesce(source_unit in ('万元', '元'), true)                 as "fact_narrative_claim.source_unit",
        coalesce(change_direction in ('increase', 'decrease', 'flat'), true)
                                                                     as "fact_narrative_claim.change_direction"
    from {{ ref('stg_narrative_claims') }}
),

project_rows as (
    select
        document_id,
        source_line,
        'project ' || coalesce('''' || project_name || '''', 'without a name') || coalesce(' (' || project_code || ')', '')
                                                                     as row_text,
        project_name is not null                                     as "fact_project.project_name",
        amount_total is not null                                     as "fact_project.amount_total",
        source_table is not null                                     as "fact_project.source_table",
        coalesce(source_line >= 1, false)                            as "fact_project.source_line",
        coalesce(stage in ('budget', 'final'), true)                 as "fact_project.stage",
        coalesce(source_unit in ('万元', '元'), true)                 as "fact_project.source_unit",
        coalesce(project_kind in ('R', 'Y', 'T'), true)              as "fact_project.project_kind",
        regexp_full_match(coalesce(project_code, ''), '[0-9A-Z]*')   as "fact_project.code_format_ok"
    from {{ ref('stg_project_lines') }}
    join documents using (document_id)
),

income_rows as (
    select
        document_id,
        source_line,
        'income row ' || coalesce('''' || item_name || '''', coalesce(income_source, 'without a source'))
            || coalesce(' of ' || source_table, '')                  as row_text,
        income_source is not null                                    as "fact_income.income_source",
        amount is not null                                           as "fact_income.amount",
        coalesce(source_line >= 1, false)                            as "fact_income.source_line",
        coalesce(table_kind in ('income_expenditure_summary', 'income_summary'), true)
                                                                     as "fact_income.table_kind",
        coalesce(row_kind in ('total', 'unit', 'subject'), true)     as "fact_income.row_kind",
        coalesce(stage in ('budget', 'final'), true)                 as "fact_income.stage",
        coalesce(source_unit in ('万元', '元'), true)                 as "fact_income.source_unit",
        (row_kind is null) = (table_kind = 'income_expenditure_summary')
                                                                     as "fact_income.row_kind_matches_table",
        subject_code is null or length(subject_code) in (3, 5, 7) and regexp_full_match(subject_code, '[0-9]+')
                                                                     as "fact_income.code_format_ok"
    from {{ ref('stg_income_lines') }}
    join documents using (document_id)
),

three_public_rows as (
    select
        document_id,
        source_line,
        '三公 item ' || coalesce(item, 'without an item') || coalesce(' (' || amount_kind || ')', '')
                                                                     as row_text,
        coalesce(source_line >= 1, false)                            as "fact_three_public.source_line",
        coalesce(item in ('total', 'outbound', 'vehicle', 'vehicle_purchase', 'vehicle_operation',
                          'reception', 'meeting', 'training'), true) as "fact_three_public.item",
        amount_kind in ('reported', 'budget')                        as "fact_three_public.amount_kind",
        coalesce(stage in ('budget', 'final'), true)                 as "fact_three_public.stage",
        coalesce(source_unit in ('万元', '元'), true)                 as "fact_three_public.source_unit",
        coalesce(amount >= 0, true)                                  as "fact_three_public.amount"
    from {{ ref('stg_three_public_lines') }}
    join documents using (document_id)
),

unit_expenditure_rows as (
    select
        document_id,
        source_line,
        'unit ' || coalesce(unit_code, 'without a code') || coalesce(' ' || unit_name, '')
                                                                     as row_text,
        unit_code is not null                                        as "fact_unit_expenditure.unit_code",
        amount_total is not null                                     as "fact_unit_expenditure.amount_total",
        coalesce(source_line >= 1, false)                            as "fact_unit_expenditure.source_line",
        coalesce(stage in ('budget', 'final'), true)                 as "fact_unit_expenditure.stage",
        coalesce(source_unit in ('万元', '元'), true)                 as "fact_unit_expenditure.source_unit",
        regexp_full_match(coalesce(unit_code, ''), '[0-9]+')         as "fact_unit_expenditure.code_format_ok"
    from {{ ref('stg_unit_expenditure_lines') }}
    join documents using (document_id)
    where row_kind = 'unit'  -- the mart's rows: a total row carries no unit code
),

broken as (
    unpivot document_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot indicator_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot expenditure_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot claim_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot project_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot income_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot three_public_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
    union all by name
    unpivot unit_expenditure_rows on columns(* exclude (document_id, source_line, row_text)) into name rule value holds
)

select
    broken.document_id,
    broken.rule,
    broken.source_line,
    coalesce(documents.file_name, broken.document_id) || coalesce(', line ' || broken.source_line, '')
        || ': breaks the rule ' || broken.rule || ' of the published marts (expectations/suites/'
        || split_part(broken.rule, '.', 1) || '.json): ' || broken.row_text || '.'
                                                                     as detail
from broken
left join documents using (document_id)
where not broken.holds
