-- Expenditure at the finest printed level: the leaf rows of every expenditure table,
-- one row per (document_id, fund_scope, classification, subject_code). Parent and
-- 合计 rows are not repeated, so a SUM never double counts; they are checked against
-- their parts in quality_identity_checks instead. Amounts are the printed figures in 万元.
with leaves as (
    select *
    from {{ ref('int_expenditure_leaves') }}
    where grain_occurrence = 1
),

documents as (
    {{ published_documents() }}
)

select
    documents.published_id                              as document_id,
    documents.fiscal_year,
    documents.stage,
    leaves.fund_scope,
    leaves.classification,
    leaves.subject_code,
    -- the 类 (3 digits) and 款 (5 digits) the subject rolls up to, in both classifications
    left(leaves.subject_code, 3)                        as class_code,
    case when length(leaves.subject_code) >= 5 then left(leaves.subject_code, 5) end
                                                        as section_code,
    leaves.subject_name                                 as printed_subject_name,
    leaves.code_level                                   as level,
    leaves.amount_total,
    leaves.amount_basic,
    leaves.amount_project,
    leaves.amount_personnel,
    leaves.amount_public,
    leaves.source_unit,
    leaves.source_table,
    leaves.table_kind,
    leaves.source_line,
    {{ source_page_of('leaves.document_id', 'leaves.source_line') }}    as source_page,
    leaves.printed_code,
    leaves.printed_code is distinct from leaves.subject_code
                                                        as is_code_repaired
from leaves
join documents using (document_id)
