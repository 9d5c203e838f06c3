"""收支总表 and 财政拨款收支总表: income by source and expenditure by function class (类).

Both sides of these tables sit on one printed line (income left, expenditure
right; some regions add an economic-classification side further right). A
line is read as a sequence of items "name [amount…]"; an item's side is told
by its name (income words, the national class names, codes 2xx/3xx) and, for
names both sides print (总计), by its place on the line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional, Union

from .codes import FUNCTIONAL_CLASSES, class_for_name
from .model import ClassTotalLine, CoverageLine, Finding, IncomeLine
from .other_tables import (
    Token,
    coverage,
    data_lines,
    is_column_numbering,
    header_text,
    mismatch_finding,
    repair_split_numbers,
    squash,
    tokenize,
    unit_of,
)
from .numbers import parse_amount, to_wan
from .source import SourceDocument
from .tables import TableBlock

_ENUM = re.compile(r"^(?:[一二三四五六七八九十廿]+[、.．]|[（(][一二三四五六七八九十廿]+[)）]|\d{1,2}[.．、])")
_STARTER = re.compile(
    r"^(?:本年|上年|年初|年末|年终|收入总计|支出总计|总计|合计|使用非财政|用事业基金|结余分配|结转下年|收入合计|支出合计)"
)

# Older national names of some classes, for documents of earlier years.
_CLASS_ALIASES = {
    "文化体育与传媒支出": "207", "医疗卫生与计划生育支出": "210", "医疗卫生支出": "210",
    "资源勘探信息等支出": "215", "资源勘探电力信息等支出": "215", "国土海洋气象等支出": "220",
    "粮油物资管理支出": "222", "粮油物资储备管理支出": "222", "灾害防治及应急管理": "224",
}
_ECONOMIC_NAMES = (
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "债务利息及费用支出", "资本性支出",
    "对企业补助", "对社会保障基金补助", "对事业单位经常性补助", "对事业单位资本性补助",
)

# Income items, most specific first (事业单位经营收入 before 事业收入).
_INCOME_SOURCES = (
    ("total", re.compile(r"本年收入合计|^收入合计$|^本年收入$")),
    ("grand_total", re.compile(r"收入总计")),
    ("carryover", re.compile(r"上年结转|年初结转|年初.*结余")),
    ("reserve_use", re.compile(r"使用非财政拨款结余|事业基金弥补|用事业基金")),
    ("general_public_budget", re.compile(r"一般公共预算")),
    ("government_fund", re.compile(r"政府性基金")),
    ("state_capital", re.compile(r"国有资本经营")),
    ("fiscal_special", re.compile(r"财政专户")),
    ("operating", re.compile(r"经营收入")),
    ("business", re.compile(r"事业收入")),
    ("superior_subsidy", re.compile(r"上级补助")),
    ("subordinate", re.compile(r"附属.*上缴")),
    ("other", re.compile(r"其他收入")),
)
_SUMMED = ("general_public_budget", "government_fund", "state_capital", "fiscal_special", "operating",
           "business", "superior_subsidy", "subordinate", "other")
_HEADER_WORD = re.compile(r"^(?:支出|收入)(?:[（(].*[)）])?$|^项目$|^预算数$|^决算数$|^金额$")
_EXP_TOTAL = re.compile(r"本年支出合计|^支出合计$|^本年支出$")
_EXP_GRAND = re.compile(r"支出总计")
_EXP_CARRY = re.compile(r"年终结转|年末.*结转|结转下年|结余分配")


@dataclass
class Item:
    """One "name [amount…]" cell group of a printed line."""

    name: str  # squashed, as printed (enumerator kept)
    code: Optional[str]
    line: int
    cell: int
    amounts: list[Token] = field(default_factory=list)
    skipped: list[Token] = field(default_factory=list)  # row numbers (行次)

    @property
    def bare(self) -> str:
        """The name without its enumerator (七、, （一）, 1.)."""
        return _ENUM.sub("", self.name)

    @property
    def enumerated(self) -> bool:
        return bool(_ENUM.match(self.name))


def class_code(name: str, code: Optional[str], exact: bool = False) -> Optional[str]:
    """The 3-digit functional class of a printed class name (or its printed 2xx code).

    exact=True accepts only a whole national name (used to decide whether a name
    broken over lines is complete); otherwise codes.class_for_name may match loosely.
    """
    if code and len(code) == 3 and code.startswith("2"):
        return code
    bare = _ENUM.sub("", squash(name))
    for number, national in FUNCTIONAL_CLASSES.items():
        if bare == national:
            return number
    if bare in _CLASS_ALIASES:
        return _CLASS_ALIASES[bare]
    if exact or not bare:
        return None
    return class_for_name(bare)


def _is_economic(item: Item) -> bool:
    if item.code:
        return item.code.startswith("3") or item.code == "399"
    return item.bare in _ECONOMIC_NAMES


def income_source(name: str) -> Optional[str]:
    """The income_source of a printed income item name."""
    for source, pattern in _INCOME_SOURCES:
        if pattern.search(name):
            return source
    return None


def _complete(name: str) -> bool:
    """A name that already reads as a whole item (so a following line is not its continuation)."""
    bare = _ENUM.sub("", name)
    income_like = income_source(bare) and re.search(r"(?:收入|拨款|资金|结转|结余|差额|补助|投资|合计|总计)[）)]?$", bare)
    return bool(
        class_code(name, None, exact=True) or income_like or _EXP_TOTAL.search(bare) or _EXP_GRAND.search(bare)
        or _EXP_CARRY.search(bare) or bare in _ECONOMIC_NAMES or bare in ("总计", "合计")
    )


def read_items(doc: SourceDocument, block: TableBlock, row_numbers: bool) -> tuple[list[Item], list[int]]:
    """The items of a two-sided table, in printed order; also the lines that are header-like (栏次)."""
    items: list[Item] = []
    header_like: list[int] = []
    lines = [(n, t) for n, t in data_lines(doc, block)]
    tokens: list[Token] = []
    for number, text in lines:
        if "栏次" in squash(text) or is_column_numbering(text):
            header_like.append(number)
            continue
        tokens.extend(tokenize(text, number))
    tokens = repair_split_numbers(tokens)
    current: Optional[Item] = None
    pending_code: Optional[str] = None
    tabbed = {n for n, t in lines if "\t" in t}
    for index, token in enumerate(tokens):
        new_line = index == 0 or tokens[index - 1].line != token.line
        if token.kind == "text":
            name = squash(token.text)
            starts = (
                current is None
                or bool(current.amounts)
                or pending_code is not None
                or bool(_ENUM.match(name))
                or bool(_STARTER.match(name))
                or (token.line in tabbed and (token.cell != current.cell or token.line != current.line))
                or ((new_line or token.line not in tabbed) and _complete(current.name))
            )
            if starts:
                current = Item(name, pending_code, token.line, token.cell)
                items.append(current)
                pending_code = None
            else:
                current.name += name
        elif token.kind == "int" and token.glued and index + 1 < len(tokens) and tokens[index + 1].kind == "text":
            pending_code = token.text  # "201一般公共服务支出": a code printed before its name
        elif token.kind == "int" and row_numbers:
            if current is not None:
                current.skipped.append(token)
        elif token.kind in ("amount", "int"):
            if current is None or (token.line in tabbed and token.line != current.line):
                current = Item("", None, token.line, token.cell)
                items.append(current)
            current.amounts.append(token)
        else:  # a letter code has no place in these tables
            current = Item(token.text, None, token.line, token.cell)
            items.append(current)
    return items, header_like


@dataclass
class _Sides:
    income: list[tuple[Item, str]] = field(default_factory=list)  # (item, income_source)
    classes: list[tuple[Item, str]] = field(default_factory=list)  # (item, class code)
    exp_total: Optional[Item] = None
    exp_grand: Optional[Item] = None
    other: list[tuple[Item, str, str]] = field(default_factory=list)  # (item, outcome, detail)
    unreadable: list[tuple[Item, str]] = field(default_factory=list)


def classify(items: list[Item]) -> _Sides:
    """Give every item its side and meaning, by name first and by place on the line for 总计."""
    sides = _Sides()
    income_on_line: set[int] = set()
    exp_total_on_line: set[int] = set()
    parent_source: Optional[str] = None
    parent_style = ""
    for item in items:
        bare = item.bare
        if not bare and item.code is None:
            if item.amounts:
                sides.unreadable.append((item, "amount without an item name"))
            continue
        if item.code is None and _HEADER_WORD.match(bare):
            sides.other.append((item, "header", "a column title printed among the rows"))
            continue
        klass = class_code(item.name, item.code)
        if klass and not _is_economic(item):
            sides.classes.append((item, klass))
            continue
        if _is_economic(item):
            sides.other.append((item, "note", "economic-classification side (not a functional class)"))
            continue
        if _EXP_TOTAL.search(bare) or _EXP_GRAND.search(bare) or (bare == "总计" and item.line in income_on_line):
            if item.line in exp_total_on_line and not _EXP_GRAND.search(bare) and bare != "总计":
                sides.other.append((item, "note", "repeated expenditure total of a further side"))
                continue
            grand = bool(_EXP_GRAND.search(bare)) or bare == "总计"
            if grand and sides.exp_grand is None:
                sides.exp_grand = item
            elif not grand and sides.exp_total is None:
                sides.exp_total = item
            else:
                sides.other.append((item, "total", "repeated expenditure total of a further side"))
            exp_total_on_line.add(item.line)
            continue
        if _EXP_CARRY.search(bare):
            sides.other.append((item, "total", "expenditure-side carry-forward"))
            continue
        if "支出" in bare or bare in ("预备费",):
            sides.unreadable.append((item, f"expenditure item {item.name!r} is not a known function class"))
            continue
        source = "grand_total" if bare == "总计" else income_source(bare)
        sub_level = item.enumerated and item.name[0] in "（(" and parent_style == "top"
        if source in ("total", "grand_total"):
            parent_source = None
        elif parent_source and (not item.enumerated or sub_level) and source not in ("carryover", "reserve_use"):
            source = f"{parent_source}_detail"  # 经费拨款（补助） under 一、一般公共预算拨款收入
        elif source is not None and (item.enumerated or source in ("carryover", "reserve_use")):
            parent_source = source
            parent_style = "top" if item.enumerated and item.name[0] not in "（(" else "sub"
        if source is None:
            sides.unreadable.append((item, f"income item {item.name!r} is not a known income source"))
            continue
        sides.income.append((item, source))
        income_on_line.add(item.line)
    return sides


def _amount(item: Item, unit: str) -> Decimal:
    """The item's figure in 万元: its first amount; a printed item with a blank cell is 0."""
    if not item.amounts:
        return Decimal(0)
    return to_wan(parse_amount(item.amounts[0].text), unit)


def _has_row_numbers(header: str) -> bool:
    return "行次" in header or bool(re.search(r"项目行", header))


def _common(doc: SourceDocument, block: TableBlock):
    unit = unit_of(doc, block)
    items, header_like = read_items(doc, block, _has_row_numbers(header_text(doc, block)))
    sides = classify(items)
    cover: list[CoverageLine] = [coverage(doc, block, n, "header", "column numbering (栏次)") for n in header_like]
    findings: list[Finding] = []
    for item, reason in sides.unreadable:
        cover.append(coverage(doc, block, item.line, "finding", reason))
        findings.append(Finding(doc.document_id, "unreadable_line", "error",
                                f"{doc.file_name}:{item.line} {block.label} {block.title}: {reason}", item.line))
    for item, outcome, detail in sides.other:
        cover.append(coverage(doc, block, item.line, outcome, f"{item.name}: {detail}"))
    return unit, sides, cover, findings


def _class_rows(doc, block, unit, sides) -> tuple[list[ClassTotalLine], list[CoverageLine]]:
    rows, cover = [], []
    for item, code in sides.classes:
        rows.append(ClassTotalLine(doc.document_id, block.kind, code, item.bare, _amount(item, unit), unit,
                                   block.label, item.line))
        cover.append(coverage(doc, block, item.line, "fact", f"class {code} {item.bare}"))
    for label, item in (("本年支出合计", sides.exp_total), ("支出总计", sides.exp_grand)):
        if item is not None:
            cover.append(coverage(doc, block, item.line, "total", f"{label}: {item.name}"))
    return rows, cover


def _class_check(doc, block, unit, sides) -> list[Finding]:
    total = sides.exp_total or sides.exp_grand
    if total is None or not total.amounts or not sides.classes:
        return []
    found = mismatch_finding(doc, block, "class_total_mismatch", "本年支出合计 vs sum of the class (类) rows",
                             _amount(total, unit), sum((_amount(i, unit) for i, _ in sides.classes), Decimal(0)),
                             unit, total.line)
    return [found] if found else []


def parse_income(
    doc: SourceDocument, block: TableBlock
) -> tuple[list[Union[IncomeLine, ClassTotalLine]], list[CoverageLine], list[Finding]]:
    """收支总表: one IncomeLine per printed income item and one ClassTotalLine per printed class."""
    unit, sides, cover, findings = _common(doc, block)
    rows: list[Union[IncomeLine, ClassTotalLine]] = []
    by_source: dict[str, Item] = {}
    for item, source in sides.income:
        rows.append(IncomeLine(doc.document_id, source, item.bare or item.name, _amount(item, unit) if item.amounts
                               else Decimal(0), unit, block.label, item.line))
        outcome = "total" if source in ("total", "grand_total") else "fact"
        cover.append(coverage(doc, block, item.line, outcome, f"income {source}: {item.name}"))
        by_source.setdefault(source, item)
    class_rows, class_cover = _class_rows(doc, block, unit, sides)
    rows.extend(class_rows)
    cover.extend(class_cover)
    findings.extend(_class_check(doc, block, unit, sides))
    findings.extend(_income_checks(doc, block, unit, sides, by_source))
    return rows, cover, findings


def _income_checks(doc, block, unit, sides, by_source) -> list[Finding]:
    checks = []
    parts = [_amount(i, unit) for i, s in sides.income if s in _SUMMED]
    total = by_source.get("total")
    if total is not None and total.amounts and parts:
        checks.append(mismatch_finding(doc, block, "income_total_mismatch", "本年收入合计 vs sum of income sources",
                                       _amount(total, unit), sum(parts, Decimal(0)), unit, total.line))
    grand = by_source.get("grand_total")
    if grand is not None and total is not None and grand.amounts:
        extra = [_amount(i, unit) for i, s in sides.income if s in ("carryover", "reserve_use")]
        checks.append(mismatch_finding(doc, block, "income_grand_total_mismatch",
                                       "收入总计 vs 本年收入合计 + 上年结转/结余",
                                       _amount(grand, unit), _amount(total, unit) + sum(extra, Decimal(0)), unit,
                                       grand.line))
    if grand is not None and sides.exp_grand is not None and grand.amounts and sides.exp_grand.amounts:
        checks.append(mismatch_finding(doc, block, "income_expenditure_balance", "支出总计 vs 收入总计",
                                       _amount(sides.exp_grand, unit), _amount(grand, unit), unit,
                                       sides.exp_grand.line))
    for source in _SUMMED:
        parent = by_source.get(source)
        details = [_amount(i, unit) for i, s in sides.income if s == f"{source}_detail"]
        if parent is not None and details and any(d for d in details):
            checks.append(mismatch_finding(doc, block, "income_detail_mismatch",
                                           f"{parent.name} vs the sum of its detail lines",
                                           _amount(parent, unit), sum(details, Decimal(0)), unit, parent.line))
    return [c for c in checks if c]


def parse_fiscal_appropriation(
    doc: SourceDocument, block: TableBlock
) -> tuple[list[ClassTotalLine], list[CoverageLine], list[Finding]]:
    """财政拨款收支总表: one ClassTotalLine per printed class; the income side is accounted as notes."""
    unit, sides, cover, findings = _common(doc, block)
    for item, source in sides.income:
        outcome = "total" if source in ("total", "grand_total") else "note"
        cover.append(coverage(doc, block, item.line, outcome,
                              f"fiscal-appropriation income {source}: {item.name} (income facts come from 收支总表)"))
    rows, class_cover = _class_rows(doc, block, unit, sides)
    cover.extend(class_cover)
    findings.extend(_class_check(doc, block, unit, sides))
    return rows, cover, findings
