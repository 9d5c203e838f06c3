-- One row per printed figure of an expenditure table (long form): the coded rows
-- (first printing of each code) and the 合计 rows, one row per amount column the
-- table has. NULL cells (a column the table does not have) are left out.
with subject_rows as (
    select
        expenditure_line_id, table_key, document_id, table_kind, fund_scope, classification,
        source_table, source_unit, source_line, row_kind, subject_code, subject_name,
        printed_parent_line_id, is_leaf,
        amount_total, amount_basic, amount_project, amount_personnel, amount_public
    from {{ ref('int_expenditure_hierarchy') }}
),

total_rows as (
    select
        expenditure_line_id, table_key, document_id, table_kind, fund_scope, classification,
        source_table, source_unit, source_line, row_kind, subject_code, subject_name,
        cast(null as bigint) as printed_parent_line_id, false as is_leaf,
        amount_total, amount_basic, amount_project, amount_personnel, amount_public
    from {{ ref('stg_expenditure_lines') }}
    where row_kind = 'total'
    qualify row_number() over (partition by table_key order by source_line, expenditure_line_id) = 1
),

printed_rows as (
    select * from subject_rows
    union all
    select * from total_rows
),

figures as (
    unpivot printed_rows
    on amount_total, amount_basic, amount_project, amount_personnel, amount_public
    into name amount_column value amount
)

select
    *,
    case amount_column
        when 'amount_total' then '合计'
        when 'amount_basic' then '基本支出'
        when 'amount_project' then '项目支出'
        when 'amount_personnel' then '人员经费'
        when 'amount_public' then '公用经费'
    end as column_label
from figures
