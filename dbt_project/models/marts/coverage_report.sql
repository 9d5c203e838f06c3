-- Per document and recognised table: how its candidate lines were accounted for.
-- A line that is neither a fact, a parent, a total, a header nor a note is a finding;
-- tables with finding lines deserve a look.
with tables as (
    select * from {{ ref('stg_tables') }}
),

coverage as (
    select * from {{ ref('stg_coverage_lines') }}
),

outcome_counts as (
    select
        document_id,
        table_kind,
        source_table,
        count(*)                                        as lines_accounted,
        count(*) filter (where outcome = 'fact')        as fact_lines,
        count(*) filter (where outcome = 'parent')      as parent_lines,
        count(*) filter (where outcome = 'total')       as total_lines,
        count(*) filter (where outcome = 'header')      as header_lines,
        count(*) filter (where outcome = 'note')        as note_lines,
        count(*) filter (where outcome = 'finding')     as finding_lines,
        min(source_line)                                as first_line,
        max(source_line)                                as last_line
    from coverage
    group by all
),

table_keys as (
    select document_id, table_kind, source_table from tables
    union
    select document_id, table_kind, source_table from outcome_counts
),

first_table_printing as (
    select *
    from tables
    qualify row_number() over (partition by document_id, table_kind, source_table order by start_line) = 1
)

select
    table_keys.document_id,
    table_keys.table_kind,
    table_keys.source_table,
    first_table_printing.title,
    first_table_printing.source_unit,
    first_table_printing.start_line,
    first_table_printing.end_line,
    coalesce(first_table_printing.is_empty, false)          as is_empty,
    first_table_printing.document_id is not null            as has_table_row,
    coalesce(outcome_counts.lines_accounted, 0)             as lines_accounted,
    coalesce(outcome_counts.fact_lines, 0)                  as fact_lines,
    coalesce(outcome_counts.parent_lines, 0)                as parent_lines,
    coalesce(outcome_counts.total_lines, 0)                 as total_lines,
    coalesce(outcome_counts.header_lines, 0)                as header_lines,
    coalesce(outcome_counts.note_lines, 0)                  as note_lines,
    coalesce(outcome_counts.finding_lines, 0)               as finding_lines
from table_keys
left join first_table_printing
    on  first_table_printing.document_id = table_keys.document_id
    and first_table_printing.table_kind = table_keys.table_kind
    and first_table_printing.source_table is not distinct from table_keys.source_table
left join outcome_counts
    on  outcome_counts.document_id = table_keys.document_id
    and outcome_counts.table_kind = table_keys.table_kind
    and outcome_counts.source_table is not distinct from table_keys.source_table
-- a kept earlier version's account was published with it; this build's versions are shown
where not {{ is_kept_version('table_keys.document_id') }}
