-- The extraction writes a final account's 预算数 column as `<item>_budget` beside the 决算数
-- (`<item>`): item is the base item, amount_kind says which column the figure is from.
with source_lines as (
    select * from {{ source('raw', 'three_public_lines') }}
)

select
    trim(document_id)                       as document_id,
    regexp_replace(lower(trim(item)), '_budget$', '')
                                            as item,
    case when lower(trim(item)) like '%\_budget' escape '\' then 'budget'
         else 'reported' end                as amount_kind,
    cast(amount as decimal(20, 6))          as amount,
    {{ clean_name('source_unit') }}         as source_unit,
    {{ clean_text('source_table') }}        as source_table,
    cast(source_line as integer)            as source_line
from source_lines
