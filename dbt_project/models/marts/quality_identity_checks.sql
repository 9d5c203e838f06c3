-- Every arithmetic identity the gate computes, one row per comparison, passing or not.
-- quality_findings reports the failed ones; this table lets an analyst see what was
-- checked and how close the printed figures are.
--
-- subject: `<table_kind>:<subject_code|total>[:<amount column>]`; see _marts.yml.
-- amount_a is the printed figure being checked, amount_b what its parts add up to
-- (or the other table's figure); both in 万元. tolerance_wan is the var rounding_tolerance_printed
-- (dbt_project.yml) of the printed unit, the greater of the two units across tables.
-- Each check is one macros/identity_check.sql call over the rows it compares.
with amounts as (
    select * from {{ ref('int_expenditure_amounts') }}
),

printed_rows as (
    select
        table_key, document_id, table_kind, source_table, source_unit, source_line,
        row_kind, subject_code, subject_name,
        amount_total, amount_basic, amount_project, amount_personnel, amount_public
    from {{ ref('int_expenditure_hierarchy') }}
    union all
    select
        table_key, document_id, table_kind, source_table, source_unit, source_line,
        row_kind, subject_code, subject_name,
        amount_total, amount_basic, amount_project, amount_personnel, amount_public
    from {{ ref('stg_expenditure_lines') }}
    where row_kind = 'total'
    qualify row_number() over (partition by table_key order by source_line, expenditure_line_id) = 1
),

printed_rows_labelled as (
    select
        *,
        table_kind || ':' || coalesce(subject_code, 'total') as row_subject,
        case when row_kind = 'total' then '合计'
             else subject_code || ' ' || coalesce(subject_name, '') end as line_label
    from printed_rows
),

-- 1. every printed parent vs the sum of its printed children (the next printed level)
children_sums as (
    select
        printed_parent_line_id                              as expenditure_line_id,
        amount_column,
        sum(amount)                                         as children_amount,
        count(*)                                            as children,
        string_agg(subject_code, ', ' order by subject_code) as children_codes
    from amounts
    where row_kind = 'subject' and printed_parent_line_id is not null
    group by all
),

parent_vs_children as (
    {{ identity_check('parent_vs_children',
        document_id='parent.document_id',
        subject="parent.table_kind || ':' || parent.subject_code || ':' || parent.amount_column",
        table_kind='parent.table_kind', source_table='parent.source_table',
        source_unit='parent.source_unit', source_line='parent.source_line',
        line_label="parent.subject_code || ' ' || coalesce(parent.subject_name, '')",
        amount_column='parent.amount_column',
        label_a="'printed ' || parent.column_label",
        label_b="'the sum of its ' || children.children || ' printed children (' || children.children_codes || ')'",
        amount_a='parent.amount', amount_b='children.children_amount', units=['parent.source_unit']) }}
    from amounts as parent
    join children_sums as children using (expenditure_line_id, amount_column)
),

-- 2. the printed 合计 row vs the sum of the table's leaves
leaf_sums as (
    select table_key, amount_column, sum(amount) as leaves_amount, count(*) as leaves
    from amounts
    where is_leaf
    group by all
),

total_vs_leaves as (
    {{ identity_check('total_vs_leaves',
        document_id='total_row.document_id',
        subject="total_row.table_kind || ':total:' || total_row.amount_column",
        table_kind='total_row.table_kind', source_table='total_row.source_table',
        source_unit='total_row.source_unit', source_line='total_row.source_line',
        line_label="'合计'",
        amount_column='total_row.amount_column',
        label_a="'printed ' || total_row.column_label",
        label_b="'the sum of the ' || coalesce(leaf_sums.leaves, 0) || ' leaf rows'",
        amount_a='total_row.amount', amount_b='coalesce(leaf_sums.leaves_amount, 0)',
        units=['total_row.source_unit']) }}
    from amounts as total_row
    left join leaf_sums using (table_key, amount_column)
    where total_row.row_kind = 'total'
),

-- 3. 基本支出 + 项目支出 vs 合计, on every row of a table that has both columns
basic_plus_project_vs_total as (
    {{ identity_check('basic_plus_project_vs_total',
        subject='row_subject', line_label='line_label',
        label_a="'printed 合计'", label_b="'基本支出 + 项目支出'",
        amount_a='amount_total', amount_b='amount_basic + amount_project') }}
    from printed_rows_labelled
    where amount_total is not null and amount_basic is not null and amount_project is not null
),

-- 4. 人员经费 + 公用经费 vs 基本支出; vs 合计 in the basic-expenditure table, which has no 基本支出 column
personnel_plus_public_vs_basic as (
    {{ identity_check('personnel_plus_public_vs_basic',
        subject='row_subject', line_label='line_label', amount_column="'amount_basic'",
        label_a="'printed 基本支出'", label_b="'人员经费 + 公用经费'",
        amount_a='amount_basic', amount_b='amount_personnel + amount_public') }}
    from printed_rows_labelled
    where amount_personnel is not null and amount_public is not null and amount_basic is not null
),

personnel_plus_public_vs_total as (
    {{ identity_check('personnel_plus_public_vs_total',
        subject='row_subject', line_label='line_label',
        label_a="'printed 合计'", label_b="'人员经费 + 公用经费'",
        amount_a='amount_total', amount_b='amount_personnel + amount_public') }}
    from printed_rows_labelled
    where amount_personnel is not null and amount_public is not null
      and amount_basic is null and amount_total is not null
),

-- 5. across tables: class (类) figures of the 支出总表 vs the 收支总表
class_figures as (
    select * from {{ ref('int_class_figures') }}
),

expenditure_summary_classes as (
    select * from class_figures
    where table_kind = 'expenditure_summary' and class_code is not null
),

income_expenditure_summary_classes as (
    select
        document_id,
        subject_code                as class_code,
        any_value(subject_name)     as class_name,
        sum(amount)                 as amount,
        min(source_line)            as source_line,
        any_value(source_table)     as source_table,
        any_value(source_unit)      as source_unit
    from {{ ref('stg_class_total_lines') }}
    where table_kind = 'income_expenditure_summary' and subject_code is not null
    group by document_id, subject_code
),

documents_with_both_summaries as (
    select document_id from expenditure_summary_classes
    intersect
    select document_id from income_expenditure_summary_classes
),

class_total_vs_income_expenditure_summary as (
    {{ identity_check('class_total_vs_income_expenditure_summary',
        subject="'expenditure_summary:' || class_code",
        table_kind="'expenditure_summary'",
        source_table='coalesce(expenditure.source_table, income.source_table)',
        source_unit='coalesce(expenditure.source_unit, income.source_unit)',
        source_line='coalesce(expenditure.source_line, income.source_line)',
        line_label="'类 ' || class_code || coalesce(' ' || income.class_name, '')",
        label_a="coalesce(expenditure.source_table, '支出总表') || ' class figure'
            || case when expenditure.class_code is null then ' (class not printed)' else '' end",
        label_b="coalesce(income.source_table, '收支总表') || ' class figure'
            || coalesce(' (line ' || income.source_line || ')', ' (class not printed)')",
        amount_a='coalesce(expenditure.amount, 0)', amount_b='coalesce(income.amount, 0)',
        units=['expenditure.source_unit', 'income.source_unit']) }}
    from expenditure_summary_classes as expenditure
    full outer join income_expenditure_summary_classes as income using (document_id, class_code)
    where document_id in (select document_id from documents_with_both_summaries)
),

-- 6. across tables: 支出总表 vs 一般公共预算支出表 by class, where all money is general
--    public budget (the two tables have the same grand total)
grand_totals as (
    select * from class_figures where class_code is null
),

all_general_public_documents as (
    select expenditure.document_id
    from grand_totals as expenditure
    join grand_totals as general_public
        on  general_public.document_id = expenditure.document_id
        and general_public.table_kind = 'general_public_functional'
    where expenditure.table_kind = 'expenditure_summary'
      and abs(expenditure.amount - general_public.amount)
          <= greatest({{ tolerance_wan('expenditure.source_unit') }}, {{ tolerance_wan('general_public.source_unit') }})
),

general_public_classes as (
    select * from class_figures
    where table_kind = 'general_public_functional' and class_code is not null
),

class_total_vs_general_public_functional as (
    {{ identity_check('class_total_vs_general_public_functional',
        subject="'expenditure_summary:' || class_code",
        table_kind="'expenditure_summary'",
        source_table='coalesce(expenditure.source_table, general_public.source_table)',
        source_unit='coalesce(expenditure.source_unit, general_public.source_unit)',
        source_line='coalesce(expenditure.source_line, general_public.source_line)',
        line_label="'类 ' || class_code",
        label_a="coalesce(expenditure.source_table, '支出总表') || ' class figure'
            || case when expenditure.class_code is null then ' (class not printed)' else '' end",
        label_b="coalesce(general_public.source_table, '一般公共预算支出表') || ' class figure'
            || coalesce(' (line ' || general_public.source_line || ')', ' (class not printed)')",
        amount_a='coalesce(expenditure.amount, 0)', amount_b='coalesce(general_public.amount, 0)',
        units=['expenditure.source_unit', 'general_public.source_unit']) }}
    from expenditure_summary_classes as expenditure
    full outer join general_public_classes as general_public using (document_id, class_code)
    where document_id in (select document_id from all_general_public_documents)
),

-- 7. “三公”: total = outbound + vehicle + reception; vehicle = purchase + operation
three_public_tables as (
    select
        document_id,
        source_table,
        amount_kind,
        any_value(source_unit)                                       as source_unit,
        min(source_line) filter (where item = 'total')               as total_line,
        min(source_line) filter (where item = 'vehicle')             as vehicle_line,
        sum(amount) filter (where item = 'total')                    as total,
        sum(amount) filter (where item = 'outbound')                 as outbound,
        sum(amount) filter (where item = 'vehicle')                  as vehicle,
        sum(amount) filter (where item = 'vehicle_purchase')         as vehicle_purchase,
        sum(amount) filter (where item = 'vehicle_operation')        as vehicle_operation,
        sum(amount) filter (where item = 'reception')                as reception
    from {{ ref('stg_three_public_lines') }}
    group by document_id, source_table, amount_kind
),

three_public_total as (
    {{ identity_check('three_public_total',
        subject="'three_public:total' || case when amount_kind = 'budget' then ':budget' else '' end",
        table_kind="'three_public'", source_line='total_line',
        line_label="'“三公”经费合计'", amount_column="'amount'",
        label_a="'printed 合计' || case when amount_kind = 'budget' then ' (预算数)' else '' end",
        label_b="'因公出国（境）费 + 公务用车购置及运行费 + 公务接待费'",
        amount_a='total',
        amount_b='coalesce(outbound, 0)
            + coalesce(vehicle, coalesce(vehicle_purchase, 0) + coalesce(vehicle_operation, 0))
            + coalesce(reception, 0)') }}
    from three_public_tables
    where total is not null
      and coalesce(outbound, vehicle, vehicle_purchase, vehicle_operation, reception) is not null
),

three_public_vehicle as (
    {{ identity_check('three_public_vehicle',
        subject="'three_public:vehicle' || case when amount_kind = 'budget' then ':budget' else '' end",
        table_kind="'three_public'", source_line='vehicle_line',
        line_label="'公务用车购置及运行费'", amount_column="'amount'",
        label_a="'printed 公务用车购置及运行费'", label_b="'购置费 + 运行费'",
        amount_a='vehicle', amount_b='coalesce(vehicle_purchase, 0) + coalesce(vehicle_operation, 0)') }}
    from three_public_tables
    where vehicle is not null and coalesce(vehicle_purchase, vehicle_operation) is not null
),

-- 8. the projects of the 项目支出表 vs the 支出总表 合计 row (reported, not blocking: a 项目支出表 may
--    legitimately list a subset). Project codes say what a line is: T (special-purpose) lines are 项目支出;
--    where a table also lists R (personnel) and Y (running-cost) lines, those are 基本支出.
project_sums as (
    select
        document_id,
        case when project_kind in ('R', 'Y') then 'basic' else 'project' end as part,
        sum(amount_total)           as amount,
        count(*)                    as projects,
        any_value(source_table)     as source_table,
        any_value(source_unit)      as source_unit,
        min(source_line)            as source_line
    from {{ ref('stg_project_lines') }}
    where amount_total is not null
    group by all
),

expenditure_summary_totals as (
    select document_id, amount_column, amount, source_table, source_unit, source_line
    from amounts
    where table_kind = 'expenditure_summary' and row_kind = 'total'
      and amount_column in ('amount_project', 'amount_basic')
    qualify row_number() over (partition by document_id, amount_column order by source_line) = 1
),

projects_vs_project_expenditure as (
    {{ identity_check('projects_vs_project_expenditure', severity='warning',
        document_id='projects.document_id',
        subject="'project_expenditure:' || projects.part",
        table_kind="'project_expenditure'", source_table='projects.source_table',
        source_unit='projects.source_unit', source_line='projects.source_line',
        line_label="'项目合计'",
        label_a="'the sum of the ' || projects.projects
            || case projects.part when 'basic' then ' R/Y (basic) lines' else ' project lines' end",
        label_b="coalesce(totals.source_table, '支出总表') || ' 合计 row, '
            || case projects.part when 'basic' then '基本支出' else '项目支出' end
            || ' (line ' || totals.source_line || ')'",
        amount_a='projects.amount', amount_b='totals.amount',
        units=['projects.source_unit', 'totals.source_unit']) }}
    from project_sums as projects
    join expenditure_summary_totals as totals
      on totals.document_id = projects.document_id
     and totals.amount_column = case projects.part when 'basic' then 'amount_basic' else 'amount_project' end
),

all_checks as (
    select * from parent_vs_children
    union all by name select * from total_vs_leaves
    union all by name select * from basic_plus_project_vs_total
    union all by name select * from personnel_plus_public_vs_basic
    union all by name select * from personnel_plus_public_vs_total
    union all by name select * from class_total_vs_income_expenditure_summary
    union all by name select * from class_total_vs_general_public_functional
    union all by name select * from three_public_total
    union all by name select * from three_public_vehicle
    union all by name select * from projects_vs_project_expenditure
)

select
    document_id,
    "check",
    subject,
    table_kind,
    source_table,
    coalesce(source_unit, '万元')                             as source_unit,
    source_line,
    {{ source_page_of('all_checks.document_id', 'all_checks.source_line') }} as source_page,
    line_label,
    amount_column,
    label_a,
    label_b,
    cast(amount_a as decimal(20, 6))                         as amount_a,
    cast(amount_b as decimal(20, 6))                         as amount_b,
    cast(amount_a - amount_b as decimal(20, 6))              as difference,
    cast(tolerance_wan as decimal(20, 6))                    as tolerance_wan,
    case
        when amount_a = amount_b then 'exact'
        when abs(amount_a - amount_b) <= tolerance_wan then 'rounding'
        else 'failed'
    end                                                      as outcome,
    severity_if_failed
from all_checks
