-- Prior years' figures printed in a table beside this year's (raw.prior_year_column_figures),
-- typed, names without the PDF's stray spaces; with the page of a PDF's line.
with source_figures as (
    select * from {{ source('raw', 'prior_year_column_figures') }}
),

pages as (
    select * from {{ ref('stg_pages') }}
)

select
    trim(source_figures.document_id)                        as document_id,
    trim(source_figures.table_kind)                         as table_kind,
    trim(source_figures.source_table)                       as source_table,
    {{ clean_name('source_figures.section') }}              as section,
    {{ clean_name('source_figures.item_name') }}            as item_name,
    trim(source_figures.subject)                            as subject,
    {{ clean_text('source_figures.column_header') }}        as column_header,
    cast(source_figures.fiscal_year as integer)             as fiscal_year,
    source_figures.amount_kind,
    cast(source_figures.amount as decimal(20, 6))           as amount,
    trim(source_figures.amount_printed)                     as amount_printed,
    cast(source_figures.current_amount as decimal(20, 6))   as current_amount,
    trim(source_figures.source_unit)                        as source_unit,
    cast(source_figures.source_line as integer)             as source_line,
    pages.page                                              as source_page
from source_figures
left join pages
    on  pages.document_id = trim(source_figures.document_id)
    and cast(source_figures.source_line as integer) between pages.first_line and pages.last_line
