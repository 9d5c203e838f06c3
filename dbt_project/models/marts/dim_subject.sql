-- One row per (classification, subject_code): every code any fact or table uses, and
-- the parent codes of those codes, each with one canonical name.
--
-- Name: a printed name of the code that is not cut short by the PDF (a name is cut short
-- when another printed name of the same code continues it, other than with a bracketed
-- qualifier: 其他…事务支 beside 其他…事务支出, but not 行政运行 beside 行政运行（医疗保障）);
-- among those the most frequent across all loaded documents, then the shortest, then
-- the first in code-point order. A code never printed with a name
-- takes the national classification's name (seed national_subject_names) when known,
-- else the fallback 未列示名称（<code>）. name_source says which.
with printed_names as (
    select classification, subject_code, subject_name
    from {{ ref('stg_expenditure_lines') }}
    where has_valid_code and subject_name is not null
    union all
    select 'functional', subject_code, subject_name
    from {{ ref('stg_class_total_lines') }}
    where length(subject_code) = 3 and subject_name is not null
),

used_codes as (
    select classification, subject_code
    from {{ ref('stg_expenditure_lines') }}
    where has_valid_code
    union
    select 'functional', subject_code
    from {{ ref('stg_class_total_lines') }}
    where regexp_full_match(coalesce(subject_code, ''), '[0-9]{3}')
),

codes_with_ancestors as (
    select classification, subject_code from used_codes
    union
    select classification, left(subject_code, 3) from used_codes where length(subject_code) >= 5
    union
    select classification, left(subject_code, 5) from used_codes where length(subject_code) = 7
),

name_votes as (
    select classification, subject_code, subject_name, count(*) as printings
    from printed_names
    group by all
),

cut_short_names as (
    select distinct shorter.classification, shorter.subject_code, shorter.subject_name
    from name_votes as shorter
    join name_votes as longer
        on  longer.classification = shorter.classification
        and longer.subject_code = shorter.subject_code
        and length(longer.subject_name) > length(shorter.subject_name)
        and starts_with(longer.subject_name, shorter.subject_name)
        and substr(longer.subject_name, length(shorter.subject_name) + 1, 1) not in ('（', '(')
),

canonical_names as (
    select name_votes.classification, name_votes.subject_code, name_votes.subject_name, name_votes.printings
    from name_votes
    left join cut_short_names using (classification, subject_code, subject_name)
    qualify row_number() over (
        partition by name_votes.classification, name_votes.subject_code
        order by cut_short_names.subject_name is not null, name_votes.printings desc,
                 length(name_votes.subject_name), name_votes.subject_name
    ) = 1
),

name_variants as (
    select classification, subject_code,
           count(*) as name_variant_count,
           string_agg(subject_name, '；' order by printings desc, subject_name) as printed_names
    from name_votes
    group by all
),

national_names as (
    select classification, cast(subject_code as varchar) as subject_code, subject_name
    from {{ ref('national_subject_names') }}
),

document_usage as (
    select classification, subject_code, count(distinct document_id) as document_count
    from {{ ref('stg_expenditure_lines') }}
    where has_valid_code
    group by all
)

select
    codes.classification,
    codes.subject_code,
    coalesce(canonical_names.subject_name, national_names.subject_name,
             '未列示名称（' || codes.subject_code || '）')          as subject_name,
    case length(codes.subject_code) when 3 then 1 when 5 then 2 when 7 then 3 end
                                                                    as level,
    case length(codes.subject_code)
        when 3 then null
        else left(codes.subject_code, length(codes.subject_code) - 2)
    end                                                             as parent_code,
    case when canonical_names.subject_name is not null then 'printed'
         when national_names.subject_name is not null then 'national_reference'
         else 'fallback' end                                        as name_source,
    coalesce(name_variants.name_variant_count, 0)                   as name_variant_count,
    name_variants.printed_names,
    coalesce(document_usage.document_count, 0)                      as document_count
from codes_with_ancestors as codes
left join canonical_names using (classification, subject_code)
left join national_names using (classification, subject_code)
left join name_variants using (classification, subject_code)
left join document_usage using (classification, subject_code)
