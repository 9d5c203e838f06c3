-- Printed rows of the expenditure tables, typed and normalised.
--
-- * codes are digits only; has_valid_code says whether the (repaired) code has a
--   length its classification allows (functional 3/5/7, economic 3/5): a truncated
--   code never reaches a mart, it is reported instead;
-- * on a coded row, a blank cell in a column the table has (some coded row of the
--   same table prints a figure in it) is 0.00; a column the table does not have
--   stays NULL. 合计 rows are left as extracted: a 合计 row may print only some
--   columns (e.g. 人员经费合计 / 公用经费合计 without a 合计 cell), and a figure that
--   is not printed must not become a printed 0.00;
-- * expenditure_line_id is a deterministic surrogate key for one printed row.
with source_lines as (
    select * from {{ source('raw', 'expenditure_lines') }}
),

typed as (
    select
        trim(document_id)                               as document_id,
        lower(trim(table_kind))                         as table_kind,
        lower(trim(fund_scope))                         as fund_scope,
        lower(trim(classification))                     as classification,
        lower(trim(row_kind))                           as row_kind,
        {{ digits_only('printed_code') }}               as printed_code,
        {{ digits_only('subject_code') }}               as subject_code,
        {{ clean_name('subject_name') }}                as subject_name,
        cast(amount_total as decimal(20, 6))            as amount_total,
        cast(amount_basic as decimal(20, 6))            as amount_basic,
        cast(amount_project as decimal(20, 6))          as amount_project,
        cast(amount_personnel as decimal(20, 6))        as amount_personnel,
        cast(amount_public as decimal(20, 6))           as amount_public,
        {{ clean_name('source_unit') }}                 as source_unit,
        {{ clean_text('source_table') }}                as source_table,
        cast(source_line as integer)                    as source_line
    from source_lines
),

blank_cells_as_zero as (
    select
        * replace (
            case when row_kind = 'subject' and count(amount_total) over printed_table > 0
                 then coalesce(amount_total, 0) else amount_total end
                as amount_total,
            case when row_kind = 'subject' and count(amount_basic) over printed_table > 0
                 then coalesce(amount_basic, 0) else amount_basic end
                as amount_basic,
            case when row_kind = 'subject' and count(amount_project) over printed_table > 0
                 then coalesce(amount_project, 0) else amount_project end
                as amount_project,
            case when row_kind = 'subject' and count(amount_personnel) over printed_table > 0
                 then coalesce(amount_personnel, 0) else amount_personnel end
                as amount_personnel,
            case when row_kind = 'subject' and count(amount_public) over printed_table > 0
                 then coalesce(amount_public, 0) else amount_public end
                as amount_public
        )
    from typed
    window printed_table as (partition by document_id, table_kind, source_table, row_kind = 'subject')
)

select
    row_number() over (
        order by document_id, table_kind, source_table, source_line, row_kind, subject_code, printed_code
    )                                                                   as expenditure_line_id,
    *,
    document_id || '|' || table_kind || '|' || coalesce(source_table, '')  as table_key,
    row_kind = 'subject' and {{ is_valid_subject_code('classification', 'subject_code') }}
                                                                        as has_valid_code,
    case
        when row_kind <> 'subject' then null
        when length(subject_code) = 3 then 1
        when length(subject_code) = 5 then 2
        when length(subject_code) = 7 then 3
    end                                                                 as code_level
from blank_cells_as_zero
