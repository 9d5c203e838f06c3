-- One verdict per document of this build: whose facts are published, and why.
-- A version with an error finding (one the reviewed list does not turn into a warning) is
-- held: none of its facts are published. When the new version of a document is held and the
-- version published before it (loaded as a kept version, see macros/kept_versions.sql) still
-- passes, that one stays published, stale; otherwise the document shows as held, with no facts.
-- A finding of no document (the corpus) is not decided here: the gate blocks the publication.
with documents as (
    select * from {{ ref('stg_documents') }}
),

document_status as (
    select * from {{ ref('stg_document_status') }}
),

errors as (
    select
        findings.document_id,
        count(*)                                                    as error_count,
        arg_min(documents.file_name || coalesce(':' || findings.source_line, '') || ' '
                || findings."check" || ': ' || findings.detail,
                (coalesce(findings.source_line, 0), findings."check", findings.subject))
                                                                    as first_error
    from {{ ref('int_findings') }} as findings
    join documents using (document_id)
    where findings.severity = 'error'
    group by findings.document_id
),

versions as (
    select
        documents.document_id                                       as version_id,
        case when {{ is_kept_version('documents.document_id') }}
             then left(documents.document_id,
                       length(documents.document_id) - length({{ kept_version_suffix() }}))
             else documents.document_id end                         as document_id,
        {{ is_kept_version('documents.document_id') }}              as is_kept_version,
        coalesce(errors.error_count, 0)                             as error_count,
        errors.first_error
    from documents
    left join errors using (document_id)
),

current_versions as (
    select * from versions where not is_kept_version
),

kept_versions as (
    select * from versions where is_kept_version
),

verdicts as (
    select
        current_versions.document_id,
        current_versions.error_count > 0                            as is_held,
        case when current_versions.error_count = 0 then current_versions.version_id
             when kept_versions.error_count = 0 then kept_versions.version_id
        end                                                         as published_version_id,
        current_versions.version_id                                 as current_version_id,
        current_versions.error_count,
        current_versions.first_error,
        document_status.status                                      as corpus_status,
        document_status.detail                                      as corpus_detail
    from current_versions
    left join kept_versions using (document_id)
    left join document_status using (document_id)
)

select
    verdicts.document_id,
    verdicts.is_held,
    verdicts.published_version_id,
    coalesce(verdicts.published_version_id, verdicts.current_version_id)
                                                                    as shown_version_id,
    case when not verdicts.is_held then coalesce(verdicts.corpus_status, 'loaded')
         when verdicts.published_version_id is not null then 'stale'
         else 'held' end                                            as status,
    case when not verdicts.is_held then verdicts.corpus_detail
         else 'held: ' || verdicts.error_count || ' error finding(s) in this version, first '
              || verdicts.first_error
              || case when verdicts.published_version_id is not null
                      then ' — the facts of the version published before are kept (stale)'
                      else ' — none of its facts are published' end
    end                                                             as status_detail,
    shown.fiscal_year,
    shown.stage
from verdicts
join documents as shown
    on shown.document_id = coalesce(verdicts.published_version_id, verdicts.current_version_id)
