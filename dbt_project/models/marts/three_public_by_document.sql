-- The “三公” figures per document and item, one row each, with the two kinds of figure apart:
-- `amount` is the document's own figure (预算数 of a budget, 决算数 of a final account) and
-- `final_account_budget` the 预算数 a final account prints beside its 决算数. A 三公 table printed
-- empty with a note that there is nothing (本单位无“三公”经费支出 / 此表为空) gives explicit zero rows
-- (evidence 'stated_none'), so a sum or a count does not lose the document.
with printed as (
    select
        document_id,
        any_value(fiscal_year)                                          as fiscal_year,
        any_value(stage)                                                as stage,
        item,
        any_value(item_name)                                            as item_name,
        max(amount) filter (where amount_kind = 'reported')             as amount,
        max(amount) filter (where amount_kind = 'budget')               as final_account_budget,
        any_value(source_table)                                         as source_table,
        min(source_line)                                                as source_line
    from {{ ref('fact_three_public') }}
    group by document_id, item
),

documents as (
    select published_version_id as version_id, document_id, fiscal_year, stage
    from {{ ref('int_document_verdicts') }}
    where published_version_id is not null
),

empty_tables as (
    -- a 三公 table printed empty, for a document that has no printed 三公 figure
    select
        documents.document_id,
        documents.fiscal_year,
        documents.stage,
        tables.source_table,
        coalesce(
            (select min(notes.source_line) from {{ ref('stg_coverage_lines') }} as notes
             where notes.document_id = tables.document_id and notes.source_table = tables.source_table
               and notes.table_kind = 'three_public' and notes.outcome = 'note'),
            tables.start_line
        )                                                               as source_line
    from {{ ref('stg_tables') }} as tables
    join documents on documents.version_id = tables.document_id
    where tables.table_kind = 'three_public'
      and tables.is_empty
      and documents.document_id not in (select document_id from printed)
    qualify row_number() over (partition by documents.document_id order by tables.start_line) = 1
),

template_items (item, item_name) as (
    -- the national template's columns
    values
        ('total', '“三公”经费合计'),
        ('outbound', '因公出国（境）费'),
        ('vehicle', '公务用车购置及运行费'),
        ('vehicle_purchase', '公务用车购置费'),
        ('vehicle_operation', '公务用车运行费'),
        ('reception', '公务接待费')
)

select
    document_id, fiscal_year, stage, item, item_name, amount, final_account_budget,
    'printed' as evidence, source_table, source_line
from printed

union all

select
    empty_tables.document_id,
    empty_tables.fiscal_year,
    empty_tables.stage,
    template_items.item,
    template_items.item_name,
    cast(0 as decimal(20, 6))                                           as amount,
    cast(null as decimal(20, 6))                                        as final_account_budget,
    'stated_none'                                                       as evidence,
    empty_tables.source_table,
    empty_tables.source_line
from empty_tables
cross join template_items
