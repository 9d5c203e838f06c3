-- Coded rows of the expenditure tables whose code is valid, with their occurrence
-- within the printed table: a code printed twice in one table keeps its first
-- printing (occurrence 1) for the hierarchy and facts; later ones are reported
-- as duplicate_subject_row findings, never silently dropped.
with subject_rows as (
    select *
    from {{ ref('stg_expenditure_lines') }}
    where has_valid_code
)

select
    *,
    row_number() over same_code_in_table    as occurrence,
    count(*) over (partition by table_key, subject_code)
                                            as occurrences_in_table
from subject_rows
window same_code_in_table as (
    partition by table_key, subject_code
    order by source_line, expenditure_line_id
)
