with source_lines as (
    select * from {{ source('raw', 'project_lines') }}
)

select
    trim(document_id)                                           as document_id,
    {{ clean_code('project_code') }}                            as project_code,
    {{ clean_name('project_name') }}                            as project_name,
    {{ clean_name('unit_name') }}                               as unit_name,
    upper(trim(project_kind))                                   as project_kind,
    cast(amount_total as decimal(20, 6))                        as amount_total,
    cast(amount_general_public_budget as decimal(20, 6))        as amount_general_public_budget,
    cast(amount_government_fund as decimal(20, 6))              as amount_government_fund,
    cast(amount_state_capital as decimal(20, 6))                as amount_state_capital,
    cast(amount_other as decimal(20, 6))                        as amount_other,
    {{ clean_name('source_unit') }}                             as source_unit,
    {{ clean_text('source_table') }}                            as source_table,
    cast(source_line as integer)                                as source_line
from source_lines
