-- Every finding of every version in this build, one row each (quality_findings publishes
-- those of the documents themselves; int_document_verdicts decides from them):
--   * identities that fail beyond rounding (quality_identity_checks, outcome 'failed');
--   * a code printed twice in one table, or a leaf printed by two tables of the same
--     fund scope and classification (one printing is kept in the facts, deterministically);
--   * coded rows whose code is not a valid code (truncated): kept out of the marts;
--   * the extraction's own findings (raw.findings);
--   * documents not loaded as they are (quarantined, duplicate, superseded, stale, removed), and
--     loaded documents with a note (the two parts of a document published as two files);
--   * entries of the reviewed list that no longer match anything;
--   * rows that break a per-row rule of the gate's suites (int_gate_rules): always errors, never
--     reviewable, since the gate would refuse them in the published marts whatever a reviewer says.
-- An 'error' whose (document_id, check, subject) is in the reviewed list becomes a
-- 'warning' carrying the reviewer's reason. See _marts.yml for the subject formats.
with documents as (
    select document_id, file_name from {{ ref('stg_documents') }}
),

document_status as (
    select * from {{ ref('stg_document_status') }}
),

table_titles as (
    select document_id, table_kind, source_table, title
    from {{ ref('stg_tables') }}
    qualify row_number() over (partition by document_id, table_kind, source_table order by start_line) = 1
),

reviewed as (
    select *
    from {{ ref('stg_reviewed_inconsistencies') }}
    qualify row_number() over (partition by document_id, "check", subject order by reason) = 1
),

failed_identities as (
    select
        checks.document_id,
        checks."check",
        checks.severity_if_failed                                   as base_severity,
        checks.subject,
        checks.table_kind,
        checks.source_table,
        checks.source_unit,
        checks.source_line,
        printf('%.2f', cast({{ printed_amount('checks.amount_a', 'checks.source_unit') }} as double))
                                                                    as printed_a,
        printf('%.2f', cast({{ printed_amount('checks.amount_b', 'checks.source_unit') }} as double))
                                                                    as printed_b,
        cast({{ printed_amount('checks.difference', 'checks.source_unit') }} as decimal(20, 6))
                                                                    as difference,
        coalesce(documents.file_name, checks.document_id)
            || ', ' || coalesce(checks.source_table, checks.table_kind)
            || coalesce('《' || table_titles.title || '》', '')
            || coalesce(', line ' || checks.source_line, '')
            || ', ' || checks.line_label || ': '
            || checks.label_a || ' ' || {{ figure_text('checks.amount_a', 'checks.source_unit') }}
            || ' vs ' || checks.label_b || ' ' || {{ figure_text('checks.amount_b', 'checks.source_unit') }}
            || '; difference ' || {{ figure_text('checks.difference', 'checks.source_unit') }}
            || ', beyond the rounding tolerance of ' || {{ var('rounding_tolerance_printed') }} || ' '
            || checks.source_unit || '.'                            as detail
    from {{ ref('quality_identity_checks') }} as checks
    left join documents using (document_id)
    left join table_titles using (document_id, table_kind, source_table)
    where checks.outcome = 'failed'
),

duplicate_subject_rows as (
    select
        repeated.document_id,
        'duplicate_subject_row'                                     as "check",
        case when (repeated.amount_total, repeated.amount_basic, repeated.amount_project,
                   repeated.amount_personnel, repeated.amount_public)
                  is not distinct from
                  (kept.amount_total, kept.amount_basic, kept.amount_project,
                   kept.amount_personnel, kept.amount_public)
             then 'warning' else 'error' end                        as base_severity,
        repeated.table_kind || ':' || repeated.subject_code         as subject,
        repeated.table_kind,
        repeated.source_table,
        repeated.source_unit,
        repeated.source_line,
        printf('%.2f', cast({{ printed_amount('kept.amount_total', 'kept.source_unit') }} as double))
                                                                    as printed_a,
        printf('%.2f', cast({{ printed_amount('repeated.amount_total', 'repeated.source_unit') }} as double))
                                                                    as printed_b,
        cast({{ printed_amount('kept.amount_total - repeated.amount_total', 'repeated.source_unit') }}
             as decimal(20, 6))                                     as difference,
        coalesce(documents.file_name, repeated.document_id)
            || ', ' || coalesce(repeated.source_table, repeated.table_kind)
            || ': code ' || repeated.subject_code || ' ' || coalesce(repeated.subject_name, '')
            || ' is printed again at line ' || repeated.source_line
            || ' (合计 ' || coalesce({{ figure_text('repeated.amount_total', 'repeated.source_unit') }}, 'blank')
            || ') after line ' || kept.source_line
            || ' (合计 ' || coalesce({{ figure_text('kept.amount_total', 'kept.source_unit') }}, 'blank')
            || '); the facts keep line ' || kept.source_line || '.'  as detail
    from {{ ref('int_expenditure_subject_rows') }} as repeated
    join {{ ref('int_expenditure_subject_rows') }} as kept
        on  kept.table_key = repeated.table_key
        and kept.subject_code = repeated.subject_code
        and kept.occurrence = 1
    left join documents on documents.document_id = repeated.document_id
    where repeated.occurrence > 1
),

duplicate_fact_grain as (
    select
        repeated.document_id,
        'duplicate_fact_grain'                                      as "check",
        case when repeated.amount_total is not distinct from kept.amount_total
             then 'warning' else 'error' end                        as base_severity,
        repeated.fund_scope || ':' || repeated.classification || ':' || repeated.subject_code
                                                                    as subject,
        repeated.table_kind,
        repeated.source_table,
        repeated.source_unit,
        repeated.source_line,
        printf('%.2f', cast({{ printed_amount('kept.amount_total', 'kept.source_unit') }} as double))
                                                                    as printed_a,
        printf('%.2f', cast({{ printed_amount('repeated.amount_total', 'repeated.source_unit') }} as double))
                                                                    as printed_b,
        cast({{ printed_amount('kept.amount_total - repeated.amount_total', 'repeated.source_unit') }}
             as decimal(20, 6))                                     as difference,
        coalesce(documents.file_name, repeated.document_id)
            || ': leaf ' || repeated.subject_code || ' (' || repeated.fund_scope || ', '
            || repeated.classification || ') is printed by ' || coalesce(repeated.source_table, repeated.table_kind)
            || ' line ' || repeated.source_line || ' and by ' || coalesce(kept.source_table, kept.table_kind)
            || ' line ' || kept.source_line || '; fact_expenditure keeps line ' || kept.source_line || '.'
                                                                    as detail
    from {{ ref('int_expenditure_leaves') }} as repeated
    join {{ ref('int_expenditure_leaves') }} as kept
        on  kept.document_id = repeated.document_id
        and kept.fund_scope = repeated.fund_scope
        and kept.classification = repeated.classification
        and kept.subject_code = repeated.subject_code
        and kept.grain_occurrence = 1
    left join documents on documents.document_id = repeated.document_id
    where repeated.grain_occurrence > 1
),

invalid_subject_codes as (
    select
        lines.document_id,
        'subject_code_invalid'                                      as "check",
        'error'                                                     as base_severity,
        lines.table_kind || ':' || coalesce(lines.subject_code, lines.printed_code, 'none')
                                                                    as subject,
        lines.table_kind,
        lines.source_table,
        lines.source_unit,
        lines.source_line,
        cast(null as varchar)                                       as printed_a,
        cast(null as varchar)                                       as printed_b,
        cast(null as decimal(20, 6))                                as difference,
        coalesce(documents.file_name, lines.document_id)
            || ', ' || coalesce(lines.source_table, lines.table_kind)
            || ', line ' || lines.source_line || ': ' || lines.classification || ' code '
            || coalesce('''' || lines.subject_code || '''', 'missing')
            || coalesce(' (printed ''' || lines.printed_code || ''')', '')
            || coalesce(' ' || lines.subject_name, '')
            || ' is not a valid code (functional 3/5/7 digits, economic 3/5); the row is kept out of the marts.'
                                                                    as detail
    from {{ ref('stg_expenditure_lines') }} as lines
    left join documents using (document_id)
    where lines.row_kind = 'subject' and not lines.has_valid_code
),

extraction_findings as (
    select
        document_id,
        "check",
        severity                                                    as base_severity,
        subject,
        cast(null as varchar)                                       as table_kind,
        cast(null as varchar)                                       as source_table,
        cast(null as varchar)                                       as source_unit,
        source_line,
        cast(null as varchar)                                       as printed_a,
        cast(null as varchar)                                       as printed_b,
        cast(null as decimal(20, 6))                                as difference,
        detail
    from {{ ref('stg_findings') }}
),

reviewable_findings as (
    select * from failed_identities
    union all by name select * from duplicate_subject_rows
    union all by name select * from duplicate_fact_grain
    union all by name select * from invalid_subject_codes
    union all by name select * from extraction_findings
),

reviewed_findings as (
    select
        findings.*,
        reviewed.reason                                             as reviewed_reason,
        case when reviewed.reason is not null and findings.base_severity = 'error'
             then 'warning' else findings.base_severity end         as severity,
        findings.detail
            || coalesce(' Reviewed as really printed in the source (reviewed list: printed '
                        || reviewed.printed_a || ' vs ' || reviewed.printed_b || '): '
                        || reviewed.reason, '')                     as reviewed_detail,
        case when findings."check" in ('duplicate_subject_row', 'duplicate_fact_grain', 'subject_code_invalid')
             then 'warehouse'
             when findings.table_kind is null then 'extraction'
             else 'identity' end                                    as origin
    from reviewable_findings as findings
    left join reviewed using (document_id, "check", subject)
),

document_status_findings as (
    select
        document_id,
        'document_status'                                           as "check",
        case
            when status in ('quarantined', 'conflict') then 'quarantine'
            when status = 'removed' then 'info'
            when status = 'loaded' then 'info'  -- loaded with a note: a companion part of a two-file document
            else 'warning'
        end                                                         as severity,
        'status:' || status                                         as subject,
        cast(null as varchar)                                       as table_kind,
        cast(null as varchar)                                       as source_table,
        cast(null as varchar)                                       as source_unit,
        error_line                                                  as source_line,
        cast(null as varchar)                                       as printed_a,
        cast(null as varchar)                                       as printed_b,
        cast(null as decimal(20, 6))                                as difference,
        coalesce(file_name, document_id) || ' is ' || status
            || case when status = 'loaded' then ''
                    when is_loaded then ' (its last good facts are loaded)' else ' (not loaded)' end
            || coalesce(': ' || detail, '')                         as detail,
        cast(null as varchar)                                       as reviewed_reason,
        'document_status'                                           as origin
    from document_status
    where status <> 'loaded' or detail is not null
),

gate_rule_findings as (
    select
        document_id,
        'gate_rule'                                                 as "check",
        'error'                                                     as severity,
        rule || coalesce(':line:' || source_line, '')               as subject,
        cast(null as varchar)                                       as table_kind,
        cast(null as varchar)                                       as source_table,
        cast(null as varchar)                                       as source_unit,
        source_line,
        cast(null as varchar)                                       as printed_a,
        cast(null as varchar)                                       as printed_b,
        cast(null as decimal(20, 6))                                as difference,
        detail,
        cast(null as varchar)                                       as reviewed_reason,
        'gate'                                                      as origin
    from {{ ref('int_gate_rules') }}
),

unused_reviewed_entries as (
    select
        reviewed.document_id,
        'reviewed_entry_unused'                                     as "check",
        'warning'                                                   as severity,
        reviewed."check" || '|' || reviewed.subject                 as subject,
        cast(null as varchar)                                       as table_kind,
        cast(null as varchar)                                       as source_table,
        cast(null as varchar)                                       as source_unit,
        cast(null as integer)                                       as source_line,
        reviewed.printed_a,
        reviewed.printed_b,
        cast(null as decimal(20, 6))                                as difference,
        'The reviewed list entry (' || reviewed.document_id || ', ' || reviewed."check" || ', '
            || reviewed.subject || ') matches no finding of this build: the document or the '
            || 'extraction changed, or the entry is mistyped; re-check it against the source.'
                                                                    as detail,
        reviewed.reason                                             as reviewed_reason,
        'review'                                                    as origin
    from reviewed
    anti join reviewable_findings as findings using (document_id, "check", subject)
)

select
    document_id, "check", severity, reviewed_detail as detail,
    subject, table_kind, source_table, source_unit, source_line,
    printed_a, printed_b, difference, reviewed_reason, origin
from reviewed_findings
union all by name
select
    document_id, "check", severity, detail,
    subject, table_kind, source_table, source_unit, source_line,
    printed_a, printed_b, difference, reviewed_reason, origin
from document_status_findings
union all by name
select
    document_id, "check", severity, detail,
    subject, table_kind, source_table, source_unit, source_line,
    printed_a, printed_b, difference, reviewed_reason, origin
from unused_reviewed_entries
union all by name
select
    document_id, "check", severity, detail,
    subject, table_kind, source_table, source_unit, source_line,
    printed_a, printed_b, difference, reviewed_reason, origin
from gate_rule_findings
