"""Stream reader: space-separated text and PDF text, rebuilt from fragments.

A row is rebuilt from its fragments, ended by its value or by the basis column that
closes it; stream_rows tells the cells of a gathered row apart.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ...model import CoverageLine, Finding, IndicatorLine
from ...source import SourceDocument
from ...tables import performance_title_kind
from ..targets import parse_target
from .headers import header_words, is_header_fragment, joined_header
from .layout import (
    CHAR_SLACK,
    NARROW_SLACK,
    SENTENCE,
    display_width,
    is_unfinished,
    split_single_spaces,
)
from .rows import (
    TableState,
    coverage,
    goal_from_line,
    header_roles,
    horizon_marker,
    is_header_line,
    read_project_identity,
    refine_roles,
    unreadable,
)
from .stream_rows import (
    WHOLE_LINE_MIN_CELLS,
    Fragment,
    build_stream_row,
    is_char_line,
    one_cell,
    stream_cells,
    two_cells,
)
from .vocabulary import (
    GOAL,
    L1_MIN_CHARS,
    L2_ALIASES,
    L2_CANONICAL,
    LEVEL_WORDS,
    PLAIN_NUMBER,
    STOP_WORDS,
    goal_label,
    horizon_of,
    is_target_like,
    is_vocab_tail,
    match_l1,
    match_l2,
    squash,
    tidy,
)

# An enumerated paragraph (2、“企业离休干部…” 主要内容是) after a table: the text, not a row.
NARRATIVE_LINE = re.compile(r"^(\d+|[一二三四五六七八九十]+)、\S{6,}|^第[一二三四五六七八九十]+部分")

# A level-2 word read again after its level, this long at least, opens the name (服务对象满 …).
NAME_OPENING_MIN_CHARS = 4
# A piece of a wrapped name's middle: two characters at most (准 / 质量指标 / 位).
NAME_PIECE_MAX_CHARS = 2
# The tail of a level-2 cell printed after its first row (…满 / 意度): three characters at most.
L2_TAIL_MAX_CHARS = 3
# A free level-2 word opens a whole row: level 2, name, value, basis.
FREE_L2_ROW_CELLS = 4
# A line ending in 表 this short is the next table's title, not a row.
TITLE_LINE_MAX_CHARS = 20

# A closing word (basis, class) repeats row after row: a short line seen this many times at least;
# a basis label is LABEL_MIN_CHARS to BASIS_LABEL_MAX_CHARS long, a repeated closing word at most
# TRAILER_MAX_CHARS. A free level-2 word is FREE_L2_MAX_CHARS at most; alone on its line, repeated,
# FREE_L2_ALONE_MIN_CHARS at least (a name is printed twice at most: long-term and annual).
REPEATED_MIN_TIMES = 3
LABEL_MIN_CHARS = 2
BASIS_LABEL_MAX_CHARS = 12
TRAILER_MAX_CHARS = 8
FREE_L2_MAX_CHARS = 8
FREE_L2_ALONE_MIN_CHARS = 3
# A number inside a sentence running on: the two lines before it are full (of the last three).
FULL_LINES_SEEN = 3
# A header's 前年 is looked for this many lines down (前 / 年 broken over lines).
PRIOR_HEADER_LINES = 14

# --------------------------------------------------------------------------- stream layouts


# Cells of a stream line: apart by a tab or two spaces or more.
_CELL_GAP = re.compile(r"\s{2,}|\t")
# A goal label broken over lines (长期绩效 / 目标 1), joined back.
_GOAL_LABEL = re.compile(r"(长期|年度)绩效目标\d*")
_LONG_TERM_GOAL = re.compile(r"长期目标\d*[:：]?")
_ANNUAL_GOAL = re.compile(r"年度目标\d*[:：]?")


def stream_fragments(doc: SourceDocument, start: int, end: int) -> list[Fragment]:
    """Non-empty tokens of a text region, each with its line, vocabulary words re-joined.

    A level-1/2 word broken over lines (满意度指 / 标, 经济成本指 / 标) is
    joined back so that it is recognised; so is a goal label (长期绩效 / 目标 1).
    """
    raw: list[Fragment] = []
    for number, text in doc.numbered(start, end):
        tokens = [t for piece in _CELL_GAP.split(text.strip()) if piece.strip() for t in split_single_spaces(piece)]
        for position, token in enumerate(tokens):
            raw.append(Fragment(number, token.strip(), position == 0, len(tokens)))
    return _join_vocab(raw)


def _join_vocab(raw: list[Fragment]) -> list[Fragment]:
    joined: list[Fragment] = []
    words = [squash(f.text) for f in raw]
    index = 0
    while index < len(raw):
        best = None
        for width in (3, 2):
            if index + width > len(raw):
                continue
            text = "".join(words[index : index + width])
            if text in LEVEL_WORDS or _GOAL_LABEL.fullmatch(text):
                best = (width, text)
                break
        if best:
            width, text = best
            first = raw[index]
            joined.append(Fragment(first.line, text, first.first_on_line, first.line_tokens))
            index += width
        else:
            joined.append(raw[index])
            index += 1
    return joined


def trailer_words(fragments: list[Fragment]) -> set[str]:
    """Values of the closing columns (指标值确定依据, 指标分类) of this region.

    They repeat row after row (计划标准, 2021年底前完成, 绩效基本型): a short
    single-cell line seen three times or more, or the last cell of a line whose
    cell before it is a target.
    """
    counts = Counter(squash(f.text) for f in fragments if f.line_tokens == 1)
    openers = {squash(f.text) for f in fragments if f.first_on_line and f.line_tokens > 1}
    words = {
        w
        for w, n in counts.items()
        if n >= REPEATED_MIN_TIMES
        and LABEL_MIN_CHARS <= len(w) <= TRAILER_MAX_CHARS
        and not is_target_like(w)
        and w not in openers
        and not match_l1(w)
        and not match_l2(w)
        and not GOAL.match(w)
    }
    by_line: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        by_line.setdefault(fragment.line, []).append(fragment)
    closers = set()
    for parts in by_line.values():
        last = squash(parts[-1].text)
        if len(parts) >= 2 and is_target_like(parts[-2].text) and not is_target_like(last) and _is_label(last):
            closers.add(last)
    ends = {squash(parts[-1].text) for parts in by_line.values() if len(parts) >= 2}
    return closers | {w for w in words if w in ends}


def _is_label(word: str) -> bool:
    """A basis label (计划标准, 据实结算), not the rest of a sentence wrapped after a number (余份，形成上)."""
    return LABEL_MIN_CHARS <= len(word) <= BASIS_LABEL_MAX_CHARS and not SENTENCE.search(word) and "、" not in word


def free_l2_words(fragments: list[Fragment], trailers: set[str]) -> set[str]:
    """Level-2 names outside the vocabulary (党建工作, 监管工作) a document uses.

    They open complete one-line rows (l2, name, value, basis); once learned
    there, the same word alone on a line is an l2, not part of a name.
    """
    by_line: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        by_line.setdefault(fragment.line, []).append(fragment)
    learned = {
        squash(parts[0].text)
        for parts in by_line.values()
        if len(parts) >= FREE_L2_ROW_CELLS
        and not is_target_like(parts[0].text)
        and squash(parts[-1].text) in trailers
        and is_target_like(parts[-2].text)
        and _free_word(parts[0].text)
    }
    if not learned:
        return learned
    # A table that uses free level-2 words: another short word alone on a line again and again is one too
    # (宣传工作 only ever heads rows whose value is text); a name is printed twice at most (long-term, annual).
    alone = Counter(squash(parts[0].text) for parts in by_line.values() if len(parts) == 1)
    return learned | {
        w
        for w, n in alone.items()
        if n >= REPEATED_MIN_TIMES
        and _free_word(w)
        and w not in trailers
        and not is_target_like(w)
        and not GOAL.match(w)
        and len(w) >= FREE_L2_ALONE_MIN_CHARS
    }


def _free_word(text: str) -> bool:
    return not match_l1(text) and not match_l2(text) and len(squash(text)) <= FREE_L2_MAX_CHARS


class StreamReader:
    """Reads one text-layout table line by line, gathering each row's fragments until it closes.

    Whole lines first: project identity, the column header (and its broken continuation), a
    horizon marker, a line outside the table, the table's end. Then each fragment of a row
    line is, in this order: a goal label, a level-1 cell, a level-2 cell, a free level-2 word
    the document uses, a closing (basis) word, a piece to pass over, or a piece of the row.
    A row closes at its value or its closing word; on closing, fragments that only continue
    the row before (its name, value or basis run on) are given back to it.
    """

    def __init__(self, state: TableState, start: int, end: int):
        self.state = state
        self.fragments = stream_fragments(state.doc, start, end)
        self.trailers = trailer_words(self.fragments)
        self.free_l2 = free_l2_words(self.fragments, self.trailers)
        self.position_of = {id(f): i for i, f in enumerate(self.fragments)}
        self.indicators: list[IndicatorLine] = []
        self.cover: list[CoverageLine] = []
        self.findings: list[Finding] = []
        self.accounted: set[int] = set()  # lines whose coverage a row already gave
        self.row: list[Fragment] = []  # the fragments of the row being read
        self.closed = False  # the row has its value or closing word: the next piece opens a row
        self.previous: list[Fragment] = []  # the fragments of the last row read
        self.header_open = False  # the column header may still continue on this line
        self.opened_whole_line = False  # the row opened on a line printing every column
        self.fresh = False  # a level 1 or 2 was just set and no row read since
        self.l2_cut = False  # the last level 2 printed cut (数量指), its 标 still to come
        self.l2_partial = False  # the last level 2 printed as the start of a longer word (社会公众或)

    def read(self) -> tuple[list[IndicatorLine], list[CoverageLine], list[Finding]]:
        for number, parts in _group_lines(self.fragments):
            if self._line_event(number, parts):
                continue
            for part in parts:
                self._piece(part, parts)
            self.opened_whole_line = False
            if number not in self.accounted:
                self.cover.append(
                    coverage(
                        self.state, number, "fact" if self.row else "note", "row fragment" if self.row else "label"
                    )
                )
        self._finish_row()
        return self.indicators, self.cover, self.findings

    # ------------------------------------------------------------------ whole lines

    def _line_event(self, number: int, parts: list[Fragment]) -> bool:
        """Lines that are no row content (True: the line is done)."""
        state = self.state
        text = state.doc.line(number)
        flat = squash(text)
        cells = [p.text for p in parts]
        if read_project_identity(state, number, cells if len(cells) > 1 else [text]):
            self._finish_row()
            state.in_table, state.goal = False, None
            self.cover.append(coverage(state, number, "header", "project identity"))
            return True
        if is_header_line(text):
            self._header(number, flat)
            return True
        if self.header_open and continues_header(text):
            self.cover.append(coverage(state, number, "header", "column header continued"))
            return True
        self.header_open = False
        horizon = horizon_marker(flat) or _stream_horizon(flat)
        if horizon:
            self._horizon(number, flat, horizon)
            return True
        if not state.in_table:
            self.cover.append(coverage(state, number, "note", "outside an indicator table"))
            return True
        if self._header_piece(text, flat, parts):
            self.cover.append(coverage(state, number, "header", "column header continued"))
            return True
        if _ends_table(text, flat):
            self._finish_row()
            state.in_table = False
            self.cover.append(coverage(state, number, "note", "end of indicator table"))
            return True
        return False

    def _header(self, number: int, flat: str) -> None:
        state = self.state
        self._finish_row()
        state.roles = header_roles(header_words(state.doc, number))
        if _has_priors(state.doc, number):
            state.roles = refine_roles(state.roles, ["前年", "上年"])
        state.horizon = "annual" if state.self_eval else (horizon_of(flat) or state.horizon)
        state.l1 = state.l2 = state.l1_printed = None
        state.in_table = True
        self.header_open = True
        self.cover.append(coverage(state, number, "header", "column header"))

    def _horizon(self, number: int, flat: str, horizon: str) -> None:
        state = self.state
        self._finish_row()
        # 长期目标1： then 长期绩效指标 (the same horizon) keeps the goal; a new horizon drops it
        state.horizon, state.goal = horizon, state.goal if horizon == state.horizon else None
        state.in_table = False
        goal_from_line(state, [flat])
        self.cover.append(coverage(state, number, "header", "horizon marker"))

    def _header_piece(self, text: str, flat: str, parts: list[Fragment]) -> bool:
        """A broken header word (类 / 标 …) left inside the table, unless it is a goal label
        broken over lines (长期绩效 / 目标 1, joined into one piece) or one character of an open
        row's text (类 inside 各 / 类 / 宣)."""
        if not is_header_fragment(text) or any(goal_label(squash(p.text), self.state.horizon) for p in parts):
            return False
        return not (self.row and not self.closed and len(flat) == 1 and flat not in ("标", "指"))

    # ------------------------------------------------------------------ fragments

    def _piece(self, part: Fragment, parts: list[Fragment]) -> None:
        state = self.state
        word = squash(part.text)
        # a level-1 piece printed after its row's level 2 (cells centred in their height)
        after_l2 = self.fresh and state.l2 is not None and state.l1 is None
        l1 = match_l1(word, next_is_l2=after_l2) if len(word) >= L1_MIN_CHARS else None
        if self._goal_piece(part, word) or self._level1_piece(part, word, l1, after_l2):
            return
        if self._level2_piece(part, word, match_l2(word) if not l1 else None):
            return
        if self._free_level2_piece(part, parts, word) or self._closing_piece(part, word):
            return
        if self.closed:
            self._finish_row()
        if self._passed_over(part, parts, word):
            return
        self._row_piece(part, parts)

    def _goal_piece(self, part: Fragment, word: str) -> bool:
        goal = goal_label(word, self.state.horizon)
        if not goal or not part.first_on_line:
            return False
        self._finish_row()
        self.state.goal = goal
        if not self.fresh:  # a goal centred in its merged cell can print after its first l1/l2
            self.state.l1 = self.state.l2 = None
        return True

    def _level1_piece(self, part: Fragment, word: str, l1: str | None, after_l2: bool) -> bool:
        if not l1 or not (part.first_on_line or not self.row):
            return False
        state = self.state
        self._finish_row()
        # a level 2 cut before this level 1 (数量指 / 产出指标 / 标) is this row's level 2
        keep = after_l2 or (self.fresh and self.l2_cut and state.l2 is not None)
        state.l1, state.l2 = l1, state.l2 if keep else None
        state.l1_printed = word
        self.fresh = True
        return True

    def _level2_piece(self, part: Fragment, word: str, l2: str | None) -> bool:
        state = self.state
        if l2 and self._opens_name(word, l2):
            l2 = None  # 服务对象满 under 服务对象满意度指标 opens the name, not the level again
        if not l2:
            return False
        if self._beside_name(part):
            state.l2 = l2  # printed beside the middle of the name it belongs to (准 / 质量指标 / 位)
            return True
        if not (part.first_on_line or not self.row):
            return False
        self._finish_row()
        if not (self.fresh and state.l2 and is_vocab_tail(word)):
            continued = self.fresh and self.l2_partial and state.l2 and l2 in state.l2  # 社会公众或 / 服务对象满
            state.l2 = state.l2 if continued else l2
            self.l2_cut = word.endswith("指")
            self.l2_partial = not continued and word not in L2_CANONICAL and word not in L2_ALIASES
        self.fresh = True
        return True

    def _opens_name(self, word: str, l2: str) -> bool:
        """A level-2 word read again right after its level 2, as the start of a longer name."""
        l2_now = self.state.l2
        return bool(
            self.fresh
            and l2_now
            and (l2 == l2_now or l2 in l2_now and not self.l2_partial)
            and word != l2
            and not is_vocab_tail(word)
            and len(word) >= NAME_OPENING_MIN_CHARS
        )

    def _beside_name(self, part: Fragment) -> bool:
        """A level 2 opening a line inside an open row without a value yet, a short piece of the
        name after it: the level's cell is centred beside the name's middle lines."""
        if not (self.row and not self.closed and part.first_on_line):
            return False
        if any(is_target_like(f.text) for f in self.row):
            return False
        index = self.position_of[id(part)] + 1
        following = self.fragments[index] if index < len(self.fragments) else None
        return (
            following is not None
            and len(squash(following.text)) <= NAME_PIECE_MAX_CHARS
            and not is_target_like(following.text)
        )

    def _free_level2_piece(self, part: Fragment, parts: list[Fragment], word: str) -> bool:
        """A level-2 word outside the vocabulary the document uses, alone or opening a whole row."""
        after_l1 = not part.first_on_line and parts.index(part) == 1 and match_l1(squash(parts[0].text))
        if word not in self.free_l2 or not (part.first_on_line or after_l1):
            return False
        if not (len(parts) == 1 or len(parts) >= FREE_L2_ROW_CELLS):
            return False
        self._finish_row()
        self.state.l2 = word
        return True

    def _closing_piece(self, part: Fragment, word: str) -> bool:
        """A closing-column word (计划标准 …) ends the open row."""
        if word not in self.trailers:
            return False
        if self.row:
            self.row.append(part)
            self.closed = True
        return True

    def _passed_over(self, part: Fragment, parts: list[Fragment], word: str) -> bool:
        """Pieces that belong to no row: a learned level 2, a …… template row, the tail of a
        level word broken around a row or a goal label."""
        state = self.state
        if not self.row and part.first_on_line and parts[-1] is not part and _learned_l2(state, word, parts):
            return True
        if not self.row and part.first_on_line and len(parts) >= 1 + len(state.roles) >= WHOLE_LINE_MIN_CELLS:
            self.opened_whole_line = True
        if re.fullmatch(r"[.…]{2,}", word):
            self._finish_row()  # a "……" template row: no indicator
            return True
        if (
            not self.row
            and state.l2
            and len(word) <= L2_TAIL_MAX_CHARS
            and word in state.l2
            and not is_target_like(word)
        ):
            return True  # the tail of a level-2 cell printed after its first row (…满 / 意度)
        return self.fresh and not self.row and is_vocab_tail(word)  # 成本指 / … / 标 around a goal label

    def _row_piece(self, part: Fragment, parts: list[Fragment]) -> None:
        self.row.append(part)
        self.fresh = False
        if part is not parts[-1]:
            return
        if self._value_closes(part, parts) or self.opened_whole_line:
            self.closed = True

    def _value_closes(self, part: Fragment, parts: list[Fragment]) -> bool:
        """The value ends its row, also alone below a wrapped name (not 100 / % broken, not a
        number inside prior-year text or inside a sentence running on)."""
        if not is_target_like(part.text):
            return False
        if not (part.line_tokens >= 2 or len(self.row) >= 2 and not PLAIN_NUMBER.match(squash(part.text))):
            return False
        return not _inside_prior(self.state, self.row, parts) and not _inside_text(self.row, parts)

    # ------------------------------------------------------------------ closing a row

    def _finish_row(self) -> None:
        """Build the row read so far, after giving back what only continues the row before."""
        if self.row and self.indicators and _adjacent(self.fragments, self.previous, self.row):
            if self._prior_column_runs_on() or self._spills_into_previous():
                self.row, self.closed = [], False
                return
            self._previous_target_runs_on()
            self._previous_basis_below()
        if self.row:
            self._build_row()
        self.row, self.closed = [], False

    def _continuation(self, fragments: list[Fragment]) -> None:
        self.cover.extend(
            coverage(self.state, line, "fact", f"continuation of line {self.previous[0].line}")
            for line in sorted({f.line for f in fragments})
        )
        self.accounted.update(f.line for f in fragments)

    def _prior_column_runs_on(self) -> bool:
        """The one-character 前年 column running on after its row closed (… 填 / 报 / 和 / 报 | 送 / 要 / 求)."""
        row, last = self.row, self.indicators[-1]
        if len(row) < 2 or not all(f.line_tokens == 1 and is_char_line(f.text) for f in row):
            return False
        if not (last.prior_targets or "").startswith("前年="):
            return False
        tail = "".join(squash(f.text) for f in row)
        first, _, second = last.prior_targets.partition("; 上年=")
        priors = first + tail + (f"; 上年={second}" if second else "")
        self.indicators[-1] = replace(last, prior_targets=priors)
        self._continuation(row)
        return True

    def _spills_into_previous(self) -> bool:
        """One cell of text continuing the row before (its name, value or basis)."""
        basis_open = "basis" in self.state.roles and self.indicators[-1].basis is None
        spill = spilled_cell(self.previous, self.row, self.trailers, basis_open)
        if not spill:
            return False
        self.indicators[-1] = _with_spill(self.indicators[-1], spill, self.row, self.trailers)
        self._continuation(self.row)
        return True

    def _previous_target_runs_on(self) -> None:
        """The text value ran on after the basis printed beside its middle (…取一个号， 计划标准 排一次队…)."""
        last = self.indicators[-1]
        lead = leading_target(self.previous, self.row, self.trailers) if last.target_value is None else 0
        if lead:
            text = tidy((last.target_text or "") + "".join(squash(f.text) for f in self.row[:lead]))
            self.indicators[-1] = replace(last, target_text=text)
            self._continuation(self.row[:lead])
            self.row = self.row[lead:]

    def _previous_basis_below(self) -> None:
        """The basis of the row before, printed below its one-line name and value."""
        last = self.indicators[-1]
        lead = leading_basis(self.previous, self.row, self.trailers, self.state.roles) if last.basis is None else 0
        if lead:
            self.indicators[-1] = _with_spill(last, "basis", self.row[:lead], self.trailers)
            self._continuation(self.row[:lead])
            self.row = self.row[lead:]

    def _build_row(self) -> None:
        state, row = self.state, self.row
        self.previous = list(row)
        result = build_stream_row(state, row, self.trailers)
        if result is None:
            self.findings.append(
                unreadable(
                    state, row[0].line, "indicator fragments without a name, a level-1 indicator or a column header"
                )
            )
            self.cover.append(coverage(state, row[0].line, "finding", "unreadable fragments"))
        else:
            self.indicators.append(result)
            self.cover.append(coverage(state, row[0].line, "fact", result.indicator_name))
            state.seen_texts.update(squash(t) for t in (result.indicator_name, result.target_text) if t)
        self.accounted.update(f.line for f in row)


def parse_stream_region(state: TableState, start: int, end: int):
    """Rows of a region printed as text: fragments are gathered until the row closes."""
    return StreamReader(state, start, end).read()


def _ends_table(text: str, flat: str) -> bool:
    """A footer word, the next table's title, a short line ending in 表, or a narrative paragraph."""
    return bool(
        flat.startswith(STOP_WORDS)
        or performance_title_kind(text)
        or (flat.endswith("表") and len(flat) <= TITLE_LINE_MAX_CHARS)
        or NARRATIVE_LINE.match(flat)
    )


def _inside_prior(state: TableState, row: list[Fragment], parts: list[Fragment]) -> bool:
    """'截至目前已在 12家' inside a row already open, in a table with 前年 / 上年 columns: a number
    ending a line of prior-year text, not the row's value (printed after the priors, or alone)."""
    if "prior_1" not in state.roles or len(parts) != 2 or is_target_like(parts[0].text):
        return False
    return row.index(parts[0]) > 0 if parts[0] in row else False


def _inside_text(row: list[Fragment], parts: list[Fragment]) -> bool:
    """'信息查询等 12项医' inside a wrapped text cell: the line is as wide as the full lines before it,
    so the number is part of a sentence running on (…等 18项医保服务事 / 项的就近办理), not the value."""
    if len(parts) < 2 or is_target_like(parts[0].text) or parts[0] not in row or row.index(parts[0]) == 0:
        return False
    before = [f for f in row if f.line < parts[0].line]
    by_line: dict[int, str] = {}
    for fragment in before:
        by_line[fragment.line] = by_line.get(fragment.line, "") + squash(fragment.text)
    widths = [display_width(t) for _, t in sorted(by_line.items())]
    if len(widths) < FULL_LINES_SEEN:
        return False
    here = display_width("".join(squash(p.text) for p in parts))
    full = max(widths[-FULL_LINES_SEEN:]) - NARROW_SLACK
    return widths[-1] >= full and widths[-2] >= full and here >= widths[-1] - NARROW_SLACK


def _adjacent(fragments: list[Fragment], previous: list[Fragment], row: list[Fragment]) -> bool:
    """The row's first fragment directly follows the previous row's last: no label between them."""
    if not previous or not row:
        return False
    ids = [id(f) for f in fragments]
    return ids.index(id(row[0])) == ids.index(id(previous[-1])) + 1


_VALUE_TAIL = re.compile(r"^(及?以上|及?以下|左右|以内)$")


def spilled_cell(previous: list[Fragment], row: list[Fragment], trailers: set[str], basis_open: bool) -> str | None:
    """'name', 'target' or 'basis' when one cell of text without a value, printed right after a row
    closed by its value, is the rest of that row: the end of a name whose value sat beside its
    middle (the name's last line before the value is full), the end of the value (以上), or the
    basis column printed below a one-line name and value."""
    body = [f for f in row if squash(f.text) not in trailers]
    before = stream_cells(previous, trailers)
    if not body or before is None or not is_target_like(before[2]) or not one_cell(body):
        return None
    if any(is_target_like(f.text) or re.match(r"^[≥≤<>=＞＜]", squash(f.text)) for f in body):
        return None
    text = "".join(squash(f.text) for f in body)
    if _VALUE_TAIL.match(text):
        return "target"
    name = before[0]
    if len({f.line for f in name}) >= 2 and is_unfinished([f.text for f in name]):
        return "name"
    return "basis" if basis_open else None


def leading_basis(previous: list[Fragment], row: list[Fragment], trailers: set[str], roles: list[str]) -> int:
    """How many leading fragments of a row are the basis of the row before it: a table without
    prior columns reads text, name, value; the first cell is the basis left below a one-line row."""
    if "basis" not in roles or "prior_1" in roles:
        return 0
    before, split = stream_cells(previous, trailers), stream_cells(row, trailers)
    if before is None or split is None or not is_target_like(before[2]):
        return 0
    name = before[0]
    if len({f.line for f in name}) >= 2 and is_unfinished([f.text for f in name]):
        return 0
    if not split[1]:
        # basis and name both wrapped, read as one name: two cells by printed width (19 18 / 16 6)
        cut = two_cells(split[0]) if split[2] and is_target_like(split[2]) else 0
        return row.index(split[0][cut - 1]) + 1 if cut else 0
    if not one_cell(split[0]) or any(is_target_like(f.text) for f in split[1]):
        return 0
    return row.index(split[0][-1]) + 1


def leading_target(previous: list[Fragment], row: list[Fragment], trailers: set[str]) -> int:
    """How many leading fragments of a row end the previous row's text value: that value's last line was
    full (the cell ran on), these lines are as wide at most, the last of them short, and a row follows."""
    before = stream_cells(previous, trailers)
    if before is None or before[1] or not before[2] or is_target_like(before[2]):
        return 0
    body = [f for f in previous if squash(f.text) not in trailers]
    value = body[len(before[0]) :]
    if len(value) < 2 or len({f.line for f in value}) != len(value):
        return 0
    widths = [display_width(f.text) for f in value]
    if widths[-1] < max(widths) - NARROW_SLACK:
        return 0
    for index, fragment in enumerate(row):
        if (
            fragment.line_tokens != 1
            or display_width(fragment.text) > max(widths) + NARROW_SLACK
            or is_target_like(fragment.text)
        ):
            return 0
        if display_width(fragment.text) < max(widths) - CHAR_SLACK:
            return index + 1 if index + 1 < len(row) else 0
    return 0


def _with_spill(indicator: IndicatorLine, cell: str, row: list[Fragment], trailers: set[str]) -> IndicatorLine:
    text = "".join(squash(f.text) for f in row if squash(f.text) not in trailers)
    closing = "".join(squash(f.text) for f in row if squash(f.text) in trailers) or None
    if cell == "name":
        return replace(indicator, indicator_name=indicator.indicator_name + text, basis=indicator.basis or closing)
    if cell == "target":
        target_text = tidy(f"{indicator.target_text}{text}")
        parsed = parse_target(target_text)
        return replace(
            indicator,
            target_text=target_text,
            target_op=parsed.op,
            target_value=parsed.value,
            target_unit=parsed.unit,
            basis=indicator.basis or closing,
        )
    return replace(indicator, basis=tidy(text + (closing or "")))


def _group_lines(fragments: list[Fragment]) -> list[tuple[int, list[Fragment]]]:
    grouped: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        grouped.setdefault(fragment.line, []).append(fragment)
    return sorted(grouped.items())


def _has_priors(doc: SourceDocument, number: int) -> bool:
    return "前年" in joined_header(doc, number, PRIOR_HEADER_LINES)  # 前 / 年 broken over lines too


# The value columns of a header as printed, in order: a line of a broken header is a run of it
# (据前年 上年, 依据前年 上年, 前 / 年 / 预计当 / 年) even where PDF text cut it mid-word.
_HEADER_RUNS = (
    "三级指标指标值指标值确定依据前年上年预计当年实现",
    "指标值近两年指标值预期当年实现值指标值确定依据指标分类",
    "指标值指标值说明",
    "年初目标值实际完成值得分",
)


def continues_header(text: str) -> bool:
    """A line inside a header broken over lines: a run of the header's value-column words."""
    flat = squash(text)
    return bool(flat) and any(flat in run for run in _HEADER_RUNS) and not (len(flat) >= 2 and match_l2(flat))


def _stream_horizon(flat: str) -> str | None:
    if flat in ("长期绩效指标", "长期绩效目标表") or _LONG_TERM_GOAL.fullmatch(flat):
        return "long_term"
    if flat in ("年度绩效指标", "年度绩效目标表") or _ANNUAL_GOAL.fullmatch(flat):
        return "annual"
    return None


def _learned_l2(state: TableState, word: str, parts: list[Fragment]) -> bool:
    """A free-text l2 (党建工作, 监管工作) opening a line of four cells: name, value, basis follow."""
    roles_after_name = len(state.roles)
    if len(parts) == roles_after_name + 2 and not match_l2(word) and len(word) <= FREE_L2_MAX_CHARS:
        state.l2 = word
        return True
    return bool(len(parts) == 1 and state.l2 and word == state.l2)
