-- The printed hierarchy of every expenditure table.
--
-- A row's printed parent is the nearest printed row above it in the code hierarchy:
-- among the rows of the same table whose code is a strict prefix of its code, the
-- longest. A row is a leaf when no row of the same table has its code as a strict
-- prefix. Children of a parent are the rows whose printed parent it is (the next
-- printed level, which is 项 under 款 normally, or 项 directly under 类 when the
-- 款 row is not printed).
with printed_rows as (
    select *
    from {{ ref('int_expenditure_subject_rows') }}
    where occurrence = 1
),

ancestor_pairs as (
    select
        descendant.expenditure_line_id          as expenditure_line_id,
        ancestor.expenditure_line_id            as ancestor_line_id,
        ancestor.subject_code                   as ancestor_code
    from printed_rows as descendant
    join printed_rows as ancestor
        on  ancestor.table_key = descendant.table_key
        and ancestor.classification = descendant.classification
        and length(ancestor.subject_code) < length(descendant.subject_code)
        and starts_with(descendant.subject_code, ancestor.subject_code)
),

nearest_printed_parent as (
    select *
    from ancestor_pairs
    qualify row_number() over (
        partition by expenditure_line_id order by length(ancestor_code) desc
    ) = 1
),

descendant_counts as (
    select ancestor_line_id as expenditure_line_id, count(*) as printed_descendants
    from ancestor_pairs
    group by all
),

child_counts as (
    select ancestor_line_id as expenditure_line_id, count(*) as printed_children
    from nearest_printed_parent
    group by all
)

select
    printed_rows.*,
    nearest_printed_parent.ancestor_line_id                 as printed_parent_line_id,
    nearest_printed_parent.ancestor_code                    as printed_parent_code,
    coalesce(child_counts.printed_children, 0)              as printed_children,
    coalesce(descendant_counts.printed_descendants, 0) = 0  as is_leaf
from printed_rows
left join nearest_printed_parent using (expenditure_line_id)
left join descendant_counts using (expenditure_line_id)
left join child_counts using (expenditure_line_id)
