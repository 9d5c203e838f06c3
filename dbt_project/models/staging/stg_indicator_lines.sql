-- Indicators: names without stray spaces; target texts keep single spaces (≥80000 人次).
with source_lines as (
    select * from {{ source('raw', 'indicator_lines') }}
)

select
    trim(document_id)                               as document_id,
    lower(trim(table_kind))                         as table_kind,
    lower(trim(target_scope))                       as target_scope,
    {{ clean_code('project_code') }}                as project_code,
    {{ clean_name('project_name') }}                as project_name,
    lower(trim(horizon))                            as horizon,
    {{ clean_name('goal_label') }}                  as goal_label,
    {{ clean_name('indicator_l1') }}                as indicator_l1,
    {{ clean_name('indicator_l2') }}                as indicator_l2,
    {{ clean_name('indicator_l1_printed') }}        as indicator_l1_printed,
    {{ clean_name('indicator_l2_printed') }}        as indicator_l2_printed,
    {{ clean_name('indicator_name') }}              as indicator_name,
    cast(indicator_weight as double)                as indicator_weight,
    {{ clean_text('target_text') }}                 as target_text,
    nullif(trim(target_op), '')                     as target_op,
    cast(target_value as double)                    as target_value,
    {{ clean_text('target_unit') }}                 as target_unit,
    {{ clean_text('prior_targets') }}               as prior_targets,
    {{ clean_text('basis') }}                       as basis,
    {{ clean_text('actual_text') }}                 as actual_text,
    cast(actual_value as double)                    as actual_value,
    {{ clean_text('actual_unit') }}                 as actual_unit,
    cast(score as double)                           as score,
    {{ clean_text('source_table') }}                as source_table,
    cast(source_line as integer)                    as source_line
from source_lines
