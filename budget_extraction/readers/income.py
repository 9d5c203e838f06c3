"""收支总表 and 财政拨款收支总表: income by source and expenditure by function class (类).

Both sides of these tables sit on one printed line (income left, expenditure
right; some regions add an economic-classification side further right). A
line is read as a sequence of items "name [amount…]"; an item's side is told
by its name (income words, the national class names, codes 2xx/3xx) and, for
names both sides print (总计), by its place on the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .. import codes as C
from ..codes import FUNCTIONAL_CLASSES, class_for_name
from ..lines import (
    Token,
    coverage,
    data_lines,
    header_text,
    is_column_numbering,
    mismatch_finding,
    note_lines,
    repair_split_numbers,
    squash,
    tokenize,
    unit_of,
)
from ..model import ClassTotalLine, CoverageLine, Finding, IncomeLine
from ..numbers import parse_amount, to_wan, tolerance_wan
from ..row_tables import PrintedRow, amounts_of, parents, place, read_rows, stray_lines, unreadable_row
from ..source import SourceDocument
from ..tables import TableBlock

_ENUM = re.compile(r"^(?:[一二三四五六七八九十廿]+[、.．]|[（(][一二三四五六七八九十廿]+[)）]|\d{1,2}[.．、])")
_STARTER = re.compile(
    r"^(?:本年|上年|年初|年末|年终|收入总计|支出总计|总计|合计|使用非财政|用事业基金|结余分配|结转下年|收入合计|支出合计)"
)

# Older national names of some classes, for documents of earlier years.
_CLASS_ALIASES = {
    "文化体育与传媒支出": "207",
    "医疗卫生与计划生育支出": "210",
    "医疗卫生支出": "210",
    "资源勘探信息等支出": "215",
    "资源勘探电力信息等支出": "215",
    "国土海洋气象等支出": "220",
    "粮油物资管理支出": "222",
    "粮油物资储备管理支出": "222",
    "灾害防治及应急管理": "224",
}
_ECONOMIC_NAMES = (
    "工资福利支出",
    "商品和服务支出",
    "对个人和家庭的补助",
    "债务利息及费用支出",
    "资本性支出",
    "对企业补助",
    "对社会保障基金补助",
    "对事业单位经常性补助",
    "对事业单位资本性补助",
)

# Income items, most specific first (事业单位经营收入 before 事业收入).
_INCOME_SOURCES = (
    ("total", re.compile(r"本年收入合计|当年收入小计|^收入合计$|^本年收入$")),
    ("grand_total", re.compile(r"收入总计")),
    ("carryover", re.compile(r"上年结转|年初结转|年初.*结余")),
    ("reserve_use", re.compile(r"使用非财政拨款结余|事业基金弥补|用事业基金")),
    ("general_public_budget", re.compile(r"一般公共预算")),
    ("government_fund", re.compile(r"政府性基金")),
    ("state_capital", re.compile(r"国有资本经营")),
    ("fiscal_appropriation", re.compile(r"^财政拨款(?:收入)?$")),
    ("fiscal_special", re.compile(r"财政专户")),
    ("operating", re.compile(r"经营收入")),
    ("business", re.compile(r"事业收入")),
    ("superior_subsidy", re.compile(r"上级补助")),
    ("subordinate", re.compile(r"附属.*上缴")),
    ("other", re.compile(r"其他收入|^其他资金$")),
)
# The sources a 财政拨款(收入) item is printed above (1. 一般公共预算资金, 2. 政府性基金 …): its parts.
_FISCAL_PARTS = ("general_public_budget", "government_fund", "state_capital")
_SUMMED = (
    "general_public_budget",
    "government_fund",
    "state_capital",
    "fiscal_special",
    "operating",
    "business",
    "superior_subsidy",
    "subordinate",
    "other",
)
_HEADER_WORD = re.compile(r"^(?:支出|收入)(?:[（(].*[)）])?$|^项目$|^预算数$|^决算数$|^金额$")
_EXP_TOTAL = re.compile(r"本年支出合计|当年支出小计|^支出合计$|^本年支出$")
# The expenditure-by-use side some regions print beside the functional classes (支出用途).
_USE_NAMES = re.compile(r"^(?:基本支出|项目支出|单位预留机动经费|事业单位经营支出|上缴上级支出|对附属单位补助支出)$")
_EXP_GRAND = re.compile(r"支出总计")
_EXP_CARRY = re.compile(r"年终结转|年末.*结转|结转下年|结余分配")


@dataclass
class Item:
    """One "name [amount…]" cell group of a printed line."""

    name: str  # squashed, as printed (enumerator kept)
    code: str | None
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


def class_code(name: str, code: str | None, exact: bool = False) -> str | None:
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


def income_source(name: str) -> str | None:
    """The income_source of a printed income item name."""
    for source, pattern in _INCOME_SOURCES:
        if pattern.search(name):
            return source
    return None


def _complete(name: str) -> bool:
    """A name that already reads as a whole item (so a following line is not its continuation)."""
    bare = _ENUM.sub("", name)
    income_like = income_source(bare) and re.search(
        r"(?:收入|拨款|资金|结转|结余|差额|补助|投资|合计|总计)[）)]?$", bare
    )
    return bool(
        class_code(name, None, exact=True)
        or income_like
        or _EXP_TOTAL.search(bare)
        or _EXP_GRAND.search(bare)
        or _EXP_CARRY.search(bare)
        or bare in _ECONOMIC_NAMES
        or bare in ("总计", "合计")
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
    current: Item | None = None
    pending_code: str | None = None
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
    exp_total: Item | None = None
    exp_grand: Item | None = None
    other: list[tuple[Item, str, str]] = field(default_factory=list)  # (item, outcome, detail)
    unreadable: list[tuple[Item, str]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # every item read, in printed order


def classify(items: list[Item]) -> _Sides:
    """Give every item its side and meaning, by name first and by place on the line for 总计."""
    sides = _Sides()
    income_on_line: set[int] = set()
    exp_total_on_line: set[int] = set()
    parent_source: str | None = None
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
        if _USE_NAMES.match(bare):
            sides.other.append((item, "note", "expenditure-by-use side (支出用途), not a functional class"))
            continue
        if "支出" in bare or bare in ("预备费",):
            sides.unreadable.append((item, f"expenditure item {item.name!r} is not a known function class"))
            continue
        source = "grand_total" if bare == "总计" else income_source(bare)
        if source == "total" and any(s == "total" for _, s in sides.income):
            source = "grand_total"  # 当年收入小计 … 收入合计: the second total adds the carry-forward
        sub_level = item.enumerated and item.name[0] in "（(" and parent_style == "top"
        if source in ("total", "grand_total"):
            parent_source = None
        elif parent_source == "fiscal_appropriation" and source in _FISCAL_PARTS:
            pass  # 1. 一般公共预算资金 under 一、财政拨款收入: a part with its own source
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


def spread_coverage(
    doc: SourceDocument, block: TableBlock, items: list[Item], cover: list[CoverageLine]
) -> list[CoverageLine]:
    """Coverage for the lines an item's figures were printed on when the PDF put them on a line
    of their own (``0.00`` below a wrapped name): the same outcome as the item they belong to."""
    by_line = {c.source_line: c for c in cover}
    extra: list[CoverageLine] = []
    for item in items:
        own = by_line.get(item.line)
        if own is None:
            continue
        printed_on = {n for t in item.amounts + item.skipped for n in (t.line, *t.also)}
        for line in sorted(printed_on - set(by_line)):
            extra.append(
                coverage(
                    doc,
                    block,
                    line,
                    own.outcome,
                    f"{item.amounts[0].text if item.amounts else ''} completes the cell of "
                    f"{item.name} (line {item.line})",
                )
            )
            by_line[line] = extra[-1]
    return extra


def _common(doc: SourceDocument, block: TableBlock):
    unit = unit_of(doc, block)
    items, header_like = read_items(doc, block, _has_row_numbers(header_text(doc, block)))
    sides = classify(items)
    sides.items = items
    cover: list[CoverageLine] = [coverage(doc, block, n, "header", "column numbering (栏次)") for n in header_like]
    findings: list[Finding] = []
    for item, reason in sides.unreadable:
        cover.append(coverage(doc, block, item.line, "finding", reason))
        findings.append(
            Finding(
                doc.document_id,
                "unreadable_line",
                "error",
                f"{doc.file_name}:{item.line} {block.label} {block.title}: {reason}",
                item.line,
            )
        )
    for item, outcome, detail in sides.other:
        cover.append(coverage(doc, block, item.line, outcome, f"{item.name}: {detail}"))
    return unit, sides, cover, findings


def _class_rows(doc, block, unit, sides) -> tuple[list[ClassTotalLine], list[CoverageLine]]:
    rows, cover = [], []
    for item, code in sides.classes:
        rows.append(
            ClassTotalLine(
                doc.document_id, block.kind, code, item.bare, _amount(item, unit), unit, block.label, item.line
            )
        )
        cover.append(coverage(doc, block, item.line, "fact", f"class {code} {item.bare}"))
    for label, item in (("本年支出合计", sides.exp_total), ("支出总计", sides.exp_grand)):
        if item is not None:
            cover.append(coverage(doc, block, item.line, "total", f"{label}: {item.name}"))
    return rows, cover


def _class_check(doc, block, unit, sides) -> list[Finding]:
    total = sides.exp_total or sides.exp_grand
    if total is None or not total.amounts or not sides.classes:
        return []
    found = mismatch_finding(
        doc,
        block,
        "class_total_mismatch",
        "本年支出合计 vs sum of the class (类) rows",
        _amount(total, unit),
        sum((_amount(i, unit) for i, _ in sides.classes), Decimal(0)),
        unit,
        total.line,
    )
    return [found] if found else []


def parse_income(
    doc: SourceDocument, block: TableBlock
) -> tuple[list[IncomeLine | ClassTotalLine], list[CoverageLine], list[Finding]]:
    """收支总表: one IncomeLine per printed income item and one ClassTotalLine per printed class."""
    unit, sides, cover, findings = _common(doc, block)
    rows: list[IncomeLine | ClassTotalLine] = []
    by_source: dict[str, Item] = {}
    for item, source in sides.income:
        rows.append(
            IncomeLine(
                doc.document_id,
                source,
                item.bare or item.name,
                _amount(item, unit) if item.amounts else Decimal(0),
                unit,
                block.label,
                item.line,
                table_kind=block.kind,
            )
        )
        outcome = "total" if source in ("total", "grand_total") else "fact"
        cover.append(coverage(doc, block, item.line, outcome, f"income {source}: {item.name}"))
        by_source.setdefault(source, item)
    class_rows, class_cover = _class_rows(doc, block, unit, sides)
    rows.extend(class_rows)
    cover.extend(class_cover)
    findings.extend(_class_check(doc, block, unit, sides))
    findings.extend(_income_checks(doc, block, unit, sides, by_source))
    cover.extend(spread_coverage(doc, block, sides.items, cover))
    return rows, cover, findings


def _income_checks(doc, block, unit, sides, by_source) -> list[Finding]:
    checks = []
    fiscal = by_source.get("fiscal_appropriation")
    fiscal_parts = [_amount(i, unit) for i, s in sides.income if s in _FISCAL_PARTS]
    summed = _SUMMED if fiscal is None or not fiscal_parts else tuple(s for s in _SUMMED if s not in _FISCAL_PARTS)
    parts = [_amount(i, unit) for i, s in sides.income if s in summed + ("fiscal_appropriation",)]
    if fiscal is not None and fiscal_parts:
        checks.append(
            mismatch_finding(
                doc,
                block,
                "income_detail_mismatch",
                f"{fiscal.name} vs the sum of its parts (一般公共预算, 政府性基金, 国有资本经营)",
                _amount(fiscal, unit),
                sum(fiscal_parts, Decimal(0)),
                unit,
                fiscal.line,
            )
        )
    total = by_source.get("total")
    if total is not None and total.amounts and parts:
        checks.append(
            mismatch_finding(
                doc,
                block,
                "income_total_mismatch",
                "本年收入合计 vs sum of income sources",
                _amount(total, unit),
                sum(parts, Decimal(0)),
                unit,
                total.line,
            )
        )
    grand = by_source.get("grand_total")
    if grand is not None and total is not None and grand.amounts:
        extra = [_amount(i, unit) for i, s in sides.income if s in ("carryover", "reserve_use")]
        checks.append(
            mismatch_finding(
                doc,
                block,
                "income_grand_total_mismatch",
                "收入总计 vs 本年收入合计 + 上年结转/结余",
                _amount(grand, unit),
                _amount(total, unit) + sum(extra, Decimal(0)),
                unit,
                grand.line,
            )
        )
    if grand is not None and sides.exp_grand is not None and grand.amounts and sides.exp_grand.amounts:
        checks.append(
            mismatch_finding(
                doc,
                block,
                "income_expenditure_balance",
                "支出总计 vs 收入总计",
                _amount(sides.exp_grand, unit),
                _amount(grand, unit),
                unit,
                sides.exp_grand.line,
            )
        )
    for source in _SUMMED:
        parent = by_source.get(source)
        details = [_amount(i, unit) for i, s in sides.income if s == f"{source}_detail"]
        if parent is not None and details and any(d for d in details):
            checks.append(
                mismatch_finding(
                    doc,
                    block,
                    "income_detail_mismatch",
                    f"{parent.name} vs the sum of its detail lines",
                    _amount(parent, unit),
                    sum(details, Decimal(0)),
                    unit,
                    parent.line,
                )
            )
    return [c for c in checks if c]


def parse_fiscal_appropriation(
    doc: SourceDocument, block: TableBlock
) -> tuple[list[ClassTotalLine], list[CoverageLine], list[Finding]]:
    """财政拨款收支总表: one ClassTotalLine per printed class; the income side is accounted as notes."""
    unit, sides, cover, findings = _common(doc, block)
    for item, source in sides.income:
        outcome = "total" if source in ("total", "grand_total") else "note"
        cover.append(
            coverage(
                doc,
                block,
                item.line,
                outcome,
                f"fiscal-appropriation income {source}: {item.name} (income facts come from 收支总表)",
            )
        )
    rows, class_cover = _class_rows(doc, block, unit, sides)
    cover.extend(class_cover)
    findings.extend(_class_check(doc, block, unit, sides))
    cover.extend(spread_coverage(doc, block, sides.items, cover))
    return rows, cover, findings


# --------------------------------------------------------------------------------------
# 收入总表 / 收入决算表: income by unit (单位) or by function, one row per unit or code
# --------------------------------------------------------------------------------------

_SUMMARY_WORDS = re.compile(
    r"(?P<total>本年收入合计|收入合计|收入总计|合计|总计)"
    r"|(?P<subtotal>小计)"
    r"|(?P<superior_subsidy>上级补助收入|上年补助收入|补助收入)"
    r"|(?P<reserve_use>用事业基金弥补(?:收支差额)?|事业基金弥补(?:收支差额)?|使用非财政拨款结余)"
    r"|(?P<carryover>(?:上年|年初)结转(?:和|、)?(?:结余)?|上年结余)"
    r"|(?P<current>本年收入)"
    r"|(?P<general_public_budget>一般公共预算(?:财政拨款)?(?:拨款)?(?:收入)?)"
    r"|(?P<government_fund>政府性基金(?:预算)?(?:财政拨款)?(?:拨款)?(?:收入)?)"
    r"|(?P<state_capital>国有资本经营(?:预算)?(?:财政拨款)?(?:拨款)?(?:收入)?)"
    r"|(?P<fiscal_special>财政专户(?:管理)?(?:资金)?(?:收入)?)"
    r"|(?P<fiscal_appropriation>财政拨款(?:收入)?)"
    r"|(?P<operating>事业单位经营收入|经营收入)"
    r"|(?P<business>事业收入)"
    r"|(?P<subordinate>附属(?:单位|部门)上缴收入)"
    r"|(?P<other>其他收入)"
    r"|(?P<unit_funds>单位资金)"
)
_HEADER_START = re.compile(r"编\s*码|代\s*码|名\s*称|项\s*目|科\s*目")
_GROUPS = ("current", "carryover")


@dataclass(frozen=True)
class IncomeColumn:
    """One amount column of a 收入总表: its income_source, printed title, group and role."""

    source: str
    printed: str
    group: int | None  # index of the spanning title (本年收入 / 上年结转结余) it sits under
    role: str  # total | subtotal | leaf


def summary_header(doc: SourceDocument, block: TableBlock) -> str:
    """The column titles of a 收入总表, squashed: from the first line naming code/name/项目 on."""
    numbers = range(block.start_line + 1, block.header_end_line + 1)
    first = next((n for n in numbers if _HEADER_START.search(doc.line(n))), None)
    if first is None:
        return ""
    return "".join(squash(doc.line(n)) for n in range(first, block.header_end_line + 1))


def _column(kind: str, printed: str, group: tuple[int, str, str] | None) -> IncomeColumn:
    """The column a title names, under its spanning group title if any."""
    if group is None:
        source = {"current": "current_year_total", "subtotal": "current_year_total"}.get(kind, kind)
        role = "total" if kind == "total" else "leaf"
        return IncomeColumn(source, printed, None, role)
    index, group_kind, group_text = group
    name = f"{group_text}/{printed}"
    if kind == "subtotal":
        return IncomeColumn("carryover" if group_kind == "carryover" else "current_year_total", name, index, "subtotal")
    source = f"carryover_{kind}" if group_kind == "carryover" else kind
    return IncomeColumn(source, name, index, "leaf")


def income_columns(header: str) -> list[IncomeColumn]:
    """The amount columns of a 收入总表 in printed order, from its header words.

    Spanning titles (本年收入, 上年结转结余) printed above a row of sub-titles each take the
    run of sub-titles that starts with their 小计, in order, whatever line or cell the PDF
    put the spanning title on; without 小计 sub-titles every title is its own column.
    """
    words = [(m.lastgroup or "", m.group(0)) for m in _SUMMARY_WORDS.finditer(header)]
    group_at = [i for i, (kind, _) in enumerate(words) if kind in _GROUPS]
    subtotal_at = [i for i, (kind, _) in enumerate(words) if kind == "subtotal"]
    grouped = bool(group_at) and len(subtotal_at) == len(group_at) and subtotal_at[0] > group_at[-1]
    if not grouped:
        return [_column(kind, text, None) for kind, text in words]
    bounds = subtotal_at + [len(words)]
    segments = [words[bounds[i] : bounds[i + 1]] for i in range(len(subtotal_at))]
    columns: list[IncomeColumn] = []
    for index, (kind, text) in enumerate(words[: subtotal_at[0]]):
        if kind in _GROUPS:
            number = group_at.index(index)
            columns.extend(_column(k, t, (number, kind, text)) for k, t in segments[number])
        else:
            columns.append(_column(kind, text, None))
    return columns


def row_identities(columns: list[IncomeColumn], values: list[Decimal]) -> list[tuple[str, Decimal, Decimal]]:
    """(what, printed, computed) for a row: 合计 = its parts, each 小计 = the columns under it."""
    out: list[tuple[str, Decimal, Decimal]] = []
    groups = sorted({c.group for c in columns if c.group is not None})
    parts = [v for c, v in zip(columns, values) if c.group is None and c.role == "leaf"]
    for group in groups:
        members = [(c, v) for c, v in zip(columns, values) if c.group == group]
        leaves = sum((v for c, v in members if c.role == "leaf"), Decimal(0))
        subtotal = next(((c, v) for c, v in members if c.role == "subtotal"), None)
        if subtotal is not None:
            out.append((f"{subtotal[0].printed} vs the columns under it", subtotal[1], leaves))
            parts.append(subtotal[1])
        else:
            parts.append(leaves)
    total = next(((c, v) for c, v in zip(columns, values) if c.role == "total"), None)
    if total is not None and parts:
        out.append((f"{total[0].printed} vs the sum of the income columns", total[1], sum(parts, Decimal(0))))
    return out


def _holds(columns: list[IncomeColumn], tolerance: Decimal) -> Callable[[list[Decimal]], bool]:
    return lambda values: all(abs(a - b) <= tolerance for _, a, b in row_identities(columns, values))


def _by_function(header: str) -> bool:
    """A 收入决算表 (or older 收入预算总表) prints functional codes instead of units."""
    return "科目" in header


def _figure_tokens(rows: list[PrintedRow]) -> list[str]:
    return [v for row in rows for v in row.values if v]


def _lost_table(doc, block, rows: list[PrintedRow], lines: list[int]) -> tuple[list[CoverageLine], list[Finding]]:
    """A table whose header words could not be read: an error, or a warning when the text
    kept no row either (no code, no name) and so only fragments of figures are left."""
    figures = _figure_tokens(rows)
    named = any(row.code or row.name for row in rows)
    severity = "error" if named else "warning"
    check = "unreadable_table" if named else "table_text_lost"
    reason = (
        "no income columns recognised in the header"
        if named
        else f"the PDF text kept no column titles and no row names, only figure fragments "
        f"({', '.join(figures[:8])}{'…' if len(figures) > 8 else ''}) that belong to no readable cell"
    )
    cover = [coverage(doc, block, n, "finding", reason) for n in lines]
    return cover, [
        Finding(
            doc.document_id,
            check,
            severity,
            f"{doc.file_name}:{block.start_line} {block.label} {block.title}: {reason}",
            block.start_line,
        )
    ]


def _subject(doc, block, row: PrintedRow, known, findings: list[Finding]) -> str | None:
    """The full functional code of a row; a cut-short code repaired from the document or the
    national names (reported), None (and an error) when it cannot be."""
    if row.code is None or C.is_full_code(row.code, C.FUNCTIONAL):
        return row.code
    repaired, origin = C.repair_code(row.code, row.name, C.FUNCTIONAL, known)
    where = f"{doc.file_name}:{row.line} {block.label}"
    if repaired:
        findings.append(
            Finding(
                doc.document_id,
                "code_repaired",
                "warning",
                f"{where}: printed code {row.code} ({row.name}) is cut short; repaired to "
                f"{repaired} from the {'same document' if origin == 'document' else 'national classification'}",
                row.line,
            )
        )
        return repaired
    findings.append(
        Finding(
            doc.document_id,
            "code_unrepairable",
            "error",
            f"{where}: printed code {row.code} ({row.name}) is not a full functional code and cannot be repaired",
            row.line,
        )
    )
    return None


def is_vertical_summary(doc: SourceDocument, block: TableBlock) -> bool:
    """A 收入总表 printed as one column of figures (项目名称 | 金额): 收入总计, then each source's
    小计 and the items under it, row by row."""
    header = header_text(doc, block)
    first = next((squash(t) for _, t in data_lines(doc, block)), "")
    return "金额" in header and first.startswith("收入总计")


def _vertical_rows(doc: SourceDocument, block: TableBlock):
    """(line, names, figure text or None) of each row: names are the text cells (group, item)."""
    out = []
    for number, text in data_lines(doc, block):
        cells = [squash(c) for c in text.split("\t") if squash(c)]
        figure = cells[-1] if cells and re.fullmatch(r"-?[\d,]+(?:\.\d+)?", cells[-1]) else None
        out.append((number, cells[:-1] if figure else cells, figure))
    return out


def parse_vertical_summary(doc: SourceDocument, block: TableBlock) -> tuple[list, list[CoverageLine], list[Finding]]:
    """The vertical 收入总表: 收入总计 = the sum of the 小计 rows, each 小计 = the items printed in
    its group (from one 小计 to the next; 其中 rows are part of an item, not added). Its figures
    repeat the 收支总表's income by source, whose facts are loaded; here they are checked."""
    unit = unit_of(doc, block)
    rows = _vertical_rows(doc, block)
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    grand: tuple[int, Decimal] | None = None
    groups: list[tuple[int, Decimal, list[Decimal]]] = []  # (line, 小计, items)
    for number, names, figure in rows:
        amount = to_wan(parse_amount(figure), unit) if figure else Decimal(0)
        label = "".join(names)
        if label.startswith("收入总计"):
            grand = (number, amount)
            cover.append(coverage(doc, block, number, "total", f"收入总计 {figure or ''}"))
        elif names and names[-1] == "小计":
            groups.append((number, amount, []))
            cover.append(coverage(doc, block, number, "total", f"{label} {figure or ''}"))
        elif groups and not label.startswith("其中"):
            groups[-1][2].append(amount)
            cover.append(
                coverage(
                    doc,
                    block,
                    number,
                    "note",
                    f"{label} {figure or ''} (checked against its 小计; income facts come from 收支总表)",
                )
            )
        else:
            cover.append(coverage(doc, block, number, "note", f"{label} {figure or ''}"))
    for number, subtotal, items in groups:
        found = mismatch_finding(
            doc,
            block,
            "income_detail_mismatch",
            "小计 vs the items of its group",
            subtotal,
            sum(items, Decimal(0)),
            unit,
            number,
        )
        findings.extend([found] if found else [])
    if grand is not None and groups:
        found = mismatch_finding(
            doc,
            block,
            "income_table_total_mismatch",
            "收入总计 vs the sum of the 小计 rows",
            grand[1],
            sum((g[1] for g in groups), Decimal(0)),
            unit,
            grand[0],
        )
        findings.extend([found] if found else [])
    cover.extend(coverage(doc, block, n, "note", squash(t)[:60]) for n, t in note_lines(doc, block))
    return [], cover, findings


def parse_income_summary(
    doc: SourceDocument, block: TableBlock, known: dict[str, set[str]] | None = None
) -> tuple[list[IncomeLine], list[CoverageLine], list[Finding]]:
    """收入总表: one IncomeLine per (printed row, income column); subtotals checked, every line covered."""
    if is_vertical_summary(doc, block):
        return parse_vertical_summary(doc, block)
    unit = unit_of(doc, block)
    header = summary_header(doc, block)
    columns = income_columns(header)
    rows, numbering, stray = read_rows(doc, block, max(len(columns), 1))
    cover = [coverage(doc, block, n, "header", "column numbering (栏次)") for n in numbering]
    cover.extend(coverage(doc, block, n, "note", squash(t)[:60]) for n, t in note_lines(doc, block))
    findings: list[Finding] = []
    if not columns:
        lines = sorted({n for row in rows for n in row.lines} | set(stray))
        lost_cover, lost = _lost_table(doc, block, rows, lines)
        return [], cover + lost_cover, findings + lost
    stray_cover, stray_findings = stray_lines(doc, block, stray)
    cover.extend(stray_cover)
    findings.extend(stray_findings)
    by_function = _by_function(header)
    known = known if known is not None else {}
    tolerance = tolerance_wan(unit)
    placed_rows: list[tuple[PrintedRow, list[Decimal], str | None]] = []
    guessed = 0
    for row in rows:
        values = [to_wan(v, unit) for v in amounts_of(row.values)]
        placed, exact = (values, True) if row.positional else place(values, len(columns), _holds(columns, tolerance))
        if placed is None or not (row.code or row.name):
            reason = (
                "more figures than the header has columns"
                if placed is None
                else "figures without a unit, code or 合计 name"
            )
            lines, finding = unreadable_row(doc, block, row, reason)
            cover.extend(lines)
            findings.append(finding)
            continue
        guessed += not exact
        subject = _subject(doc, block, row, known, findings) if by_function else None
        placed_rows.append((row, placed, subject))
    if guessed:
        findings.append(
            Finding(
                doc.document_id,
                "blank_cells_placed",
                "info",
                f"{doc.file_name}:{block.start_line} {block.label} {block.title}: {guessed} rows print "
                f"fewer figures than the {len(columns)} columns (blank cells not printed); figures "
                "placed in the leftmost columns for which the row's own sums hold",
                block.start_line,
            )
        )
    lines, row_cover = _summary_lines(doc, block, unit, columns, placed_rows, by_function)
    cover.extend(row_cover)
    findings.extend(_summary_checks(doc, block, unit, columns, placed_rows, by_function))
    return lines, cover, findings


def _summary_lines(doc, block, unit, columns, placed_rows, by_function):
    """The IncomeLines and coverage of the readable rows."""
    parent_of = parents([row.code for row, _, _ in placed_rows])
    has_children = {p for p in parent_of if p is not None}
    lines: list[IncomeLine] = []
    cover: list[CoverageLine] = []
    for index, (row, values, subject) in enumerate(placed_rows):
        kind = "total" if row.code is None else ("subject" if by_function else "unit")
        for column, value in zip(columns, values):
            lines.append(
                IncomeLine(
                    doc.document_id,
                    column.source,
                    column.printed,
                    value,
                    unit,
                    block.label,
                    row.line,
                    table_kind=block.kind,
                    unit_code=row.code if kind == "unit" else None,
                    unit_name=row.name if kind == "unit" else None,
                    subject_code=subject,
                    row_kind=kind,
                    subject_name=row.name if kind == "subject" else None,
                    printed_code=row.code if kind == "subject" else None,
                )
            )
        outcome = "total" if kind == "total" else ("parent" if index in has_children else "fact")
        label = f"{row.code or ''} {row.name}".strip()
        cover.extend(
            coverage(
                doc,
                block,
                n,
                outcome,
                f"income row {label}" + ("" if n == row.line else f" (continued from line {row.line})"),
            )
            for n in row.lines
        )
    return lines, cover


def _summary_checks(doc, block, unit, columns, placed_rows, by_function) -> list[Finding]:
    """Each row's own sums, every parent (unit or code) vs its children, the 合计 row vs the top rows."""
    found: list[Finding | None] = []
    for row, values, _ in placed_rows:
        for what, printed, computed in row_identities(columns, values):
            found.append(
                mismatch_finding(
                    doc,
                    block,
                    "income_row_sum_mismatch",
                    f"{row.code or ''} {row.name}: {what}",
                    printed,
                    computed,
                    unit,
                    row.line,
                )
            )
    parent_of = parents([row.code for row, _, _ in placed_rows])
    check = "income_parent_vs_children" if by_function else "income_unit_total_mismatch"
    groups: dict[int | None, list[int]] = {}
    for index, parent in enumerate(parent_of):
        if placed_rows[index][0].code is not None:
            groups.setdefault(parent, []).append(index)
    totals = [i for i, (row, _, _) in enumerate(placed_rows) if row.is_total]
    for parent, children in groups.items():
        heads = [parent] if parent is not None else totals[:1]
        for head in heads:
            row, values, _ = placed_rows[head]
            what = "合计 row vs the sum of the top rows" if parent is None else f"{row.code} {row.name} vs its sub-rows"
            for position, column in enumerate(columns):
                computed = sum((placed_rows[c][1][position] for c in children), Decimal(0))
                found.append(
                    mismatch_finding(
                        doc,
                        block,
                        check if parent is not None else "income_table_total_mismatch",
                        f"{what} ({column.printed})",
                        values[position],
                        computed,
                        unit,
                        row.line,
                    )
                )
    return [f for f in found if f]
