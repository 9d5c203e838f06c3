-- Expenditure by function class (类, 3-digit) as each document's expenditure tables
-- give it, for the cross-table identities. When a document prints a kind of table
-- twice, the first one (lowest line) is used. A class figure is the printed 类 row's
-- 合计 when the table prints it, else the sum of the table's leaves under that class.
-- Also one row per table with class_code NULL: the table's grand total (printed 合计
-- row, else the sum of its leaves).
with expenditure_rows as (
    select * from {{ ref('stg_expenditure_lines') }}
    where classification = 'functional'
),

primary_tables as (
    select document_id, table_kind, arg_min(table_key, source_line) as table_key
    from expenditure_rows
    group by all
),

printed_class_rows as (
    select hierarchy.table_key, hierarchy.subject_code as class_code,
           hierarchy.amount_total, hierarchy.source_line
    from {{ ref('int_expenditure_hierarchy') }} as hierarchy
    where hierarchy.code_level = 1 and hierarchy.classification = 'functional'
),

leaf_class_sums as (
    select table_key, left(subject_code, 3) as class_code,
           sum(amount_total) as amount_total, min(source_line) as source_line
    from {{ ref('int_expenditure_hierarchy') }}
    where is_leaf and classification = 'functional'
    group by all
),

printed_totals as (
    select table_key, amount_total, source_line
    from {{ ref('stg_expenditure_lines') }}
    where row_kind = 'total'
    qualify row_number() over (partition by table_key order by source_line) = 1
),

leaf_totals as (
    select table_key, sum(amount_total) as amount_total, min(source_line) as source_line
    from {{ ref('int_expenditure_hierarchy') }}
    where is_leaf
    group by all
),

table_attributes as (
    select table_key, any_value(source_table) as source_table, any_value(source_unit) as source_unit
    from expenditure_rows
    group by all
),

class_keys as (
    select table_key, class_code from leaf_class_sums
    union
    select table_key, class_code from printed_class_rows
),

class_figures as (
    select
        primary_tables.document_id,
        primary_tables.table_kind,
        primary_tables.table_key,
        class_keys.class_code,
        coalesce(printed_class_rows.amount_total, leaf_class_sums.amount_total) as amount,
        coalesce(printed_class_rows.source_line, leaf_class_sums.source_line) as source_line,
        printed_class_rows.table_key is not null as is_printed
    from primary_tables
    join class_keys using (table_key)
    left join printed_class_rows using (table_key, class_code)
    left join leaf_class_sums using (table_key, class_code)
),

grand_totals as (
    select
        primary_tables.document_id,
        primary_tables.table_kind,
        primary_tables.table_key,
        cast(null as varchar) as class_code,
        coalesce(printed_totals.amount_total, leaf_totals.amount_total) as amount,
        coalesce(printed_totals.source_line, leaf_totals.source_line) as source_line,
        printed_totals.table_key is not null as is_printed
    from primary_tables
    left join printed_totals using (table_key)
    left join leaf_totals using (table_key)
)

select figures.*, table_attributes.source_table, table_attributes.source_unit
from (
    select * from class_figures
    union all
    select * from grand_totals
) as figures
join table_attributes using (table_key)
