"""Claims of the narrative (情况说明): the amounts, changes, rates and shares its sentences state.

The narrative is every line outside the tables. Its sentences follow the template's phrasing:
``2024年部门收入预算895.62万元，比2023年预算减少181.81万元，下降16.87%``, ``其中：基本支出210.17万元，
占23.47%``, ``与上年预算持平``. A claim is one stated amount with its subject and what the same
clause says about it (change, rate, share). Nothing is checked here: the warehouse compares the
claims with the tables and with their own arithmetic. What looks like a claim but cannot be read
(a change with no amount to belong to, a rate printed without %) is counted as a finding, never
guessed.

The text is read as one stream: PDF and text lines wrap mid-word (``181.66 万`` / ``元``), so the
lines of a paragraph are joined and the spaces the PDF puts between characters are dropped; every
character keeps its line, so a claim keeps the line it is printed on and its sentence as printed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from .. import codes
from ..model import Finding, NarrativeClaim
from ..numbers import parse_amount, to_wan
from ..source import SourceDocument
from ..tables import is_financial

# --------------------------------------------------------------------------------------
# The template's words
# --------------------------------------------------------------------------------------

_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# An amount with its unit: 895.62万元 | 5,873,551元 | 895.62万 (万 alone only before punctuation).
_MONEY = re.compile(rf"(?P<number>{_NUMBER})(?P<unit>万元|元|万(?=[。，,；;、）)：:]|$))")
_PERCENT = re.compile(rf"(?P<number>{_NUMBER})[%％]")
# A change word right before its figure (增加181.81万元, 下降16.87%) and its direction.
_INCREASE = "增加|增长|上升|提高|增"
_DECREASE = "减少|下降|降低|减"
# 增（减）0万元: a change printed without its direction; only a zero reads as one (flat).
_UNSIGNED = r"增[（(]减[)）]|增减"
_CHANGE_WORD = re.compile(rf"(?P<word>{_UNSIGNED}|{_INCREASE}|{_DECREASE})了?$")
_FLAT_WORD = re.compile(r"持平|一致|不变|相同|无变化")
# A change word followed by a bare number (减少 9.52，): a change or rate printed without its unit.
_UNITLESS_CHANGE = re.compile(rf"(?:{_INCREASE}|{_DECREASE}|持平|一致){_NUMBER}(?![\d.,%％万元])")
# The year compared with: 比2023年预算 | 较2020年预算 | 与上年相比 | 比上年决算数
_COMPARISON = re.compile(
    r"(?:比|较|与|同)(?P<year>上年度?|上一年度?|(?P<digits>\d{4})年度?)(?:预算|决算)?(?:执行)?数?(?:相比|比较)?"
)
# A figure of the prior year, named as such (（上年收入总计10202.8万元, 较上年55.14万元).
_PRIOR_YEAR = re.compile(r"^[（(]?(?:较|比|与)?上一?年度?(?!结转|结余)")
# Text after which a sentence explains rather than states (主要原因是基本支出增加…, 主要用于…).
_EXPLANATION = re.compile(r"原因|主要是|主要用于|用于")
# A threshold, not an amount (400万元以上的项目, 单价50万元以下).
_THRESHOLD_AFTER = re.compile(r"^(?:（含）|\(含\))?(?:以上|以下|以内|及以上)")
_SENTENCE_END = "。！？!?"
_SENTENCE_END_MARK = re.compile(f"[{_SENTENCE_END}]")
# Brackets and quotes are not clause marks: subjects print them (因公出国(境)费, “三公”经费).
_CLAUSE_MARKS = "，,；;：:、"
# A heading line: 一、 | （一） | 1. | (1) | 第一部分 (Markdown markers stripped before).
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]"
    r"|\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[)）])"
)
_PART = re.compile(r"^\s*(?:#+\s*)?第[一二三四五六七八九十]+部分")
_SECTION = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．])")
# A heading alone on its line (（二）公务接待费): a paragraph of its own, no sentence punctuation.
_STANDALONE_HEADING = re.compile(r"^[^，,。；;：:]{1,40}$")
_PROSE_PUNCTUATION = re.compile(r"[，。；：]")
_SENTENCE_MARK = re.compile(r"[，。]")
# A page number or footer alone on its line (23, - 3 -, 第3页): not part of the sentence it interrupts.
_PAGE_NUMBER = re.compile(r"^\s*[-—]?\s*(?:第\s*)?\d{1,3}\s*(?:页)?\s*[-—]?\s*$")
_MARKDOWN = re.compile(r"^\s*(?:#+|[-*•])\s*")

# Subjects, most specific first: (key, pattern on the compacted subject text). Keys of the form
# "<scope>.<item>" take the fund scope from the text, else from the section's heading.
_SUBJECTS = (
    ("three_public.outbound", re.compile(r"因公出国")),
    ("three_public.vehicle", re.compile(r"(?:公务用?车|公车)(?:辆)?购置及运行")),
    ("three_public.vehicle_purchase", re.compile(r"(?:公务用?车|公车|车辆)购置")),
    ("three_public.vehicle_operation", re.compile(r"(?:公务用?车|公车)(?:用车)?运行")),
    ("three_public.reception", re.compile(r"公务接待")),
    ("three_public.total", re.compile(r"三公")),
    ("office_running", re.compile(r"机关运行经费")),
    ("meeting_fees", re.compile(r"会议费")),
    ("training_fees", re.compile(r"培训费")),
    ("procurement", re.compile(r"政府采购")),
    ("purchased_services", re.compile(r"政府购买服务")),
    ("personnel", re.compile(r"人员经费")),
    ("public", re.compile(r"公用经费")),
    ("basic", re.compile(r"基本支出")),
    ("project", re.compile(r"项目支出")),
    ("budget_total", re.compile(r"收支|收、支|总预算|预算总额")),
    ("income", re.compile(r"收入")),
    ("expenditure", re.compile(r"支出")),
)
_SCOPED_ITEMS = frozenset({"personnel", "public", "basic", "project", "budget_total", "income", "expenditure"})
_SCOPES = (
    ("general_public_budget", re.compile(r"一般公共预算")),
    ("government_fund", re.compile(r"政府性基金")),
    ("state_capital", re.compile(r"国有资本")),
    ("fiscal_appropriation", re.compile(r"财政拨款")),
)
# A subject that names nothing but "this year's budget" (本年预算895.62万元): the section says what.
_GENERIC_SUBJECT = re.compile(
    r"^(?:\d{4}年度?)?(?:部门|单位|本部门|本单位)?(?:本年)?(?:预算|预算数|预算控制数|控制数|安排)?(?:为|是)?$"
)
# A total income or expenditure says so (部门支出预算, 本年收入合计, 财政拨款收入); 工资福利支出 does not.
_AGGREGATE = re.compile(r"预算|决算|总|合计|本年|财政拨款")
# ... and ends on its income or expenditure word (住院医疗总费用 is not a 收入 however 低收入 it says).
_AGGREGATE_END = re.compile(
    r"(?:收入|支出)(?:预算|决算)?(?:数|总计|合计|总额)?$|(?:预算|决算)(?:收入|支出)(?:总计|合计)?$"
)
# Parts of the income, not its total (其他资金收入, 事业收入, 上级补助收入, 附属单位上缴收入).
_PART_OF_TOTAL = re.compile(r"其他|事业|经营收入|上级补助|附属|上缴|下级")
# A function class is named exactly (社会保障和就业支出); 其他社会保障和就业支出 is a 项, not the class.
_CLASS_BY_NAME = {codes.normalise_name(name): code for code, name in codes.FUNCTIONAL_CLASSES.items()}
# A sentence (or the heading above it) about one 款 or 项 (…（款）…（项）年初预算为…，支出决算为…): its
# totals are that item's.
_ITEM_SENTENCE = re.compile(r"[（(][款项][)）]")
_DIRECTIONS = {**{w: "increase" for w in _INCREASE.split("|")}, **{w: "decrease" for w in _DECREASE.split("|")}}


# --------------------------------------------------------------------------------------
# The narrative as one stream of characters, each with its line
# --------------------------------------------------------------------------------------


_PRINTED_RUN = re.compile(r"\S+")


@dataclass
class _Stream:
    """The narrative's paragraphs joined: text without layout spaces, the line and column of each character."""

    chars: list[str] = field(default_factory=list)
    _text: str = ""
    lines: list[int] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # offsets where a heading or a table starts a new paragraph
    sections: list[tuple[int, str]] = field(default_factory=list)  # (offset, heading text) of each section
    headings: list[tuple[int, str]] = field(default_factory=list)  # (offset, text) of every heading line

    def add_line(self, number: int, text: str) -> None:
        markdown = _MARKDOWN.match(text)
        body_start = markdown.end() if markdown else 0
        body = text[body_start:]
        compact = "".join(body.split())
        heading = bool(_HEADING.match(compact))
        if heading:
            self.paragraph_break()
            self.headings.append((len(self.chars), compact))
        if _SECTION.match(compact):
            self.sections.append((len(self.chars), compact))
        for run in _PRINTED_RUN.finditer(text, body_start):
            self._append_run(run.group(0), number, run.start())
        if heading and _STANDALONE_HEADING.match(compact):
            self.paragraph_break()

    def _append_run(self, run: str, number: int, column: int) -> None:
        """A run of characters printed without a space (a line break is a space too).

        Spaces are layout, except between two digits (two figures side by side stay two)."""
        if self.chars and self.chars[-1].isdigit() and run[0].isdigit():
            self._append(" ", number, max(column - 1, 0))
        self.chars.extend(run)
        self.lines.extend([number] * len(run))
        self.columns.extend(range(column, column + len(run)))

    def _append(self, char: str, number: int, column: int) -> None:
        self.chars.append(char)
        self.lines.append(number)
        self.columns.append(column)

    @property
    def text(self) -> str:
        return self._text

    def close(self) -> _Stream:
        """Fix the text once every line is added (the readers search it many times)."""
        self._text = "".join(self.chars)
        return self

    def paragraph_break(self) -> None:
        if not self.breaks or self.breaks[-1] != len(self.chars):
            self.breaks.append(len(self.chars))

    def section_at(self, offset: int) -> str:
        """The last section heading (一、…) before offset: it says the fund scope of what follows."""
        return _last_before(self.sections, offset)

    def heading_at(self, offset: int) -> str:
        """The last heading of any level before offset: it names the subject of a generic sentence."""
        return _last_before(self.headings, offset)

    def printed(self, doc: SourceDocument, start: int, end: int) -> str:
        """The characters start..end as printed: each line's own text, wrapped lines joined."""
        if start >= end:
            return ""
        first, last = self.lines[start], self.lines[end - 1]
        parts = []
        for number in range(first, last + 1):
            line = doc.line(number)
            begin = self.columns[start] if number == first else 0
            stop = self.columns[end - 1] + 1 if number == last else len(line)
            parts.append(line[begin:stop].strip())
        return "".join(part for part in parts if part)


def table_lines(doc: SourceDocument, blocks) -> set[int]:
    """Lines of the financial tables and of the performance tables (project forms hold their own prose).

    A performance region runs to the next one; a part heading (第三部分 …) ends it, for the narrative
    may follow the last table.
    """
    inside = set()
    for block in blocks:
        if is_financial(block):
            # A table's cells are not sentences; a sentence inside a table's span is prose the finder's
            # span took in (a table listed in a contents page runs to the next one, over the 说明).
            inside.update(n for n, text in doc.numbered(block.start_line, block.end_line) if not _sentence_line(text))
            continue
        end = next(
            (n for n, text in doc.numbered(block.start_line + 1, block.end_line) if _PART.match(text)),
            block.end_line + 1,
        )
        inside.update(range(block.start_line, end))
    return inside


def _sentence_line(text: str) -> bool:
    """A line of prose: sentence punctuation and no table cells."""
    return "\t" not in text.strip() and bool(_SENTENCE_MARK.search(text))


def _table_row(text: str) -> bool:
    """A tab-separated line without sentence punctuation: a row of a table the finder does not return.

    PDF prose has tabs too (a wide gap: 基本支出预算数为<tab>13,994.31<tab>万元。), but it has its 。，；.
    """
    return "\t" in text.strip() and not _PROSE_PUNCTUATION.search(text)


def _last_before(marks: list[tuple[int, str]], offset: int) -> str:
    """The text of the last mark at or before offset (marks are kept in stream order)."""
    index = bisect_right(marks, offset, key=itemgetter(0))
    return marks[index - 1][1] if index else ""


def narrative_stream(doc: SourceDocument, blocks) -> _Stream:
    """Every line outside the tables, as one stream; a table or a heading ends a paragraph."""
    inside = table_lines(doc, blocks)
    stream = _Stream()
    for number, text in doc.numbered():
        if number in inside or _table_row(text):
            stream.paragraph_break()
            continue
        if text.strip() and not _PAGE_NUMBER.match(text):
            stream.add_line(number, text)
    return stream.close()


def _sentences(stream: _Stream) -> list[tuple[int, int, bool]]:
    """(start, end, starts_paragraph) of every sentence: ended by 。 or by a paragraph break."""
    cuts = sorted(set(stream.breaks) | {len(stream.text)})
    spans, start = [], 0
    for cut in cuts:
        paragraph_start = True
        position = start
        for mark in _SENTENCE_END_MARK.finditer(stream.text, start, cut):
            spans.append((position, mark.end(), paragraph_start))
            position, paragraph_start = mark.end(), False
        if position < cut:
            spans.append((position, cut, paragraph_start))
        start = cut
    return [span for span in spans if span[1] > span[0]]


# --------------------------------------------------------------------------------------
# Reading the claims of a sentence
# --------------------------------------------------------------------------------------


@dataclass
class _Claim:
    """A claim being read: the stated amount and what the following clauses say about it."""

    subject: str
    subject_text: str
    amount_printed: str
    unit: str
    line: int
    sentence_start: int
    sentence_end: int
    change_printed: str | None = None
    change_unit: str | None = None
    change_direction: str | None = None
    change_word: str | None = None
    rate_printed: str | None = None
    rate_direction: str | None = None
    rate_word: str | None = None
    share_printed: str | None = None
    share_base: _Claim | None = None
    comparison_text: str | None = None
    comparison_year: int | None = None
    prior_printed: str | None = None  # the prior-year figure when the sentence states it (上年收入总计10202.8万元)
    prior_unit: str | None = None
    in_list: bool = False  # an item of an enumeration (办公费13万、印刷费0.9万元、…)


_HEADING_BEFORE_YEAR = re.compile(r"^.*?情况(?:说明)?(?=\d{4}年)")
_QUOTES = re.compile(r"[“”\"‘’'「」]")
_WHOLE_BRACKET = re.compile(r"^[（(]([^（()）]*)[)）]$")
_LEVEL_BRACKET = re.compile(r"[（(](?:类|款|项)[)）]")
_LEADING_LINK = re.compile(r"^(?:其中|包括|此外|另外|合计|共计)")
_TRAILING_LINK = re.compile(r"(?:均为|分别为|为|是)$")


def _compact_subject(text: str) -> str:
    """The subject as printed, without list markers, quotes, brackets of 类/款/项 and linking words."""
    text = _HEADING.sub("", text)
    # A heading printed on the sentence's line (……增减变化情况2024年…): the subject starts after it.
    text = _HEADING_BEFORE_YEAR.sub("", text)
    text = _QUOTES.sub("", text)
    text = _WHOLE_BRACKET.sub(r"\1", text)
    text = _LEVEL_BRACKET.sub("", text)
    text = _LEADING_LINK.sub("", text)
    return _TRAILING_LINK.sub("", text)


def classify_subject(text: str, section: str = "", heading: str = "") -> str:
    """The subject key a printed subject names; a generic one (本年预算, 预算控制数) takes its heading's.

    ``section`` is the last 一、… heading (it gives the fund scope), ``heading`` the last of any level.
    """
    compact = _compact_subject(text)
    if compact and _GENERIC_SUBJECT.match(compact):
        for context in (heading, section):
            key = classify_subject(_heading_subject(context), section) if context else "other"
            if key != "other":
                return key
        return "other"
    for key, pattern in _SUBJECTS:
        if not pattern.search(compact):
            continue
        if key in ("income", "expenditure") and not _is_aggregate(compact):
            # 工资福利支出, 事业收入, 社会保障和就业支出: a line item or a function class, not the total.
            class_code = _CLASS_BY_NAME.get(compact) if key == "expenditure" else None
            if class_code:
                return f"{_scope(section) or 'all_funds'}.class_{class_code}"
            return "other"
        if key in _SCOPED_ITEMS:
            return f"{_scope(compact) or _scope(section) or 'all_funds'}.{key}"
        return key
    return "other"


def _is_aggregate(compact: str) -> bool:
    """A total of income or expenditure (部门收入预算, 本年支出合计), not one of its parts."""
    return bool(_AGGREGATE.search(compact) and _AGGREGATE_END.search(compact) and not _PART_OF_TOTAL.search(compact))


def _change_subject(prefix: str) -> str:
    """What a change clause names besides the comparison and the change word (资产总额 in 资产总额较上年增加)."""
    text = re.sub(r"^[^（(]*[)）]", "", prefix)  # the end of a bracket the clause mark cut: 下同）
    text = _COMPARISON.sub("", text)
    text = re.sub(r"^[（(]?(?:较|比|与)?(?:上一?年度?)?(?:预算|决算)?(?:执行)?数?", "", text)
    text = _CHANGE_WORD.sub("", text)
    text = re.sub(r"同比|相比|比较|分别|各|均|共|了|[（(）)]", "", text)
    return _compact_subject(text)


def _heading_subject(heading: str) -> str:
    """What a heading is about: 三、一般公共预算支出安排及增减变化情况 -> 一般公共预算支出."""
    return re.sub(r"(?:预算)?(?:安排|情况|及增减).*$", "", _HEADING.sub("", heading))


def _scope(text: str) -> str | None:
    for scope, pattern in _SCOPES:
        if pattern.search(text):
            return scope
    return None


def _clause_prefix(text: str, end: int, floor: int) -> str:
    """The text of the clause before position end (back to a clause mark or floor).

    The items of a list of amounts (办公费13万、印刷费0.9万元) are clauses of their own.
    """
    start = end
    while start > floor and (text[start - 1] not in _CLAUSE_MARKS + _SENTENCE_END or _joins_words(text, start - 1)):
        start -= 1
    return text[start:end]


def _joins_words(text: str, position: int) -> bool:
    """A 、 between words (收入、支出总计; 五、 of a heading) joins them; only after an amount does it end a clause."""
    return text[position] == "、" and position > 0 and text[position - 1] not in "元万0123456789"


@dataclass
class _Reader:
    """Reads one document's claims, sentence after sentence; remembers the claim a sentence continues."""

    doc: SourceDocument
    stream: _Stream
    claims: list[_Claim] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (offset, why)
    current: _Claim | None = None

    def read_sentence(self, start: int, end: int, starts_paragraph: bool) -> None:
        text = self.stream.text
        if starts_paragraph:
            self.current = None
        for bad in _UNITLESS_CHANGE.finditer(text, start, end):
            if not self._explained(bad.start(), start, end):
                self.unreadable.append((bad.start(), f"a change printed without its unit: {bad.group(0)}"))
        mentions = sorted(
            [(m.start(), "money", m) for m in _MONEY.finditer(text, start, end)]
            + [(m.start(), "percent", m) for m in _PERCENT.finditer(text, start, end)]
            + [(m.start(), "flat", m) for m in _FLAT_WORD.finditer(text, start, end) if self._compared(m.start())]
        )
        base: _Claim | None = None  # the claim a 其中 list divides
        floor = start
        for position, kind, match in mentions:
            if self._explained(position, start, end):
                continue
            if "其中" in text[floor:position] and base is None:
                base = self.current
            prefix = _clause_prefix(text, position, floor)
            if kind == "money":
                self._money(match, prefix, start, end)
            elif kind == "percent":
                self._percent(match, prefix, base)
            else:
                self._flat(match)
            floor = match.end()

    def _explained(self, offset: int, start: int, end: int) -> bool:
        """Inside an explanation (主要原因是…, 主要用于…), which runs to the next ； or the sentence end."""
        text = self.stream.text
        for found in _EXPLANATION.finditer(text, start, offset):
            if not re.search(r"[；;]", text[found.end() : offset]):
                return True
        return False

    def _compared(self, offset: int) -> bool:
        """持平/一致 said of a figure (与上年预算持平), not of a wording (与规定一致)."""
        return bool(_COMPARISON.search(self.stream.text[max(0, offset - 16) : offset]))

    def _flat(self, match: re.Match) -> None:
        claim = self.current
        if claim is None or claim.change_direction is not None:
            return
        claim.change_direction = "flat"
        claim.change_word = match.group(0)
        claim.sentence_end = max(claim.sentence_end, self._sentence_end_after(match.end()))
        self._comparison(claim, self.stream.text[max(0, match.start() - 16) : match.start()])

    def _money(self, match: re.Match, prefix: str, start: int, end: int) -> None:
        text = self.stream.text
        after = text[match.end() : match.end() + 6]
        if _THRESHOLD_AFTER.match(after):
            return
        unit = "万元" if match.group("unit").startswith("万") else "元"
        change = _CHANGE_WORD.search(prefix)
        flat = _FLAT_WORD.search(prefix)
        if change or flat and self.current is not None and self.current.change_direction == "flat":
            self._change(match, unit, prefix, change)
            return
        if _PRIOR_YEAR.match(prefix):
            self._prior(match, unit, prefix)
            return
        section = self.stream.section_at(match.start())
        subject_text = _compact_subject(prefix)
        subject = classify_subject(prefix, section, self.stream.heading_at(match.start()))
        heading = self.stream.heading_at(match.start())
        if subject.split(".")[-1] in _SCOPED_ITEMS and (
            _ITEM_SENTENCE.search(text, start, match.start()) or _ITEM_SENTENCE.search(heading)
        ):
            subject = "other"
        if not subject_text and subject == "other":
            self.unreadable.append((match.start(), f"an amount with no subject: {match.group(0)}"))
            return
        claim = _Claim(subject, subject_text, match.group("number"), unit, self.stream.lines[match.start()], start, end)
        claim.in_list = text[match.start() - len(prefix) - 1 : match.start() - len(prefix)] == "、"
        self.claims.append(claim)
        self.current = claim

    def _owner(self, offset: int, prefix: str, figure: str, what: str) -> _Claim | None:
        """The claim a change, rate or prior-year figure belongs to; None (and counted) when it is not printed.

        It is the last claim, unless that one is an item of a list (the change is then of the list's
        total) or the change names a subject of its own (资产总额较上年增加…).
        """
        claim = self.current
        own = _change_subject(prefix)
        why = None
        if claim is None:
            why = "no amount to belong to"
        elif claim.in_list:
            why = "it follows a list of amounts and does not say which it belongs to"
        elif own and own not in claim.subject_text and not claim.subject == classify_subject(own) != "other":
            why = f"it is of {own}, whose amount is not stated"
        if why:
            self.unreadable.append((offset, f"{what} {prefix}{figure}: {why}"))
            return None
        return claim

    def _prior(self, match: re.Match, unit: str, prefix: str) -> None:
        claim = self._owner(match.start(), prefix, match.group(0), "a prior-year figure")
        if claim is not None and claim.prior_printed is None:
            claim.prior_printed, claim.prior_unit = match.group("number"), unit

    def _change(self, match: re.Match, unit: str, prefix: str, change: re.Match | None) -> None:
        claim = self._owner(match.start(), prefix, match.group(0), "a change")
        if claim is None:
            return
        if claim.change_printed is not None:
            self.unreadable.append((match.start(), f"a second change {prefix}{match.group(0)} of one amount"))
            return
        claim.change_printed = match.group("number")
        claim.change_unit = unit
        if change:
            claim.change_word = change.group("word")
            claim.change_direction = _DIRECTIONS.get(change.group("word"))
            if claim.change_direction is None and parse_amount(claim.change_printed) == 0:
                claim.change_direction = "flat"
        claim.sentence_end = max(claim.sentence_end, self._sentence_end_after(match.end()))
        self._comparison(claim, prefix)

    def _percent(self, match: re.Match, prefix: str, base: _Claim | None) -> None:
        claim = self.current
        change = _CHANGE_WORD.search(prefix)
        if "占" in prefix:
            if claim is None or claim.share_printed is not None:
                self.unreadable.append(
                    (match.start(), f"a share with no amount to belong to: {prefix}{match.group(0)}")
                )
                return
            claim.share_printed = match.group("number")
            claim.share_base = base if base is not claim else self._named_base(prefix, claim)
        elif change:
            claim = self._owner(match.start(), prefix, match.group(0), "a rate")
            if claim is None:
                return
            if claim.rate_printed is not None:
                self.unreadable.append((match.start(), f"a second rate {prefix}{match.group(0)}% of one amount"))
                return
            claim.rate_printed = match.group("number")
            claim.rate_word = change.group("word")
            claim.rate_direction = _DIRECTIONS[change.group("word")]
            claim.sentence_end = max(claim.sentence_end, self._sentence_end_after(match.end()))

    def _named_base(self, prefix: str, claim: _Claim) -> _Claim | None:
        """The total a share names (占本年支出合计的99.94%): the last claim stated of that subject."""
        named = classify_subject(prefix[prefix.index("占") + 1 :].rstrip("的"))
        if named == "other":
            return None
        return next((c for c in reversed(self.claims) if c.subject == named and c is not claim), None)

    def _sentence_end_after(self, offset: int) -> int:
        text = self.stream.text
        ends = [text.find(mark, offset) for mark in _SENTENCE_END]
        ends = [e + 1 for e in ends if e >= 0]
        later_breaks = [b for b in self.stream.breaks if b >= offset]
        return min(ends + later_breaks + [len(text)])

    def _comparison(self, claim: _Claim, text: str) -> None:
        if claim.comparison_text is not None:
            return
        found = _COMPARISON.search(text)
        if found:
            claim.comparison_text = found.group(0)
            claim.comparison_year = int(found.group("digits")) if found.group("digits") else None


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------


def _wan(printed: str | None, unit: str | None) -> Decimal | None:
    return to_wan(parse_amount(printed), unit) if printed is not None and unit else None


def _percent_value(printed: str | None) -> Decimal | None:
    return parse_amount(printed) if printed is not None else None


def _row(doc: SourceDocument, stream: _Stream, claim: _Claim) -> NarrativeClaim:
    base = claim.share_base
    return NarrativeClaim(
        document_id=doc.document_id,
        subject=claim.subject,
        subject_text=claim.subject_text,
        amount=_wan(claim.amount_printed, claim.unit),
        amount_printed=claim.amount_printed,
        source_unit=claim.unit,
        change_amount=_wan(claim.change_printed, claim.change_unit),
        change_printed=claim.change_printed,
        change_unit=claim.change_unit,
        change_direction=claim.change_direction,
        change_word=claim.change_word,
        rate_percent=_percent_value(claim.rate_printed),
        rate_printed=claim.rate_printed,
        rate_direction=claim.rate_direction,
        share_percent=_percent_value(claim.share_printed),
        share_printed=claim.share_printed,
        share_base_amount=_wan(base.amount_printed, base.unit) if base else None,
        share_base_subject=base.subject if base else None,
        comparison_text=claim.comparison_text,
        comparison_year=claim.comparison_year,
        prior_amount=_wan(claim.prior_printed, claim.prior_unit),
        prior_printed=claim.prior_printed,
        sentence=stream.printed(doc, claim.sentence_start, claim.sentence_end),
        source_line=claim.line,
        source_page=doc.page_of(claim.line),
    )


def parse_narrative(doc: SourceDocument, blocks) -> tuple[list[NarrativeClaim], list[Finding]]:
    """The claims the narrative states, and a finding for each that looks like a claim but cannot be read."""
    stream = narrative_stream(doc, blocks)
    reader = _Reader(doc, stream)
    for start, end, starts_paragraph in _sentences(stream):
        reader.read_sentence(start, end, starts_paragraph)
    rows = [_row(doc, stream, claim) for claim in reader.claims]
    findings = []
    for offset, why in reader.unreadable:
        line = stream.lines[offset]
        page = doc.page_of(line)
        where = f"{doc.file_name}:{line}" + (f" (page {page})" if page else "")
        findings.append(
            Finding(
                doc.document_id,
                "claim_unreadable",
                "info",
                f"{where}: looks like a narrative claim but cannot be read ({why}); not checked",
                line,
            )
        )
    return rows, findings
