-- Every loaded version's department: its normal form and key (macros/department.sql), and the
-- spellings the document prints. A narrative part and its tables part print the same
-- department, region, year and stage (metadata reads them from either), so they share a key.
with documents as (
    select * from {{ ref('stg_documents') }}
),

normalised as (
    select
        document_id,
        region,
        department_name,
        {{ department_normal_form('department_name', 'region') }}  as department_normal_name,
        list_distinct(list_concat([department_name], coalesce(printed_department_names, [])))
                                                                    as printed_department_names
    from documents
    where department_name is not null
)

select
    document_id,
    {{ department_key('region', 'department_normal_name') }}        as department_key,
    region,
    department_name,
    department_normal_name,
    printed_department_names
from normalised
