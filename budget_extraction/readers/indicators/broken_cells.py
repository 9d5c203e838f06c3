"""Broken-cell reader: PDF text with every cell broken over many lines.

Used for tables whose header mentions 指标分类; the closing columns (指标值确定依据,
指标分类) are template vocabularies re-joined from their pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...model import CoverageLine, Finding, IndicatorLine
from ...source import SourceDocument
from ...tables import TableBlock, performance_title_kind
from .headers import HEADER_TEXT, header_words, joined_header
from .layout import (
    CHAR_SLACK,
    NARROW_SLACK,
    SENTENCE,
    display_width,
    is_unfinished,
    split_single_spaces,
)
from .rows import (
    Draft,
    TableState,
    build_indicator,
    coverage,
    header_roles,
    is_header_line,
)
from .vocabulary import (
    KNOWN_TEXT_MIN_CHARS,
    L1_ALIASES,
    L1_CANONICAL,
    L1_MIN_CHARS,
    STOP_WORDS,
    is_target_like,
    match_l1,
    match_l2,
    squash,
    tidy,
)

# --------------------------------------------------------------------------- PDF text with every cell broken

# Template vocabularies of the closing columns (指标值确定依据, 指标分类): PDF text breaks
# them into pieces (预算支出 / 标准, 绩 / 效 / 基 / 本 / 型) that are re-joined here.
BASIS_WORDS = ("预算支出标准", "计划标准", "行业标准", "历史标准", "其他标准", "上年数据")
CLASS_WORDS = ("绩效基本型", "绩效创新型")
# A row is complete once its last column (指标分类) is read.
CLOSING_WORDS = BASIS_WORDS + CLASS_WORDS
_SECTION_WORDS = {
    "长期绩效指标": "long_term",
    "年度绩效指标": "annual",
    "长期目标：": None,
    "年度目标：": None,
    "长期目标:": None,
    "年度目标:": None,
}
# A section word is broken over at most this many lines (长期绩 / 效指标).
SECTION_WORD_MAX_LINES = 3
# A broken header runs over at most this many lines after its 一级指标 line.
HEADER_MAX_LINES = 40
# The printed width of the name column: a line wider than it is value text; a name line this
# much narrower (CHAR_SLACK) is the name's short last line.
NAME_COLUMN_WIDTH = 18
# The narrow value column prints lines under this share of the wide column's widest line.
NARROW_COLUMN_SHARE = 0.7
# A piece this narrow (printed width), not a value, is a piece of a level-2 cell (数量 / 指标):
# level-2 cells are the table's narrowest text column.
L2_PIECE_MAX_WIDTH = 6
# Two value columns printing the same text are told apart from a stray character by this length.
TWIN_MIN_CHARS = 2
# Pieces read ahead: a level-1 word broken in two, and the width of what comes next.
LOOKAHEAD_PIECES = 2


def closing_progress(text: str, words: tuple[str, ...], last: tuple[str, ...]) -> tuple[bool, str] | None:
    """(row complete, unfinished piece) when text is a run of closing words, else None."""
    complete = False
    ordered = sorted(words, key=len, reverse=True)
    while text:
        word = next((w for w in ordered if text.startswith(w)), None)
        if word:
            text, complete = text[len(word) :], word in last
            continue
        if any(w.startswith(text) for w in ordered):
            return False, text
        return None
    return complete, ""


@dataclass
class BrokenRow:
    """A row of a broken-cell table: fragments in print order, closing text, split cells."""

    line: int
    l1: str | None
    l1_printed: str | None
    l2: str | None
    frags: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells) before the closing
    closing: str = ""
    complete: bool = False
    cells: dict[str, list[str]] = field(default_factory=dict)  # name / prior / target / basis
    band2: list[str] = field(default_factory=list)  # value text printed once the closing has begun
    spilled: int = 0  # pieces returned to a cell after the closing
    known: frozenset[str] = frozenset()  # names the document's other tables print


def split_broken_row(row: BrokenRow, two_values: bool) -> dict[str, list[str]]:
    """Name and value cells of a row from its fragments (line structure first, widths last)."""
    flat: list[tuple[int, str, int]] = []  # (index of its line, cell, cells on the line)
    for index, (_, cells) in enumerate(row.frags):
        for cell in cells:
            flat.append((index, cell, len(cells)))
    if not flat:
        return {"name": [], "prior": [], "target": []}
    start = _known_name_end(flat, row.known) or _value_start(flat)
    name = [c for _, c, _ in flat[:start]]
    values = flat[start:]
    if two_values:
        band1 = [c for _, c, _ in values]
        twin = _twin_split(band1, row.band2) or _twin_split(band1, row.band2, partial=True)
        if twin is not None:
            return {"name": name, "prior": twin[0], "target": twin[1]}
    values = values + [(len(row.frags) + k, c, 1) for k, c in enumerate(row.band2)]
    prior, target = _split_values(values, two_values)
    return {"name": name, "prior": prior, "target": target}


def _twin_split(band1: list[str], band2: list[str], partial: bool = False):
    """(prior, target) when the two value columns print the same text (近两年 = 当年).

    PDF text prints a tall row in bands: the wide column's lines, then the narrow
    column's, per band. The split is where the prior pieces of each band, joined,
    equal the target pieces; partial accepts a target that is still a proper prefix
    of the prior (the rest of the narrow column is still to come)."""
    heads1, tails1 = _joined_heads_and_tails(band1)
    heads2, tails2 = _joined_heads_and_tails(band2)
    total = len(heads1[-1]) + len(heads2[-1])  # prior and target together, at every cut
    for i in range(1, len(band1)):
        for j in range(len(band2) + 1):
            second_length = len(tails1[i]) + len(tails2[j])
            if second_length < TWIN_MIN_CHARS:
                break  # the target only shortens as j grows
            if second_length * 2 > total:
                continue  # a target longer than the prior cannot start it
            if not partial and second_length * 2 != total:
                continue  # equal columns are equally long
            first, second = heads1[i] + heads2[j], tails1[i] + tails2[j]
            if not first.startswith(second):
                continue
            if first == second or (partial and not is_target_like(second)):
                return band1[:i] + band2[:j], band1[i:] + band2[j:]
    return None


def _joined_heads_and_tails(pieces: list[str]) -> tuple[list[str], list[str]]:
    """For every cut k of the pieces, the squashed text of pieces[:k] and of pieces[k:]."""
    squashed = [squash(piece) for piece in pieces]
    heads = ["".join(squashed[:k]) for k in range(len(squashed) + 1)]
    tails = ["".join(squashed[k:]) for k in range(len(squashed) + 1)]
    return heads, tails


def _continues_twin(row: BrokenRow, cell: str) -> bool:
    """A piece printed after a closed row whose narrow twin column is still shorter than the
    wide one: it continues one of them as long as the two columns can still be equal."""
    band = _value_band(row)
    if _twin_split(band, row.band2) is not None:  # twin_complete(row), with the band read once
        return False
    return _twin_split(band, row.band2 + [cell], partial=True) is not None


def _value_band(row: BrokenRow) -> list[str]:
    """The value pieces printed before the row's closing (its first band)."""
    flat = [(index, c, len(parts)) for index, (_, parts) in enumerate(row.frags) for c in parts]
    return [c for _, c, _ in flat[_known_name_end(flat, row.known) or _value_start(flat) :]]


def _known_name_end(flat: list[tuple[int, str, int]], known: frozenset[str]) -> int:
    """Pieces that spell a name printed whole elsewhere in the document (the longest), or 0."""
    text, end = "", 0
    for k, (_, cell, _) in enumerate(flat[:-1]):
        text += squash(cell)
        if text in known:
            end = k + 1
    return end


def twin_complete(row: BrokenRow) -> bool:
    """Both value columns printed in full and equal: nothing after the closing is theirs."""
    return _twin_split(_value_band(row), row.band2) is not None


def _value_start(flat: list[tuple[int, str, int]]) -> int:
    """Index of the first value piece: the line structure (name and values on one line,
    a quantitative value, an enumeration or bracket opening a sentence) or, earlier, the
    name's width (a wrapped name ends at its short line)."""
    structural = _line_value_start(flat)
    if _twin_split([c for _, c, _ in flat[structural:]], []) is not None:
        return structural  # 不涉及 不涉及: both columns start and end there, the rest is name
    return min(structural, _width_value_start(flat[:structural]))


def _line_value_start(flat: list[tuple[int, str, int]]) -> int:
    for k, (index, cell, count) in enumerate(flat):
        opens_line = k == 0 or flat[k - 1][0] != index
        if count >= 2 and opens_line:
            line_cells = [c for i, c, _ in flat if i == index]
            if k == 0:
                return 1
            if is_target_like(line_cells[0]) or len(set(map(squash, line_cells))) == 1:
                return k
            if all(is_target_like(c) for c in line_cells[1:]):
                return k + 1
        if k > 0 and opens_line and (is_target_like(cell) or re.match(r"^[(（①⑴1１]", squash(cell))):
            return k
    return len(flat)


def _width_value_start(flat: list[tuple[int, str, int]]) -> int:
    """A name wraps at its column's width: it ends at a short line, or before a wider one."""
    widths = [display_width(c) for _, c, _ in flat]
    for k in range(1, len(flat)):
        if flat[k][0] == flat[k - 1][0]:
            continue
        if (
            widths[k] > NAME_COLUMN_WIDTH
            or widths[k] > widths[k - 1] + NARROW_SLACK
            or widths[k - 1] < max(widths[:k]) - CHAR_SLACK
            or widths[k - 1] < NAME_COLUMN_WIDTH - CHAR_SLACK
        ):
            return k
    return len(flat)


def _split_values(values: list[tuple[int, str, int]], two_values: bool) -> tuple[list[str], list[str]]:
    cells = [c for _, c, _ in values]
    if not two_values or len(cells) < 2:
        return [], cells
    if _value_alone_after_text(values):
        return cells[:-1], cells[-1:]
    first_line = [c for i, c, _ in values if i == values[0][0]]
    if len(first_line) >= 2:
        rest = cells[len(first_line) :]
        prior, target = [first_line[0]], [" ".join(first_line[1:])]
        if rest:
            more_prior, more_target = _split_by_width(rest)
            prior, target = prior + more_prior, target + more_target
        return prior, target
    return _split_by_width(cells)


def _value_alone_after_text(values: list[tuple[int, str, int]]) -> bool:
    """Wrapped prior-year text, then a value alone on the last line (…计划相匹配 / 100%): the
    value is the current target, unless the text before it leads into it (达到 / 60%)."""
    (*before, last) = values
    if last[2] != 1 or before[-1][0] == last[0] or not is_target_like(last[1]):
        return False
    if any(is_target_like(c) for _, c, _ in before):
        return False
    return not re.search(r"(达到|达|为|于|超过|[≥≤<>=＞＜])$", squash(before[-1][1]))


def _split_by_width(cells: list[str]) -> tuple[list[str], list[str]]:
    """A wide column printed before a narrow one: the narrow one is the longest even suffix."""
    widths = [display_width(c) for c in cells]
    widest = max(widths)
    for start in range(1, len(cells)):
        tail = widths[start:]
        body = tail[:-1] or tail
        if max(tail) < NARROW_COLUMN_SHARE * widest and min(body) >= max(tail) - CHAR_SLACK:
            return cells[:start], cells[start:]
    return cells, []


def _overflow_target(
    row: BrokenRow, cell: str, following: str | None = None, known: frozenset[str] = frozenset()
) -> str | None:
    """The cell of a finished row a fragment printed after its closing belongs to, or None.

    A short first piece followed by a wider one is the next row's name before its value text,
    not the end of a cell (that ends a sentence, or follows the cell's first wrapped line)."""
    width = display_width(cell)
    word = squash(cell)
    if len(word) >= KNOWN_TEXT_MIN_CHARS and any(name.startswith(word) for name in known):
        return None  # the opening of a name the department's other table prints whole
    if (
        not row.spilled
        and following
        and display_width(following) > width + NARROW_SLACK
        and not re.search(r"[。；]$", squash(cell))
    ):
        return None
    open_cells = [
        (max(display_width(f) for f in row.cells[key]), key)
        for key in ("target", "prior")
        if row.cells.get(key) and is_unfinished(row.cells[key])
    ]
    fitting = sorted((w, key) for w, key in open_cells if width <= w + NARROW_SLACK)
    if fitting:
        return fitting[0][1]
    if SENTENCE.search(cell):
        texts = [key for key in ("prior", "target") if row.cells.get(key) and not is_target_like(row.cells[key][0])]
        if texts:
            return texts[0]
    return None


def _section_runs(doc: SourceDocument, start: int, end: int) -> dict[int, tuple[int, str]]:
    """Lines that with the next ones spell a section word (长期绩 / 效指标): first line -> (last line, word)."""
    lines = [(n, squash(t)) for n, t in doc.numbered(start, end) if squash(t)]
    runs: dict[int, tuple[int, str]] = {}
    for index in range(len(lines)):
        text = ""
        for width in range(SECTION_WORD_MAX_LINES):
            if index + width >= len(lines):
                break
            text += lines[index + width][1]
            if text in _SECTION_WORDS:
                runs[lines[index][0]] = (lines[index + width][0], text)
                break
    return runs


def is_broken_layout(doc: SourceDocument, region: TableBlock) -> bool:
    """PDF text whose header announces the closing 指标分类 column (cells broken over lines)."""
    for number, text in doc.numbered(region.start_line, region.end_line):
        if is_header_line(text) and "\t" not in text:
            return "指标分类" in joined_header(doc, number)
    return False


class BrokenCellReader:
    """Reads one broken-cell table piece by piece (a piece: one space-separated cell of a line).

    Whole lines first: a section word, the column header, a line outside the table, the
    table's end. Then each piece is, in this order: a level-1 cell, a piece of the open row
    (its fragments, then its closing words), the narrow twin column of a closed row, a
    placeholder row (……), text overflowing a closed row's cell, a level-2 piece, or the
    first piece of a new row.
    """

    def __init__(self, state: TableState, start: int, end: int):
        self.state = state
        self.end = end
        self.sections = _section_runs(state.doc, start, end)
        self.pieces = [
            (number, cell)
            for number, text in state.doc.numbered(start, end)
            for cell in split_single_spaces(" ".join(text.split()))
        ]
        self.indicators: list[IndicatorLine] = []
        self.cover: list[CoverageLine] = []
        self.findings: list[Finding] = []
        self.row: BrokenRow | None = None  # the row being read
        self.l2_parts: list[str] = []  # pieces of a level-2 cell not yet closed
        self.two_values = False  # the header prints 近两年 (or 前年) beside the current value
        self.section_until = 0  # last line of the section word being passed
        self.header_until = 0  # last line of the column header
        self.placeholder = False  # inside a …… row: a template row without an indicator
        self.placeholder_closing = ""  # the closing words of that row read so far
        self.joined_piece = -1  # a piece already read as the end of a level-1 word

    def read(self) -> tuple[list[IndicatorLine], list[CoverageLine], list[Finding]]:
        for position, (number, cell) in enumerate(self.pieces):
            first = position == 0 or self.pieces[position - 1][0] != number
            if position == self.joined_piece or self._line_event(number, first):
                continue
            self._piece(position, number, cell)
        self._finish_row()
        return self.indicators, self.cover, self.findings

    # ------------------------------------------------------------------ whole lines

    def _line_event(self, number: int, first: bool) -> bool:
        """Lines that are no row content (True: the piece is done); a row line's coverage."""
        state = self.state
        text = state.doc.line(number)
        if number <= self.section_until:
            if first:
                self.cover.append(coverage(state, number, "header", "section word"))
            return True
        if first and number in self.sections:
            self._section_word(number)
            return True
        if first and is_header_line(text):
            self._header(number)
            return True
        if number <= self.header_until or not state.in_table:
            if first:
                self.cover.append(
                    coverage(
                        state,
                        number,
                        "header" if state.in_table else "note",
                        "column header continued" if state.in_table else "outside an indicator table",
                    )
                )
            return True
        if first and (squash(text).startswith(STOP_WORDS) or performance_title_kind(text)):
            self._finish_row()
            state.in_table = False
            self.cover.append(coverage(state, number, "note", "end of indicator table"))
            return True
        if first:
            self.cover.append(coverage(state, number, "fact", "row fragment"))
        return False

    def _section_word(self, number: int) -> None:
        """长期绩效指标 / 年度绩效指标 set the horizon; 长期目标： / 年度目标： end the table."""
        self.section_until, word = self.sections[number]
        horizon = _SECTION_WORDS[word]
        if horizon:
            self.state.horizon = horizon
        else:
            self._finish_row()
            self.state.in_table = False
        self.cover.append(coverage(self.state, number, "header", "section word"))

    def _header(self, number: int) -> None:
        state = self.state
        self._finish_row()
        state.roles = header_roles(header_words(state.doc, number))
        joined = joined_header(state.doc, number)
        self.two_values = "前年" in joined or "近两年" in joined
        state.in_table, state.l1, state.l2 = True, None, None
        self.l2_parts = []
        self.header_until = _header_end(state.doc, number, self.end)
        self.cover.append(coverage(state, number, "header", "column header"))

    # ------------------------------------------------------------------ pieces

    def _piece(self, position: int, number: int, cell: str) -> None:
        word = squash(cell)
        following = [squash(c) for _, c in self.pieces[position + 1 : position + 1 + LOOKAHEAD_PIECES]]
        if (
            self._level1(position, word, following)
            or self._into_open_row(number, cell, word)
            or self._into_twin(cell)
            or self._placeholder(word)
        ):
            return
        short = display_width(word) <= L2_PIECE_MAX_WIDTH and not is_target_like(word)
        two_short = short and bool(following) and display_width(following[0]) <= L2_PIECE_MAX_WIDTH
        if not two_short and self._overflow(cell, word, following):
            return
        if short or (self.l2_parts and re.fullmatch(r"\d+", word)):
            self._finish_row()
            self.l2_parts.append(word)
            self.placeholder = False
            return
        self._open_row(number, cell)

    def _level1(self, position: int, word: str, following: list[str]) -> bool:
        """A level-1 cell (maybe broken in two pieces: 可持续发展能 / 力) ends the row before it."""
        found = _l1_at(word, following, not self.l2_parts)
        if not found:
            return False
        self._finish_row()
        state = self.state
        state.l1, state.l2, state.l1_printed = found[0], None, found[1]
        self.placeholder = False
        if found[2]:
            self.joined_piece = position + 1
        return True

    def _into_open_row(self, number: int, cell: str, word: str) -> bool:
        """A piece of the row still open: a closing word, a later band's value text, or a fragment."""
        row = self.row
        if row is None or not row.frags or row.complete:
            return False
        progress = closing_progress(row.closing + word, CLOSING_WORDS, CLASS_WORDS)
        if progress is not None:
            row.closing += word
            if progress[0]:
                row.complete = True
                row.cells = split_broken_row(row, self.two_values)
                row.cells["basis"] = [_basis_of(row.closing)]
        elif row.closing:
            row.band2.append(cell)  # a tall row's next band, printed inside its closing cells
        else:
            _add_fragment(row, number, cell)
        return True

    def _into_twin(self, cell: str) -> bool:
        """The narrow twin value column of a closed row, still shorter than the wide one."""
        row = self.row
        if row is None or not row.complete or not self.two_values or not _continues_twin(row, cell):
            return False
        row.band2.append(cell)
        basis = row.cells.get("basis")
        row.cells = {**split_broken_row(row, self.two_values), "basis": basis}
        return True

    def _placeholder(self, word: str) -> bool:
        """A …… row of the template and its closing cells: no indicator."""
        if re.fullmatch(r"[.…]+", word):
            self._finish_row()
            if self.l2_parts:
                self._close_l2()
            self.placeholder, self.placeholder_closing = True, ""
            return True
        if (
            self.placeholder
            and closing_progress(self.placeholder_closing + word, CLOSING_WORDS, CLASS_WORDS) is not None
        ):
            self.placeholder_closing += word
            return True
        return False

    def _overflow(self, cell: str, word: str, following: list[str]) -> bool:
        """Wrapped text printed after a closed row's closing goes back to the cell it continues."""
        row = self.row
        if row is None or not row.complete or self.l2_parts or (self.two_values and twin_complete(row)):
            return False
        key = _overflow_target(row, cell, following[0] if following else None, self.state.known_names)
        if key:
            row.cells[key].append(cell)
            row.spilled += 1
            return True
        return closing_progress(word, CLOSING_WORDS, CLASS_WORDS) is not None  # a closing broken around it

    def _open_row(self, number: int, cell: str) -> None:
        state = self.state
        self._finish_row()
        if self.l2_parts:
            self._close_l2()
        elif self.placeholder:
            state.l2 = None
        self.placeholder = False
        self.row = BrokenRow(number, state.l1, state.l1_printed, state.l2, known=state.known_names)
        _add_fragment(self.row, number, cell)

    def _close_l2(self) -> None:
        self.state.l2, self.l2_parts = _l2_of(self.l2_parts), []

    def _finish_row(self) -> None:
        row, self.row = self.row, None
        if row is None:
            return
        if not row.cells:
            row.cells = split_broken_row(row, self.two_values)
        built = build_broken_row(self.state, row)
        if built is None:
            self.cover.append(coverage(self.state, row.line, "note", "placeholder row (……) without an indicator"))
        else:
            self.indicators.append(built)
            self.cover.append(coverage(self.state, row.line, "fact", built.indicator_name))


def parse_broken_region(state: TableState, start: int, end: int):
    """Rows of a table printed as PDF text with every cell broken over lines.

    A row is the fragments from its first name (or l1/l2) piece to the closing
    columns, recognised by their template words; wrapped text printed after the
    closing (PDF lines are ordered by height) goes back to the cell it continues.
    """
    return BrokenCellReader(state, start, end).read()


def _l1_at(word: str, following: list[str], may_open: bool) -> tuple[str, str, bool] | None:
    """(canonical l1, printed l1, joins the next piece) when a piece is a level-1 cell (可持续发展能 / 力)."""
    if not may_open:
        return None
    if following and len(word) >= L1_MIN_CHARS:
        joined = word + following[0]
        if joined in L1_ALIASES or joined in L1_CANONICAL:
            return match_l1(joined), joined, True
    found = match_l1(word, next_is_l2=True) if len(word) >= L1_MIN_CHARS else None
    return (found, word, False) if found else None


def _l2_of(parts: list[str]) -> str | None:
    joined = "".join(parts)
    return match_l2(joined) or joined


def _add_fragment(row: BrokenRow, number: int, cell: str) -> None:
    if row.frags and row.frags[-1][0] == number:
        row.frags[-1][1].append(cell)
    else:
        row.frags.append((number, [cell]))


def _basis_of(closing: str) -> str:
    for word in sorted(BASIS_WORDS, key=len, reverse=True):
        if closing.startswith(word):
            return word
    return closing


def _header_end(doc: SourceDocument, number: int, end: int) -> int:
    """Last line of a header broken over lines (指标值确 / 定依据, 前 年 上 年)."""
    last = number
    vocabulary = HEADER_TEXT + "|近两年指标值|预期当年实现值|前年上年|指标值指标"
    for line, text in doc.numbered(number + 1, min(end, number + HEADER_MAX_LINES)):
        flat = squash(text)
        if not flat:
            continue
        if flat in vocabulary or all(t in vocabulary for t in text.split()):
            last = line
            continue
        break
    return last


def build_broken_row(state: TableState, row: BrokenRow) -> IndicatorLine | None:
    name = "".join(squash(c) for c in row.cells.get("name", []))
    name = re.sub(r"^[.…]+", "", name)
    if not name or re.fullmatch(r"[.…]+", name):
        return None
    roles = ["prior_1", "target", "basis"]
    cells = [
        name,
        " ".join(row.cells.get("prior", [])),
        " ".join(row.cells.get("target", [])),
        " ".join(row.cells.get("basis", [])),
    ]
    built = build_indicator(state, Draft(row.line, row.l1, row.l2, cells, roles, [row.line]))
    if built is None:
        return None
    prior = tidy(" ".join(row.cells.get("prior", [])))
    return replace(
        built,
        prior_targets=f"近两年={prior}" if prior else None,
        indicator_l1_printed=row.l1_printed if row.l1_printed != built.indicator_l1 else None,
    )
