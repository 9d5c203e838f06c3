-- The “三公” figures, one row per printed item, amounts in 万元.
with three_public as (
    select * from {{ ref('stg_three_public_lines') }}
),

documents as (
    {{ published_documents() }}
)

select
    documents.published_id                              as document_id,
    documents.fiscal_year,
    documents.stage,
    three_public.item,
    three_public.amount_kind,
    case three_public.item
        when 'total' then '“三公”经费合计'
        when 'outbound' then '因公出国（境）费'
        when 'vehicle' then '公务用车购置及运行费'
        when 'vehicle_purchase' then '公务用车购置费'
        when 'vehicle_operation' then '公务用车运行费'
        when 'reception' then '公务接待费'
        when 'meeting' then '会议费'
        when 'training' then '培训费'
    end                                     as item_name,
    three_public.amount,
    three_public.source_unit,
    three_public.source_table,
    three_public.source_line,
    {{ source_page_of('three_public.document_id', 'three_public.source_line') }}    as source_page
from three_public
join documents using (document_id)
