"""Finding the tables of a disclosure: where each starts and ends, what kind it is.

A table is recognised by its title and header words, never by its position
in a given file. (Interface fixed here; implementation in progress.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .source import SourceDocument

# The kinds of table the national template has (budget names; 决算 twins map to the same kind).
TABLE_KINDS = (
    "income_expenditure_summary",  # 1 收支总表 / 收入支出决算总表
    "income_summary",  # 2 收入总表 / 收入决算表
    "expenditure_summary",  # 3 支出总表 / 支出决算表                 -> fund_scope all_funds, functional
    "fiscal_appropriation_summary",  # 4 财政拨款收支总表 / 财政拨款收入支出决算总表
    "general_public_functional",  # 5 一般公共预算(财政拨款)支出表 (分功能)   -> general_public_budget, functional
    "general_public_by_unit",  # 5-2 一般公共预算支出表（分单位）
    "general_public_basic_economic",  # 6 一般公共预算(财政拨款)基本支出表 -> general_public_budget, economic
    "three_public",  # 7 “三公”经费支出表
    "government_fund",  # 8 政府性基金预算(财政拨款)支出表       -> government_fund, functional
    "state_capital",  # 9 国有资本经营预算(财政拨款)支出表       -> state_capital, functional
    "project_expenditure",  # 10 项目支出表
    "procurement",  # 11 政府采购预算表
    "purchased_services",  # 12 政府购买服务预算表
    "asset_allocation",  # 13 资产配置预算表
    "department_performance",  # 14 部门整体支出绩效目标表      (regions found by indicators.py)
    "project_performance",  # 15 项目支出绩效目标表 / 项目申报表 (regions found by indicators.py)
    "self_evaluation",  # 决算 自评表                             (regions found by indicators.py)
)


@dataclass(frozen=True)
class TableBlock:
    """A table region of a document: lines start_line..end_line (1-based, inclusive)."""

    kind: str
    label: str  # as printed, spaces kept as printed but trimmed: "表 3", "附表 4-3", "公开表3", "公开 03 表"
    title: str  # as printed, e.g. "一般公共预算支出表(分功能科目)"
    unit: str | None  # "万元" | "元" | None when the table prints none
    start_line: int  # line of the label or title
    header_end_line: int  # last header line (column titles); data starts after it
    end_line: int
    is_empty: bool = False  # printed with a note that it has no data (为空表 / 没有…安排的支出)
    notes: tuple[str, ...] = field(default_factory=tuple)


def find_tables(doc: SourceDocument) -> list[TableBlock]:
    """All recognised tables of a document, in document order."""
    raise NotImplementedError("table segmentation is being written")
