-- One row per department across the documents and years loaded: a stable key from the region and
-- the department's normal form (macros/department.sql), the name it is published under and every
-- spelling its documents print. dim_document.department_key references it.
with shown as (
    -- the department of the version shown for each document (dim_document's identity)
    select departments.*, verdicts.document_id as shown_document_id, loaded.fiscal_year
    from {{ ref('int_document_verdicts') }} as verdicts
    join {{ ref('stg_documents') }} as loaded on loaded.document_id = verdicts.shown_version_id
    join {{ ref('int_document_departments') }} as departments on departments.document_id = verdicts.shown_version_id
)

select
    department_key,
    any_value(region)                                               as region,
    -- the name of its latest document (metadata's one form per document)
    arg_max(department_name, (fiscal_year, shown_document_id))     as department_name,
    any_value(department_normal_name)                               as department_normal_name,
    list_sort(list_distinct(flatten(list(printed_department_names))))
                                                                    as printed_names,
    list_sort(list_distinct(list(fiscal_year)))                     as fiscal_years,
    min(fiscal_year)                                                as first_fiscal_year,
    max(fiscal_year)                                                as last_fiscal_year,
    count(*)                                                        as document_count
from shown
group by department_key
