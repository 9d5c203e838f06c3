-- Every finding a reviewer or the gate must see, one row each (see int_findings for what they
-- are), plus one document_status row per held document saying what was published instead.
-- Findings of a kept earlier version (loaded only to publish it again while its new version is
-- held) are left out: they were published with it.
with findings as (
    select
        int_findings.*,
        {{ source_page_of('int_findings.document_id', 'int_findings.source_line') }} as source_page
    from {{ ref('int_findings') }} as int_findings
    where not {{ is_kept_version('int_findings.document_id') }}
),

documents as (
    select document_id, file_name from {{ ref('stg_documents') }}
),

held_documents as (
    select
        verdicts.document_id,
        'document_status'                                           as "check",
        case verdicts.status when 'held' then 'quarantine' else 'warning' end
                                                                    as severity,
        coalesce(documents.file_name, verdicts.document_id) || ' is ' || verdicts.status
            || case when verdicts.status = 'held' then ' (not loaded)' else ' (its last good facts are loaded)' end
            || ': ' || verdicts.status_detail                       as detail,
        'status:' || verdicts.status                                as subject,
        cast(null as varchar)                                       as table_kind,
        cast(null as varchar)                                       as source_table,
        cast(null as varchar)                                       as source_unit,
        cast(null as integer)                                       as source_line,
        cast(null as integer)                                       as source_page,
        cast(null as varchar)                                       as printed_a,
        cast(null as varchar)                                       as printed_b,
        cast(null as decimal(20, 6))                                as difference,
        cast(null as varchar)                                       as reviewed_reason,
        'document_status'                                           as origin
    from {{ ref('int_document_verdicts') }} as verdicts
    left join documents on documents.document_id = verdicts.document_id
    where verdicts.is_held
)

select * from findings
union all by name
select * from held_documents
union all by name
-- A narrative sentence that contradicts a table or its own arithmetic: a warning, never blocking
-- (here, after the verdicts, so that a sentence never holds a document back).
select
    document_id,
    'narrative_claim_inconsistent'                                  as "check",
    'warning'                                                       as severity,
    file_name || ', line ' || source_line || coalesce(' (page ' || source_page || ')', '')
        || ': the narrative states “' || sentence || '”: ' || inconsistency || '.'
                                                                    as detail,
    'claim:' || subject || ':line:' || source_line                  as subject,
    cast(null as varchar)                                           as table_kind,
    table_source_table                                              as source_table,
    case when amount_check = 'inconsistent' or change_check = 'inconsistent' then source_unit
         else '%' end                                               as source_unit,
    source_line,
    source_page,
    printed_a,
    printed_b,
    cast(null as decimal(20, 6))                                    as difference,
    cast(null as varchar)                                           as reviewed_reason,
    'narrative'                                                     as origin
from {{ ref('fact_narrative_claim') }}
where verdict = 'inconsistent'

