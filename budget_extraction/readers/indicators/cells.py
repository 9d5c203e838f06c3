"""Cell reader: tab-separated layouts, where every row is a list of cells.

l1/l2 are recognised by vocabulary, not by column position, because rows shift.
"""

from __future__ import annotations

from ...model import CoverageLine, Finding, IndicatorLine
from .rows import (
    Draft,
    TableState,
    build_indicator,
    coverage,
    goal_from_line,
    header_roles,
    horizon_marker,
    is_header_line,
    is_sub_header,
    read_project_identity,
    refine_roles,
    unreadable,
)
from .vocabulary import (
    STOP_WORDS,
    WEIGHT,
    WEIGHT_TAIL,
    goal_label,
    horizon_of,
    is_target_like,
    is_vocab_tail,
    match_l1,
    match_l2,
    squash,
)

# A goal description line prints the goal label and its text, nothing more.
GOAL_LINE_MAX_CELLS = 2
# The template's columns before the name: goal, level 1, level 2. The level cells (and pieces of
# words broken out of them) sit within the first LEVEL_CELLS filled cells, a goal label within the
# first GOAL_CELLS; without a 三级指标 header word the name is in column NAME_COLUMN.
LEVEL_CELLS = 5
GOAL_CELLS = 2
NAME_COLUMN = 3

# --------------------------------------------------------------------------- cell layouts


def split_cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("\t")]


def classify_cells(cells: list[str], horizon: str | None) -> tuple[str | None, str | None, str | None, int]:
    """(goal, l1, l2, index of the name cell) of a cell row; index -1 if the row has no name.

    l1/l2 are recognised by vocabulary wherever they sit, because rows are
    printed shifted left or right; everything before the last l1/l2 cell is
    the goal column or fragments of a broken word.
    """
    goal = l1 = l2 = None
    filled = [(i, c) for i, c in enumerate(cells) if c]
    last_vocab = -1
    for position, (index, cell) in enumerate(filled[:LEVEL_CELLS]):
        if goal is None and l1 is None and l2 is None and goal_label(cell, horizon):
            goal = goal_label(cell, horizon)
            continue
        following = filled[position + 1][1] if position + 1 < len(filled) else ""
        if l1 is None and l2 is None:
            found = match_l1(cell, next_is_l2=bool(match_l2(following)))
            if found and position + 2 < len(filled):
                l1, last_vocab = found, index
                continue
        found2 = match_l2(cell)
        if found2 and l2 is not None and not squash(cell).endswith("指标"):
            found2 = None  # a second l2 must be a whole word; 服务对象满意度 after its l2 is the name
        if found2 and position + 1 < len(filled):
            l2, last_vocab = found2, index
            continue
        if last_vocab >= 0 or not is_vocab_tail(cell):
            break
    start = last_vocab + 1 if last_vocab >= 0 else 0
    for index in range(start, len(cells)):
        cell = cells[index]
        if not cell or goal_label(cell, horizon) and index < GOAL_CELLS or (last_vocab < 0 and is_vocab_tail(cell)):
            continue
        return goal, l1, l2, index
    return goal, l1, l2, -1


def printed_l1(cells: list[str], l1: str) -> str | None:
    """The cell a row's level 1 was read from, as printed (spaces removed)."""
    filled = [squash(c) for c in cells if squash(c)]
    for position, cell in enumerate(filled[:LEVEL_CELLS]):
        following = filled[position + 1] if position + 1 < len(filled) else ""
        if match_l1(cell, next_is_l2=bool(match_l2(following))) == l1:
            return cell
    return None


def assign_roles(values: list[str], roles: list[str], self_eval: bool) -> list[str]:
    """Value cells to columns: by position when the count fits, else by the non-empty cells.

    Rows print empty 前年/上年 cells or drop them; a self-evaluation always
    ends with its score, a budget table usually loses its trailing basis.
    """
    while values and not values[-1]:
        values = values[:-1]
    if len(values) == len(roles):
        return values
    filled = [v for v in values if v]
    if len(filled) == len(roles):
        return filled
    if len(filled) > len(roles):
        head = len(filled) - len(roles) + 1
        return (
            [" ".join(filled[:head])] + filled[head:]
            if roles and roles[0] != "target"
            else filled[: len(roles) - 1] + [" ".join(filled[len(roles) - 1 :])]
        )
    if self_eval or (roles and roles[-1] == "score"):
        return [""] * (len(roles) - len(filled)) + filled
    if "prior_2" in roles and len(filled) == 2 and roles[-1] == "basis":
        return ["", ""] + [filled[0], filled[1]]
    return filled + [""] * (len(roles) - len(filled))


class CellReader:
    """Reads one tab-separated table line by line.

    Whole lines first: a blank line (a wrapped row may continue after it), project identity,
    the column header and its sub-header, a horizon marker, a text line ending the table, a
    line outside the table, the table's footer. A row line is then a goal description, the
    continuation of the open row, a merged-cell fragment (level 1/2 only) or a new row.
    """

    def __init__(self, state: TableState, start: int, end: int):
        self.state = state
        self.start, self.end = start, end
        self.indicators: list[IndicatorLine] = []
        self.cover: list[CoverageLine] = []
        self.findings: list[Finding] = []
        self.draft: Draft | None = None  # the row being read
        self.after_blank = False  # a blank line came before this one

    def read(self) -> tuple[list[IndicatorLine], list[CoverageLine], list[Finding]]:
        for number, text in self.state.doc.numbered(self.start, self.end):
            if not text.strip():
                self.after_blank = True
                continue
            blank_before, self.after_blank = self.after_blank, False
            cells = split_cells(text)
            if not self._line_event(number, text, cells):
                self._row_line(number, cells, blank_before)
        self._finish_row()
        return self.indicators, self.cover, self.findings

    def _note(self, number: int, outcome: str, detail: str) -> None:
        self.cover.append(coverage(self.state, number, outcome, detail))

    # ------------------------------------------------------------------ whole lines

    def _line_event(self, number: int, text: str, cells: list[str]) -> bool:
        """Lines that are no row content (True: the line is done)."""
        state = self.state
        if read_project_identity(state, number, cells):
            self._finish_row()
            state.in_table = False
            self._note(number, "header", "project identity")
        elif is_header_line(text):
            self._header(number, cells)
        elif state.in_table and is_sub_header(cells):
            state.roles = refine_roles(state.roles, cells)
            self._note(number, "header", "column sub-header")
        elif horizon := horizon_marker(squash(text)):
            self._finish_row()
            state.horizon, state.in_table, state.goal = horizon, False, None
            self._note(number, "header", "horizon marker")
        elif "\t" not in text and state.in_table:
            self._finish_row()
            state.in_table = False
            self._note(number, "note", "text line ends the cell table")
        elif not state.in_table:
            self._outside(number, cells)
        elif any(squash(c).startswith(STOP_WORDS) or squash(c) == "总" for c in cells[:2] if c):
            self._finish_row()
            state.in_table = False
            self._note(number, "note", "table footer")
        else:
            return False
        return True

    def _header(self, number: int, cells: list[str]) -> None:
        state = self.state
        self._finish_row()
        state.name_column = _name_column(cells)
        state.roles = header_roles(cells[state.name_column + 1 :])
        first = horizon_of(cells[0]) if cells else None
        if state.self_eval:
            state.horizon = "annual"
        elif first:
            state.horizon = first
        state.l1 = state.l2 = state.l1_printed = None
        state.in_table = True
        self._note(number, "header", "column header")

    def _outside(self, number: int, cells: list[str]) -> None:
        """Between tables: 长期 / 年度 and goal lines set what the next table's rows inherit."""
        state = self.state
        if squash(cells[0]) in ("长期", "年度"):
            state.horizon = horizon_of(cells[0])
        if goal_label(cells[0], state.horizon) if cells else None:
            state.goal = goal_label(cells[0], state.horizon)
        goal_from_line(state, cells)
        self._note(number, "note", "outside an indicator table")

    # ------------------------------------------------------------------ row lines

    def _row_line(self, number: int, cells: list[str], blank_before: bool) -> None:
        state, draft = self.state, self.draft
        goal, l1, l2, name_index = classify_cells(cells, state.horizon)
        if draft is not None and self._ends_open_name(cells, goal or l1 or l2, name_index):
            draft.cells[0] += cells[name_index]  # the end of a wrapped name printed left of its column
            cells = cells[:name_index] + [""] + cells[name_index + 1 :]
            goal, l1, l2, name_index = classify_cells(cells, state.horizon)
        filled = [c for c in cells if c]
        if goal and name_index >= 0 and l1 is None and l2 is None and len(filled) <= GOAL_LINE_MAX_CELLS:
            self._finish_row()
            state.goal = goal
            self._note(number, "note", "goal description")
            return
        content = [c for c in cells[name_index:] if c] if name_index >= 0 else filled
        if (
            draft is not None
            and l1 is None
            and l2 is None
            and goal is None
            and _is_continuation(draft, content, blank_before)
        ):
            _continue_draft(draft, cells, name_index, number)
            return
        if l1:
            state.l1_printed = printed_l1(cells, l1)
        if name_index < 0:
            if l1 or l2:
                state.l1, state.l2 = l1 or state.l1, l2 or (None if l1 else state.l2)
            self._note(number, "note", "merged-cell fragment")
            return
        self._open_row(number, cells, goal, l1, l2, name_index)

    def _ends_open_name(self, cells: list[str], has_level: str | None, name_index: int) -> bool:
        """A cell left of the name column that completes the open row's name as printed elsewhere."""
        column = self.state.name_column
        if has_level or not 0 <= name_index < column < len(cells) or not cells[column]:
            return False
        return _ends_known_name(self.state, self.draft, cells[name_index], self.indicators)

    def _open_row(
        self, number: int, cells: list[str], goal: str | None, l1: str | None, l2: str | None, name_index: int
    ) -> None:
        state = self.state
        self._finish_row()
        if goal:
            state.goal = goal
        if l1:
            state.l1, state.l2 = l1, None
        if l2:
            state.l2 = l2
        values = assign_roles(cells[name_index + 1 :], state.roles, state.self_eval)
        self.draft = Draft(
            number,
            state.l1,
            state.l2,
            [cells[name_index]] + values,
            list(state.roles),
            [number],
            l1_printed=state.l1_printed,
        )
        if not state.roles:
            self.findings.append(unreadable(state, number, "indicator row before any column header"))

    def _finish_row(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        row = build_indicator(self.state, draft)
        if row is None:
            self.findings.append(
                unreadable(self.state, draft.line, "indicator row without a name or a level-1 indicator")
            )
            self._note(draft.line, "finding", "no indicator name or level 1")
            return
        self.indicators.append(row)
        self._note(draft.line, "fact", row.indicator_name)
        for extra in draft.lines[1:]:
            self._note(extra, "fact", f"continuation of line {draft.line}")


def parse_cell_region(state: TableState, start: int, end: int):
    """Rows of a tab-separated region."""
    return CellReader(state, start, end).read()


def _ends_known_name(state: TableState, draft: Draft, cell: str, earlier: list[IndicatorLine]) -> bool:
    """A cell that, added to the open row's name, spells a name the document prints whole
    elsewhere (long-term and annual tables repeat their indicators): 买岗人员 / 年度工作总结及评价标准
    printed in the l2 column is the end of that name, not a row of its own."""
    joined = squash(draft.cells[0]) + squash(cell)
    return joined in state.known_names or any(row.indicator_name == joined for row in earlier)


def _name_column(cells: list[str]) -> int:
    for index, cell in enumerate(cells):
        flat = squash(cell)
        if flat.startswith(("三级", "明细指标")) or "三级指标" in flat:
            return index
    return min(NAME_COLUMN, len(cells) - 1)


def _is_continuation(draft: Draft, content: list[str], blank_before: bool) -> bool:
    """A wrapped row: it follows a blank line and adds fragments, not a new indicator."""
    if not content:
        return True
    if not blank_before and len(content) > 1:
        return False
    previous = [c for c in draft.cells if c]
    if len(content) < len(previous):
        return True
    if any(is_target_like(c) for c in content[1:]):
        return False
    return not any(c == p for c, p in zip(content[1:], previous[1:]))


def _continue_draft(draft: Draft, cells: list[str], name_index: int, line: int) -> None:
    """Fragments of a wrapped row are appended, in order, to the cells they continue."""
    fragments = [
        c for c in (cells[name_index:] if name_index >= 0 else cells) if c and squash(c) not in ("标", "指标", "指")
    ]
    name_has_weight = bool(WEIGHT.search(squash(draft.cells[0])))
    if name_has_weight:
        fragments = [f for f in fragments if not WEIGHT_TAIL.match(squash(f))]
    targets = [i for i, c in enumerate(draft.cells) if c] or [0]
    if len(fragments) > len(targets):
        fragments = [" ".join(fragments[: len(fragments) - len(targets) + 1])] + fragments[
            len(fragments) - len(targets) + 1 :
        ]
    for slot, fragment in zip(targets, fragments):
        draft.cells[slot] = f"{draft.cells[slot]} {fragment}".strip()
    draft.lines.append(line)
