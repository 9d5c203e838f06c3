-- One row per loaded document, names without the PDF's stray spaces.
with source_documents as (
    select * from {{ source('raw', 'documents') }}
)

select
    trim(document_id)                              as document_id,
    trim(file_name)                                as file_name,
    lower(trim(source_sha256))                     as source_sha256,
    trim(encoding)                                 as encoding,
    cast(line_count as integer)                    as line_count,
    {{ clean_name('department_name') }}            as department_name,
    {{ clean_name('region') }}                     as region,
    cast(fiscal_year as integer)                   as fiscal_year,
    lower(trim(stage))                             as stage,
    lower(trim(scope))                             as scope,
    -- every spelling of the department the document prints (budget_extraction.model.PRINTED_NAMES_SEPARATOR)
    list_filter(
        list_transform(string_split(printed_department_names, ' | '), lambda n: {{ clean_name('n') }}),
        lambda n: n is not null)                      as printed_department_names
from source_documents
