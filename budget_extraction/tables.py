"""Finding the tables of a disclosure: where each starts and ends, what kind it is.

A table is recognised by its title and header words, never by its position
in a given file. This is the one place that classifies titles: the financial tables
(kinds 1-13) and the performance tables (PERFORMANCE_KINDS: 绩效目标表, 自评表) alike;
the readers take the blocks found here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import TableRow
from .numbers import unit_of
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
    "fiscal_appropriation_functional",  # 财政拨款支出预算表 (功能科目), beside 5 where a template prints both
    "fiscal_appropriation_basic_economic",  # 财政拨款基本支出预算表 (经济科目), beside 6 likewise
    "operating_costs",  # 一般公共预算机关运行经费支出表 (recognised, not modelled: no mart holds it)
    # Performance titles as an anchor that ends the financial table before it (wide patterns);
    # the performance tables themselves are measured below as PERFORMANCE_KINDS.
    "department_performance",  # 14 部门整体支出绩效目标表
    "project_performance",  # 15 项目支出绩效目标表 / 项目申报表
    "self_evaluation",  # 决算 自评表
)
# The performance tables find_tables returns, each from its title to the next performance title.
PERFORMANCE_KINDS = ("department_target", "project_target", "department_self_eval", "project_self_eval")


@dataclass(frozen=True)
class TableBlock:
    """A table region of a document: lines start_line..end_line (1-based, inclusive)."""

    kind: str
    label: str  # as printed, spaces kept as printed but trimmed: "表 3", "附表 4-3", "公开表3", "公开 03 表"
    title: str  # as printed, e.g. "一般公共预算支出表(分功能科目)"
    unit: str | None  # "万元" | "元" | None when the table prints none
    start_line: int  # line of the label or title
    header_end_line: int  # last header line (column titles); data starts after it
    # (a performance table: its first indicator header line; it may print more than one)
    end_line: int
    is_empty: bool = False  # printed with a note that it has no data (为空表 / 没有…安排的支出)
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------
# Recognising titles, labels and the lines around them
# --------------------------------------------------------------------------------------

# Every kind but the performance anchors: the financial tables (new kinds included).
PERFORMANCE_ANCHOR_KINDS = frozenset(("department_performance", "project_performance", "self_evaluation"))
FINANCIAL_KINDS = frozenset(TABLE_KINDS) - PERFORMANCE_ANCHOR_KINDS
RETURNED_KINDS = FINANCIAL_KINDS | frozenset(PERFORMANCE_KINDS)

# A table label printed on its own line (maybe followed by the unit):
# 表 3 | 表3 | 表 5-1 | 表10 | 附表 4-3 | 附表4-9 | 公开表3 | 公开 03 表 | 公开01表 | 预算 13表
# | 表三 | 附表十 | 预算公开表3 | 部门决算公开表 3 (Chinese numerals: not 表一般…, a title's first word)
_LABEL = re.compile(
    r"^\s*(?P<label>(?:附表|(?:部门)?(?:预算|决算)?公开表|表)\s*"
    r"(?:\d{1,2}(?:\s*[-－—–]\s*\d{1,2})?(?!\d)|[一二三四五六七八九十]{1,3}(?![一二三四五六七八九十般]))"
    r"|(?:公开|预算)\s*\d{1,2}\s*表)"
    r"(?P<rest>.*)$"
)
_CAPTION_SEP = re.compile(r"^\s*[.．、:：]\s*")
_LIST_PREFIX = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:[一二三四五六七八九十廿]+\s*[、.．]|[（(][一二三四五六七八九十廿]+[)）]|\d{1,2}\s*[、.．]|[（(]\d{1,2}[)）])?\s*"
)
_PART_HEADING = re.compile(r"^\s*(?:#+\s*)?第[一二三四五六七八九十]+部分")
_PROSE_MARK = re.compile(r"[。，；;]|详见|见附|如下")
_AMOUNT_CELL = re.compile(r"(?<![\d.])-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+(?![\d.])")
# An integer printed with thousands separators (元 tables: 5,873,551): a figure, never a code or a year.
_GROUPED_INTEGER = re.compile(r"(?<![\d.,])-?\d{1,3}(?:,\d{3})+(?![\d.,])")
_INTEGER_CELL = re.compile(r"-?\d+")
_CODE_CELL = re.compile(r"\d{3,7}")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_DASH_CELL = re.compile(r"[-－—–]{1,2}")
# A whole title ends in 表, maybe with a bracketed note after it: …支出表（分功能科目）.
_TITLE_END = re.compile(r"表(?:[（(][^）)]*[)）])?$")
_TOTAL_CELL = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|本年支出合计|支出合计|收入合计|本年收入合计)$")

# Title patterns, most specific first. Matched against the line with spaces and quotes removed.
_TITLE_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("self_evaluation", re.compile(r"自评")),
    ("department_performance", re.compile(r"整体.*绩效|部门绩效目标")),
    ("project_performance", re.compile(r"绩效目标|项目申报表|项目基本信息表|项目预算资金投入表|项目年度绩效")),
    ("three_public", re.compile(r"三公")),
    ("government_fund", re.compile(r"政府性基金(?:预算)?(?:财政拨款)?(?:收入)?支出")),
    ("state_capital", re.compile(r"国有资本经营(?:预算)?(?:财政拨款)?(?:收入)?支出")),
    ("fiscal_appropriation_summary", re.compile(r"财政拨款收(?:入)?支(?:出)?(?:预算|决算)?总表")),
    ("general_public_basic_economic", re.compile(r"一般公共预算(?:财政拨款)?基本支出")),
    ("general_public_by_unit", re.compile(r"一般公共预算(?:财政拨款)?支出(?:预算|决算)?表.*分单位")),
    (
        "general_public_functional",
        re.compile(r"一般公共预算(?:财政拨款)?(?:项目)?支出(?:功能分类)?(?:预算|决算)?(?:表|$)"),
    ),
    # 财政拨款 (一般公共预算 + 政府性基金) by function / by economic class, printed beside the
    # 一般公共预算 tables by some templates: no fund scope of the contract holds them.
    ("fiscal_appropriation_basic_economic", re.compile(r"财政拨款基本支出(?:预算|决算)?表")),
    ("fiscal_appropriation_functional", re.compile(r"财政拨款支出(?:预算|决算)?表")),
    # Tables of other readers whose titles end like an expenditure table's (机关运行经费支出预算表,
    # 政府采购支出预算表): recognised here so that they end the table before them.
    ("operating_costs", re.compile(r"机关运行经费")),
    ("procurement", re.compile(r"政府采购")),
    ("income_expenditure_summary", re.compile(r"收支(?:预算|决算)?总(?:体情况)?表|收入支出(?:预算|决算)?总表")),
    ("income_summary", re.compile(r"收入(?:预算|决算)?总?表")),
    ("project_expenditure", re.compile(r"项目支出(?:预算|决算)?表")),
    # 支出总表 / 支出预算总表 / 支出决算表; a bare 支出预算表 is the end of a wrapped title, not this table.
    ("expenditure_summary", re.compile(r"支出(?:预算|决算)?总表|支出决算表|^支出表")),
    ("procurement", re.compile(r"政府采购")),
    ("purchased_services", re.compile(r"购买服务")),
    ("asset_allocation", re.compile(r"资产配置")),
)
# Column titles that only a table header prints, and words that a header prints together.
_HEADER_STRONG = re.compile(
    r"科目编码|科目代码|科\s*目\s*代\s*码|科目名称|功能科目|经济科目|预算数|决算数|单位代\s*码|单位名\s*称|单位编码|"
    r"项目编\s*码|项目名称|栏次|项\s+目|收\s+入|支\s+出"
)
_HEADER_WEAK = re.compile(r"合\s*计|小计|总计|基本支出|项目支出|人员经费|公用经费|本年收入|本年支出|本年拨款|金额")
_EMPTY_NOTE = re.compile(
    r"为空表|空表|表为空|本表无数据|没有使用|没有.{0,20}(?:支出|收入|经费|预算|采购)|(?:部门|单位|年|度)无.{0,24}(?:支出|收入|经费|采购|预算|资产)|未安排"
)
# Every wording of _EMPTY_NOTE holds one of these characters (空表, 无数据, 没有, 未安排).
_EMPTY_NOTE_CHARS = frozenset("空无没未")
_NOTE_START = re.compile(r"^\s*(?:备注|注|说明)\s*\d?\s*[:：.．]")


_QUOTE_MARKS = str.maketrans("", "", "“”\"‘’'「」")


def _compact(text: str) -> str:
    """The text without spaces and quote marks, so titles match however the PDF spaced them."""
    return "".join(text.split()).translate(_QUOTE_MARKS)


def classify_title(text: str) -> str | None:
    """The table kind a title names (budget or 决算 wording), or None."""
    compact = _compact(text)
    for kind, pattern in _TITLE_RULES:
        if pattern.search(compact):
            return kind
    return None


def _title_candidate(text: str, loose: bool) -> tuple[str, str] | None:
    """(kind, title) when a whole line is a table title; loose also accepts a title without 表.

    A title stands alone: short, no sentence punctuation, no amounts. ``loose`` is for the
    line right next to a label (国有资本经营预算支出 printed without its 表).
    """
    stripped = text.strip()
    if not loose and "表" not in stripped:
        return None  # the test below on the compact body, cheaply: a whole title ends in 表
    if not stripped or "\t" in stripped.strip("\t") and len([c for c in stripped.split("\t") if c.strip()]) > 1:
        return None
    body = _LIST_PREFIX.sub("", stripped, count=1).strip()  # 9.2025年… is item 9, not the amount 9.2025
    if _PROSE_MARK.search(stripped) or _AMOUNT_CELL.search(body) or _PART_HEADING.match(stripped):
        return None
    compact = _compact(body)
    if not compact or len(compact) > 60:
        return None
    if not loose and not _TITLE_END.search(compact):
        return None
    kind = classify_title(compact)
    if kind is None:
        return None
    return kind, body


def parse_label(text: str) -> tuple[str, str] | None:
    """(label, rest) when a line starts with a table label; rest is what follows it."""
    if "表" not in text:
        return None  # every label form prints 表 (表 3, 附表 4-3, 公开 03 表)
    match = _LABEL.match(text)
    if not match:
        return None
    label = re.sub(r"\s+", " ", match.group("label").strip())
    return label, match.group("rest")


def _is_standalone_label(rest: str) -> bool:
    """A label line holds the label only, or the label and the unit."""
    rest = rest.strip()
    return not rest or unit_of(rest) is not None and not re.search(r"[.．、]", rest[:1])


def is_data_line(text: str) -> bool:
    """A line that prints figures: a decimal amount, a grouped integer (5,873,551), a code followed
    by more cells, or a row label (合计, a name) followed only by whole-number figures.

    Regions that print 元 print whole numbers without decimals; a 合计 row of such a table must
    not be mistaken for a header line (it would be lost and shift the column roles).
    """
    if _AMOUNT_CELL.search(text) or _GROUPED_INTEGER.search(text):
        return True
    cells = text.split()  # tab or space cells alike
    if len(cells) >= 2 and bool(_CODE_CELL.fullmatch(cells[0])) and not _is_column_numbers(text):
        return True
    return _integer_figures_row(cells) or _named_figures(cells) >= 2


def _integer_figures_row(cells: list[str]) -> bool:
    """Label cells, then whole-number figures (or dashes) only: ``合计 5873551 3873551 -``.

    One figure after a plain name could be a page number of a table of contents; a 合计 label,
    or two figures or more, make it a row.
    """
    figures = 0
    for index in range(len(cells) - 1, -1, -1):
        cell = cells[index]
        if _INTEGER_CELL.fullmatch(cell):
            figures += 1
        elif not _DASH_CELL.fullmatch(cell):
            break
    else:
        return False
    labels = cells[: index + 1]
    if not figures or not _CJK_CHAR.search(labels[-1]) or _is_column_numbers(" ".join(cells)):
        return False
    return bool(_TOTAL_CELL.match("".join(labels))) or figures >= 2


def _named_figures(cells: list[str]) -> int:
    """How many cells print a whole number right after a name (``一、教育支出 5210300``): the
    two-sided 收支总表 prints its items this way, name and figure side by side."""
    return sum(
        1 for name, figure in zip(cells, cells[1:]) if _CJK_CHAR.search(name) and _INTEGER_CELL.fullmatch(figure)
    )


def _is_column_numbers(text: str) -> bool:
    """'栏次 1 2 3' or '1 2 3 ... 14': the column numbering row of a header."""
    cells = text.split()  # tab or space cells alike
    if cells and cells[0].replace(" ", "") == "栏次":
        return True
    numbers = [c for c in cells if c.isdigit()]
    return len(numbers) >= 3 and len(numbers) == len(cells) and numbers == [str(i) for i in range(1, len(numbers) + 1)]


def is_header_line(text: str) -> bool:
    """A line of column titles: one header-only word, or two words headers print together."""
    if _is_column_numbers(text):
        return True
    if _AMOUNT_CELL.search(text) or _GROUPED_INTEGER.search(text) or _PROSE_MARK.search(text):
        return False
    if len([c for c in text.split("\t") if c.strip()]) >= 3 and not is_data_line(text):
        return True
    return bool(_HEADER_STRONG.search(text)) or len(set(_HEADER_WEAK.findall(_compact(text)))) >= 2


def is_empty_note(text: str) -> bool:
    """A note saying the table has nothing to show (为空表, 没有使用…安排的支出, 无…支出)."""
    if _EMPTY_NOTE_CHARS.isdisjoint(text):
        return False
    compact = _compact(text)
    if _AMOUNT_CELL.search(compact) or "本表反映" in compact or len([c for c in text.split("\t") if c.strip()]) > 1:
        return False
    return bool(_EMPTY_NOTE.search(compact))


def _is_meta_line(text: str) -> bool:
    """Lines printed between a table's label/title and its header: unit, department, year."""
    compact = _compact(text)
    if not compact:
        return True
    if unit_of(compact):
        return True
    if re.match(r"^(?:部门|单位|单位名称|部门/单位|部门／单位|编制单位|填报单位)[:：/／]", compact):
        return True
    if re.fullmatch(r"[（(]?(?:汇总|本级)[)）]?|\d{4}年度?|\[\d+\][^\t]*|第\d+页.*", compact):
        return True
    return False


@dataclass(frozen=True)
class _Anchor:
    line: int
    label: str | None
    title: str | None
    kind: str | None
    standalone_label: bool
    unit: str | None
    open_title: bool = False  # a caption whose title goes on over the next line (no 表 yet)


_UNIT_PHRASE = re.compile(r"[\s（(]*(?:金额)?单位\s*[:：]\s*(?:万\s*元|元)[)）]?\s*$")


def without_unit(text: str) -> str:
    """A title line without the unit printed at its end (``支出总表    金额单位：万元``)."""
    return _UNIT_PHRASE.sub("", text)


def _anchor_at(text: str, number: int, after_label: bool) -> _Anchor | None:
    """An anchor line: a label, a caption (label + title) or a title; the unit may end the line."""
    if not after_label and "表" not in text:
        return None  # every label prints 表, and so does every title but one right after a label
    unit = unit_of(text)
    parsed = parse_label(text)
    if parsed:
        label, rest = parsed
        if _is_standalone_label(rest):
            return _Anchor(number, label, None, None, True, unit_of(rest))
        caption = _CAPTION_SEP.sub("", rest, count=1) if _CAPTION_SEP.match(rest) or rest[:1].isspace() else None
        if caption is not None:
            found = _title_candidate(without_unit(caption), loose=False)
            if found:
                return _Anchor(number, label, found[1], found[0], False, unit_of(rest))
            # The label says a table starts here: its title may wrap before its 表 (…培训费 / 支出预算表),
            # and the next line completes it.
            found = _title_candidate(without_unit(caption), loose=True)
            if found:
                return _Anchor(number, label, found[1], found[0], False, unit_of(rest), open_title=True)
        return None
    found = _title_candidate(without_unit(text) if unit else text, loose=after_label)
    if found:
        return _Anchor(number, None, found[1], found[0], False, unit)
    return None


@dataclass
class _Group:
    anchors: list[_Anchor]

    @property
    def start(self) -> int:
        """The label or title line; a caption only when the table prints nothing else."""
        own = [a.line for a in self.anchors if a.standalone_label or not a.label]
        return min(own) if own else self.anchors[0].line

    @property
    def last(self) -> int:
        return self.anchors[-1].line

    def accepts(self, anchor: _Anchor) -> bool:
        """Label and title of one table: one standalone label, and titles that agree on the kind."""
        if anchor.standalone_label and any(a.standalone_label for a in self.anchors):
            return False
        if anchor.label and not anchor.standalone_label and any(a.label for a in self.anchors):
            return False  # two captions in a row: a list of captions, not one table
        if anchor.kind and not anchor.standalone_label:
            titles = [a for a in self.anchors if a.kind and not a.label]
            if titles and not anchor.label:
                return False  # two bare titles in a row: a table of contents
        return True

    def label(self) -> str | None:
        standalone = [a.label for a in self.anchors if a.standalone_label]
        if standalone:
            return standalone[-1]
        captions = [a.label for a in self.anchors if a.label]
        return captions[-1] if captions else None

    def title_and_kind(self) -> tuple[str | None, str | None]:
        for caption, following in zip(self.anchors, self.anchors[1:]):
            if caption.open_title and following.kind and not following.label and following.line == caption.line + 1:
                title = f"{caption.title}{following.title}"  # a caption wrapped onto the next line
                return title, classify_title(title)
        bare = [a for a in self.anchors if a.kind and not a.label]
        if bare:
            return bare[-1].title, bare[-1].kind
        captions = [a for a in self.anchors if a.kind]
        if captions:
            return captions[-1].title, captions[-1].kind
        return None, None


def _anchor_groups(doc: SourceDocument) -> list[_Group]:
    """Runs of label/title lines separated only by blank or meta lines."""
    groups: list[_Group] = []
    current: _Group | None = None
    gap_ok = True
    for number, text in enumerate(doc.lines, 1):
        after_label = (
            current is not None
            and gap_ok
            and any(a.standalone_label for a in current.anchors)
            and not any(a.kind for a in current.anchors)
        )
        anchor = _anchor_at(text, number, after_label)
        if anchor is not None:
            if current is not None and gap_ok and number - current.last <= 8 and current.accepts(anchor):
                current.anchors.append(anchor)
            else:
                current = _Group([anchor])
                groups.append(current)
            gap_ok = True
            continue
        if current is not None and gap_ok and not _is_meta_line(text):
            gap_ok = False
    return groups


_PERFORMANCE_CONTENT = re.compile(r"绩效(?:总)?目标|绩效指标|一级指标")


def _stop_line(doc: SourceDocument, start: int, end: int, data_seen_from: int | None) -> int:
    """Last line of a table before a part heading or the start of performance content."""
    for number in range(start, end + 1):
        text = doc.line(number)
        if _PART_HEADING.match(text):
            return number - 1
        if data_seen_from is not None and number > data_seen_from and _PERFORMANCE_CONTENT.search(text):
            return number - 1
    return end


def _page_continuation_end(doc: SourceDocument, first_data: int | None, end: int) -> int:
    """Last line of a table before a page whose text runs sideways (PDF text only).

    A page printed in landscape whose text layer the layout cannot turn comes out one or two
    characters per line; none of it is the table's, which ends with the page before.
    """
    if first_data is None or doc.page_of(first_data) is None:
        return end
    previous = first_data
    for number in range(first_data + 1, end + 1):
        if not doc.line(number).strip():
            continue
        page = doc.page_of(number)
        if page != doc.page_of(previous) and _is_sideways_page(doc, page, number, end):
            return previous
        previous = number
    return end


# A sideways page: at least this many lines, and this share of them holding cells of at most 2 characters.
_SIDEWAYS_MIN_LINES = 10
_SIDEWAYS_SHARE = 0.6


def _is_sideways_page(doc: SourceDocument, page: int | None, first: int, end: int) -> bool:
    lines = [doc.line(n) for n in range(first, end + 1) if doc.page_of(n) == page and doc.line(n).strip()]
    if len(lines) < _SIDEWAYS_MIN_LINES:
        return False
    narrow = sum(all(len(_compact(cell)) <= 2 for cell in line.split("\t")) for line in lines)
    return narrow >= _SIDEWAYS_SHARE * len(lines)


def _trim_end(doc: SourceDocument, start: int, end: int) -> int:
    while end > start and not doc.line(end).strip():
        end -= 1
    return end


def _block_for(doc: SourceDocument, group: _Group, limit: int) -> TableBlock | None:
    """Measure the table that starts at an anchor group; None if no table follows it."""
    title, kind = group.title_and_kind()
    label = group.label()
    if kind is None or label is None and title is None:
        return None
    body_start = group.last + 1
    first_data: int | None = None
    last_header: int | None = None
    unit = next((a.unit for a in group.anchors if a.unit), None)
    for number in range(group.anchors[0].line, limit + 1):
        text = doc.line(number)
        if _PART_HEADING.match(text):
            limit = number - 1
            break
        if unit is None:
            unit = unit_of(text)
        if number < body_start:
            continue
        if last_header is None and unit is None and _PROSE_MARK.search(text) and len(_compact(text)) > 30:
            return None  # sentences before any column title: a table of contents or prose names it
        if is_data_line(text) and not _is_column_numbers(text) and not _NOTE_START.match(text):
            first_data = number
            break  # the rest of the body is measured by _stop_line (a part heading included)
        if is_header_line(text):
            last_header = number
    if last_header is None and first_data is None and unit is None:
        return None  # a heading with no table after it (table of contents, prose)
    end = _stop_line(doc, body_start, limit, first_data)
    end = _page_continuation_end(doc, first_data, end)
    end = _trim_end(doc, group.start, end)
    if first_data is not None and first_data > end:
        first_data = None
    header_end = first_data - 1 if first_data is not None else (last_header or group.last)
    header_end = _trim_end(doc, group.last, header_end)
    empty_notes = {n for n in range(body_start, end + 1) if is_empty_note(doc.line(n))}
    notes = tuple(
        doc.line(n).strip() for n in range(body_start, end + 1) if n in empty_notes or _NOTE_START.match(doc.line(n))
    )
    # The body after the header starts within the lines searched for notes (header_end >= group.last).
    is_empty = any(is_empty_note(n) for n in notes) or any(n in empty_notes for n in range(header_end + 1, end + 1))
    return TableBlock(
        kind=kind,
        label=label or title or "",
        title=title or "",
        unit=unit,
        start_line=group.start,
        header_end_line=header_end,
        end_line=end,
        is_empty=is_empty,
        notes=notes,
    )


def financial_tables(doc: SourceDocument) -> list[TableBlock]:
    """The tables of kinds 1-13 of a document, in document order.

    Each table starts at its label/title lines and ends before the next table's (or a
    part heading, or performance content); tables of contents and prose that only
    mention a table are skipped because no header or figures follow them.
    """
    groups = _anchor_groups(doc)
    blocks: list[TableBlock] = []
    for index, group in enumerate(groups):
        limit = groups[index + 1].anchors[0].line - 1 if index + 1 < len(groups) else len(doc.lines)
        block = _block_for(doc, group, limit)
        if block is not None and block.kind in FINANCIAL_KINDS:
            blocks.append(block)
    return blocks


def find_tables(doc: SourceDocument) -> list[TableBlock]:
    """Every recognised table of a document in document order: the financial tables (kinds 1-13)
    and the performance tables (PERFORMANCE_KINDS). A performance table runs from its title to the
    next performance title, so it may enclose financial tables printed after it."""
    blocks = financial_tables(doc) + performance_tables(doc)
    return sorted(blocks, key=lambda block: block.start_line)


def is_financial(block: TableBlock) -> bool:
    """A table of kinds 1-13: the tables whose figures reach the warehouse's tables and facts."""
    return block.kind in FINANCIAL_KINDS


# --------------------------------------------------------------------------------------
# Performance tables (绩效目标表, 自评表): titles, labels, extent
# --------------------------------------------------------------------------------------

_PERFORMANCE_TITLES: tuple[tuple[str, re.Pattern], ...] = (
    ("department_self_eval", re.compile(r"整体(支出)?绩效自评(表|结果)|部门整体.{0,12}自评表$")),
    ("project_self_eval", re.compile(r"项目(支出)?(绩效)?自评表$|^自评表$")),
    ("department_target", re.compile(r"整体(支出)?绩效目标(申报)?表")),
    ("project_target", re.compile(r"项目(支出)?绩效目标(申报)?表|项目申报表|项目年度绩效目标表")),
)
# A department table whose title page was lost still opens with this block.
_DEPARTMENT_OPENING = re.compile(r"^整体绩效总?目标")
# A line of a table of contents or a list: dot leaders, a bullet, an enumeration 一、.
_CONTENTS_LINE = re.compile(r"\.{4,}|…{2,}|^[-*]\s|^[一二三四五六七八九十]+、")
# The label of a performance table: 附表 3-1, 公开 10 表, 表 15, 附 1, 附件 1.
_PERFORMANCE_LABEL = re.compile(r"^(附表\s*[\d\-]+|公开\s*\d+\s*表|表\s*\d+(?:-\d+)?|附件?\s*\d+)\s*[.．、:：]?")
# A title line is short: longer, it is a sentence that names a table.
PERFORMANCE_TITLE_MAX_CHARS = 70
# A label above its title is within this many lines, among the first non-blank lines above it,
# and a line of its own (label and maybe a unit, no sentence).
LABEL_SEARCH_LINES = 8
LABEL_SEARCH_TEXT_LINES = 3
LABEL_LINE_MAX_CHARS = 12
# A department opening block this far from the last department title opens a table of its own
# (closer, it is the opening of that table).
DEPARTMENT_OPENING_MIN_GAP = 80


def _without_spaces(text: str) -> str:
    return "".join((text or "").split())


def performance_title_kind(text: str) -> str | None:
    """The performance table kind a title line announces, or None (contents lines and sentences are not titles)."""
    if "表" not in text and "评" not in text:
        return None  # every title below prints 表 or 自评 (…自评结果), maybe spaced out
    flat = _without_spaces(text)
    if not flat or len(flat) > PERFORMANCE_TITLE_MAX_CHARS or _CONTENTS_LINE.search(text.strip()):
        return None
    if "。" in flat or "，" in flat:
        return None
    if "\t" in text.strip() and len([c for c in text.split("\t") if c.strip()]) > 1:
        return None
    for kind, pattern in _PERFORMANCE_TITLES:
        if pattern.search(flat):
            return kind
    return None


def _performance_label(doc: SourceDocument, line: int) -> str | None:
    """The label printed on the title line or just above it (表 15, 附 1, 附件 1)."""
    own = _PERFORMANCE_LABEL.match(doc.line(line).strip())
    if own:
        return own.group(1).strip()
    seen = 0
    for number in range(line - 1, max(0, line - LABEL_SEARCH_LINES), -1):
        text = doc.line(number).strip()
        if not text:
            continue
        seen += 1
        match = _PERFORMANCE_LABEL.match(text)
        if match and len(_without_spaces(text)) <= LABEL_LINE_MAX_CHARS:
            return match.group(1).strip()
        if seen >= LABEL_SEARCH_TEXT_LINES:
            break
    return None


def _opens_department_table(text: str) -> bool:
    """The opening block of a department table (整体绩效目标), maybe spaced out."""
    return "绩" in text and _DEPARTMENT_OPENING.match(_without_spaces(text)) is not None


def _performance_starts(doc: SourceDocument) -> list[tuple[int, str, str]]:
    """(line, kind, title) of every performance title, and of a department opening block
    printed without its title."""
    starts: list[tuple[int, str, str]] = []
    for number, text in enumerate(doc.lines, 1):
        if "表" not in text and "评" not in text and "绩" not in text:
            continue  # a title prints 表 or 自评, an opening block 绩效
        kind = performance_title_kind(text)
        if (
            kind is None
            and _opens_department_table(text)
            and (
                not starts
                or not starts[-1][1].startswith("department")
                or number - starts[-1][0] > DEPARTMENT_OPENING_MIN_GAP
            )
        ):
            kind = "department_target"
        if kind:
            starts.append((number, kind, _without_spaces(text.split("\t")[0])))
    return starts


def _indicator_header_line(doc: SourceDocument, start: int, end: int) -> int | None:
    """The first line of an indicator header (一级指标 …): a performance table prints one."""
    for number, text in doc.numbered(start, end):
        if "一" not in text:
            continue  # 一级指标, maybe spaced out
        flat = _without_spaces(text)
        if "一级指标" in flat or flat[:2] == "一级" and "指标" in flat:
            return number
    return None


def performance_tables(doc: SourceDocument) -> list[TableBlock]:
    """Performance tables in document order: each runs from its title to the next title, and
    prints an indicator header (a title followed by none is a mention, not a table)."""
    starts = _performance_starts(doc)
    blocks: list[TableBlock] = []
    for index, (number, kind, title) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(doc.lines)
        header = _indicator_header_line(doc, number, end)
        if header is None:
            continue
        label = _performance_label(doc, number) or title
        blocks.append(
            TableBlock(
                kind=kind, label=label, title=title, unit=None, start_line=number, header_end_line=header, end_line=end
            )
        )
    return blocks


def table_rows(doc: SourceDocument, blocks: Sequence[TableBlock]) -> list[TableRow]:
    """One TableRow per financial table (the performance tables reach the warehouse as indicator lines)."""
    return [
        TableRow(doc.document_id, b.kind, b.label, b.title, b.unit, b.start_line, b.end_line, b.is_empty)
        for b in blocks
        if is_financial(b)
    ]
