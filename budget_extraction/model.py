"""Typed rows the extraction produces: one dataclass per raw table.

The field names are the column names of the ``raw`` schema in DuckDB, which
the dbt staging models read. Amounts are ``Decimal`` in 万元, converted exactly
from the printed unit; the printed unit is kept beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal


@dataclass(frozen=True)
class Finding:
    """Something a reviewer must see: a repair, an inconsistency, an unreadable line."""

    document_id: str
    check: str  # short machine name, e.g. "code_repaired", "unaccounted_line"
    severity: str  # "error" (blocks publication unless reviewed), "warning", "info"
    detail: str  # human sentence naming file, line and the printed figures
    source_line: int | None = None


@dataclass(frozen=True)
class DocumentRow:
    document_id: str
    file_name: str
    source_sha256: str
    encoding: str
    line_count: int
    department_name: str | None
    region: str | None
    fiscal_year: int | None
    stage: str | None  # budget | final
    scope: str | None  # consolidated | entity
    text_sha256: str | None = None  # hash of the decoded, cleaned text: the same document in another encoding
    source_format: str = "text"  # text | pdf
    page_count: int = 0  # pages of a PDF; 0 for text input
    # complete | narrative (说明 only, "公开表附后") | tables (tables only): one document published as two files
    document_part: str = "complete"
    # Every spelling of the department printed in the document, the most votes first (the cover counts most), joined by
    # PRINTED_NAMES_SEPARATOR (中共江苏省委办公厅 | 江苏省委办公厅): department_name is their one form.
    printed_department_names: str | None = None


# Printed names hold no such run of characters.
PRINTED_NAMES_SEPARATOR = " | "


@dataclass(frozen=True)
class PageRow:
    """One page of a PDF: the lines it holds, so a fact's source_line gives its source_page."""

    document_id: str
    page: int
    first_line: int | None  # None for a page without text
    last_line: int | None
    has_text: bool


@dataclass(frozen=True)
class TableRow:
    """A recognised table of a document: where it is and what it is."""

    document_id: str
    table_kind: str  # see tables.TABLE_KINDS
    source_table: str  # label as printed: 表3, 附表 4-3, 公开表3, 公开 03 表
    title: str
    source_unit: str | None  # 万元 | 元
    start_line: int
    end_line: int
    is_empty: bool  # printed with a note that the table has no data


@dataclass(frozen=True)
class ExpenditureLine:
    """One printed row of an expenditure table (leaf, parent or total)."""

    document_id: str
    table_kind: str
    fund_scope: str  # all_funds | general_public_budget | government_fund | state_capital
    classification: str  # functional | economic
    row_kind: str  # "subject" (a coded row) or "total" (合计 row)
    printed_code: str | None  # as printed, digits only, None on a total row
    subject_code: str | None  # full code after repair, None on a total row
    subject_name: str | None
    amount_total: Decimal | None
    amount_basic: Decimal | None
    amount_project: Decimal | None
    amount_personnel: Decimal | None
    amount_public: Decimal | None
    source_unit: str
    source_table: str
    source_line: int


@dataclass(frozen=True)
class ProjectLine:
    document_id: str
    project_code: str | None
    project_name: str
    unit_name: str | None
    project_kind: str | None  # R personnel, Y running costs, T special-purpose (from the code)
    amount_total: Decimal | None
    amount_general_public_budget: Decimal | None
    amount_government_fund: Decimal | None
    amount_state_capital: Decimal | None
    amount_other: Decimal | None
    source_unit: str
    source_table: str
    source_line: int


@dataclass(frozen=True)
class ThreePublicLine:
    document_id: str
    item: str  # total | outbound | vehicle | vehicle_purchase | vehicle_operation | reception
    amount: Decimal | None
    source_unit: str
    source_table: str
    source_line: int


@dataclass(frozen=True)
class IncomeLine:
    """Income by source, from 收支总表 / 收入总表 (and their 决算 twins)."""

    document_id: str
    income_source: str  # general_public_budget | government_fund | state_capital | fiscal_special | business | operating | superior_subsidy | subordinate | other | carryover | total
    item_name: str  # as printed (收支总表: the income item; 收入总表: the column title)
    amount: Decimal | None
    source_unit: str
    source_table: str
    source_line: int
    table_kind: str | None = None  # income_expenditure_summary | income_summary
    unit_code: str | None = None  # 收入总表 by unit: the unit's code as printed (202, 202001)
    unit_name: str | None = None  # 收入总表 by unit: the unit's name as printed
    subject_code: str | None = None  # 收入总表 by function: full functional code (repaired if cut short)
    row_kind: str | None = None  # 收入总表: total (合计 row) | unit | subject
    subject_name: str | None = None  # 收入总表 by function: the subject name as printed
    printed_code: str | None = None  # 收入总表 by function: the code as printed (may be cut short)


@dataclass(frozen=True)
class UnitExpenditureLine:
    """One printed row of 一般公共预算支出表（分单位）: a unit (or the 合计 row) and its amounts."""

    document_id: str
    table_kind: str  # general_public_by_unit
    unit_code: str | None  # as printed, None on the 合计 row
    unit_name: str | None
    row_kind: str  # unit | total
    amount_total: Decimal | None
    amount_basic: Decimal | None
    amount_personnel: Decimal | None
    amount_public: Decimal | None
    amount_project: Decimal | None
    source_unit: str
    source_table: str
    source_line: int


@dataclass(frozen=True)
class ClassTotalLine:
    """Expenditure by function class (类) as printed in the 收支总表 / 财政拨款收支总表."""

    document_id: str
    table_kind: str
    subject_code: str  # 3-digit class code resolved from the printed class name
    subject_name: str
    amount: Decimal | None
    source_unit: str
    source_table: str
    source_line: int


@dataclass(frozen=True)
class IndicatorLine:
    document_id: str
    table_kind: str  # department_target | project_target | department_self_eval | project_self_eval
    target_scope: str  # department | project
    project_code: str | None
    project_name: str | None
    horizon: str  # long_term | annual
    goal_label: str | None
    indicator_l1: str | None  # one of 产出指标, 效益指标, 满意度指标, 成本指标 (older frameworks mapped)
    indicator_l2: str | None
    indicator_name: str
    indicator_weight: float | None  # e.g. （2分） printed in the name or a 分值 column
    target_text: str | None
    target_op: str | None
    target_value: float | None
    target_unit: str | None
    prior_targets: str | None
    basis: str | None
    actual_text: str | None
    score: float | None
    source_table: str
    source_line: int
    indicator_l1_printed: str | None = None  # the level-1 cell as printed, when it differs from indicator_l1
    indicator_l2_printed: str | None = None  # the level-2 cell as printed (完成时效), when it differs from indicator_l2
    actual_value: float | None = None  # the number of a self-evaluation's actual printed as a plain number
    actual_unit: str | None = None  # its unit as printed (人, %, 家), None if it prints none


@dataclass(frozen=True)
class CoverageLine:
    """How each candidate line of a recognised table was accounted for."""

    document_id: str
    table_kind: str
    source_table: str
    source_line: int
    outcome: str  # fact | parent | total | finding | header | note
    detail: str | None


@dataclass(frozen=True)
class NarrativeClaim:
    """An amount the narrative (情况说明) states, with what its sentence says about it; checked in the marts."""

    document_id: str
    subject: str  # e.g. all_funds.income, general_public_budget.basic, three_public.total, office_running, other
    subject_text: str  # the subject as printed before the amount (list markers and quotes dropped)
    amount: Decimal  # 万元, converted exactly from the printed unit
    amount_printed: str
    source_unit: str  # 万元 | 元, as printed after the amount
    change_amount: Decimal | None  # 万元, as printed (unsigned: the direction says which way)
    change_printed: str | None
    change_unit: str | None
    change_direction: str | None  # increase | decrease | flat (增加/减少/持平 …)
    change_word: str | None  # as printed
    rate_percent: Decimal | None  # the printed rate of change, in percent
    rate_printed: str | None
    rate_direction: str | None  # increase | decrease, from 增长/下降 …
    share_percent: Decimal | None  # 占…%
    share_printed: str | None
    share_base_amount: Decimal | None  # 万元: the amount a 其中 list divides, when the sentence states it
    share_base_subject: str | None
    comparison_text: str | None  # 比2023年预算 | 与上年相比, as printed
    comparison_year: int | None  # the year printed; None for 上年 (the document's year - 1)
    prior_amount: Decimal | None  # 万元: the prior-year figure when the sentence states it
    prior_printed: str | None
    sentence: str  # the sentence as printed (wrapped lines joined)
    source_line: int  # the line the amount is printed on
    source_page: int | None  # PDF input only


@dataclass(frozen=True)
class PriorYearColumnFigure:
    """A prior year's figure a table prints beside this year's (上年预算安排情况, 近两年收支金额 2023年)."""

    document_id: str
    table_kind: str
    source_table: str
    section: str | None  # 收入构成 | 支出构成, as printed
    item_name: str  # the row as printed: 财政拨款, 合计, 人员类项目支出
    subject: str  # all_funds.income | all_funds.expenditure | all_funds.basic | all_funds.project | fiscal_appropriation.income | other
    column_header: str  # as printed: 上年预算安排情况 | 近两年收支金额 2023年
    fiscal_year: int  # the year the column is of
    amount_kind: str | None  # budget | executed | final where the header says (上年预算数), else None
    amount: Decimal  # 万元, converted exactly from the printed unit
    amount_printed: str
    current_amount: Decimal | None  # the row's 当年金额, 万元
    source_unit: str
    source_line: int


RAW_TABLES = {
    "documents": DocumentRow,
    "pages": PageRow,
    "tables": TableRow,
    "expenditure_lines": ExpenditureLine,
    "project_lines": ProjectLine,
    "three_public_lines": ThreePublicLine,
    "income_lines": IncomeLine,
    "unit_expenditure_lines": UnitExpenditureLine,
    "class_total_lines": ClassTotalLine,
    "indicator_lines": IndicatorLine,
    "coverage_lines": CoverageLine,
    "narrative_claims": NarrativeClaim,
    "prior_year_column_figures": PriorYearColumnFigure,
    "findings": Finding,
}


def column_names(row_type) -> list[str]:
    return [f.name for f in fields(row_type)]
