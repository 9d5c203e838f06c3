-- Leaf rows at the contract grain (document_id, fund_scope, classification, subject_code).
-- Within one table the hierarchy already keeps one printing per code; grain_occurrence
-- > 1 only happens when two tables of one document map to the same fund scope and
-- classification and print the same leaf: the first printing is kept, the others are
-- reported as duplicate_fact_grain findings.
with leaf_rows as (
    select *
    from {{ ref('int_expenditure_hierarchy') }}
    where is_leaf
)

select
    *,
    row_number() over (
        partition by document_id, fund_scope, classification, subject_code
        order by source_line, expenditure_line_id
    ) as grain_occurrence
from leaf_rows
