"""Cell reader: tab-separated layouts, where every row is a list of cells.

l1/l2 are recognised by vocabulary, not by column position, because rows shift.
"""
from __future__ import annotations

from typing import Optional
from ...model import CoverageLine, Finding, IndicatorLine

from .vocabulary import (
    goal_label, horizon_of, is_target_like, is_vocab_tail, match_l1, match_l2, squash, STOP_WORDS, WEIGHT,
    WEIGHT_TAIL,
)
from .rows import (
    goal_from_line, horizon_marker,
    build_indicator, coverage, Draft, header_roles, is_header_line, is_sub_header, read_project_identity,
    refine_roles, TableState, unreadable,
)

# --------------------------------------------------------------------------- cell layouts


def split_cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("\t")]


def classify_cells(cells: list[str], horizon: Optional[str]) -> tuple[Optional[str], Optional[str], Optional[str], int]:
    """(goal, l1, l2, index of the name cell) of a cell row; index -1 if the row has no name.

    l1/l2 are recognised by vocabulary wherever they sit, because rows are
    printed shifted left or right; everything before the last l1/l2 cell is
    the goal column or fragments of a broken word.
    """
    goal = l1 = l2 = None
    filled = [(i, c) for i, c in enumerate(cells) if c]
    last_vocab = -1
    for position, (index, cell) in enumerate(filled[:5]):
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
        if not cell or goal_label(cell, horizon) and index < 2 or (last_vocab < 0 and is_vocab_tail(cell)):
            continue
        return goal, l1, l2, index
    return goal, l1, l2, -1


def printed_l1(cells: list[str], l1: str) -> Optional[str]:
    """The cell a row's level 1 was read from, as printed (spaces removed)."""
    filled = [squash(c) for c in cells if squash(c)]
    for position, cell in enumerate(filled[:5]):
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
        return [" ".join(filled[:head])] + filled[head:] if roles and roles[0] != "target" else filled[: len(roles) - 1] + [" ".join(filled[len(roles) - 1:])]
    if self_eval or (roles and roles[-1] == "score"):
        return [""] * (len(roles) - len(filled)) + filled
    if "prior_2" in roles and len(filled) == 2 and roles[-1] == "basis":
        return ["", ""] + [filled[0], filled[1]]
    return filled + [""] * (len(roles) - len(filled))


def parse_cell_region(state: TableState, start: int, end: int):
    """Rows of a tab-separated region."""
    indicators: list[IndicatorLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    draft: Optional[Draft] = None
    after_blank = False

    def flush():
        nonlocal draft
        if draft is None:
            return
        row = build_indicator(state, draft)
        if row is None:
            findings.append(unreadable(state, draft.line, "indicator row without a name or a level-1 indicator"))
            cover.append(coverage(state, draft.line, "finding", "no indicator name or level 1"))
        else:
            indicators.append(row)
            cover.append(coverage(state, draft.line, "fact", row.indicator_name))
            for extra in draft.lines[1:]:
                cover.append(coverage(state, extra, "fact", f"continuation of line {draft.line}"))
        draft = None

    for number, text in state.doc.numbered(start, end):
        if not text.strip():
            after_blank = True
            continue
        cells = split_cells(text)
        flat = squash(text)
        blank_before, after_blank = after_blank, False
        if read_project_identity(state, number, cells):
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "header", "project identity"))
            continue
        if is_header_line(text):
            flush()
            state.name_column = _name_column(cells)
            state.roles = header_roles(cells[state.name_column + 1:])
            first = horizon_of(cells[0]) if cells else None
            if state.self_eval:
                state.horizon = "annual"
            elif first:
                state.horizon = first
            state.l1 = state.l2 = state.l1_printed = None
            state.in_table = True
            cover.append(coverage(state, number, "header", "column header"))
            continue
        if state.in_table and is_sub_header(cells):
            state.roles = refine_roles(state.roles, cells)
            cover.append(coverage(state, number, "header", "column sub-header"))
            continue
        horizon = horizon_marker(flat)
        if horizon:
            flush()
            state.horizon = horizon
            state.in_table = False
            state.goal = None
            cover.append(coverage(state, number, "header", "horizon marker"))
            continue
        if "\t" not in text and state.in_table :
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "note", "text line ends the cell table"))
            continue
        if not state.in_table:
            if squash(cells[0]) in ("长期", "年度"):
                state.horizon = horizon_of(cells[0])
            if goal_label(cells[0], state.horizon) if cells else None:
                state.goal = goal_label(cells[0], state.horizon)
            goal_from_line(state, cells)
            cover.append(coverage(state, number, "note", "outside an indicator table"))
            continue
        if any(squash(c).startswith(STOP_WORDS) or squash(c) == "总" for c in cells[:2] if c):
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "note", "table footer"))
            continue
        goal, l1, l2, name_index = classify_cells(cells, state.horizon)
        if draft is not None and 0 <= name_index < state.name_column < len(cells) and cells[state.name_column] and not (
                goal or l1 or l2) and _ends_known_name(state, draft, cells[name_index], indicators):
            draft.cells[0] += cells[name_index]  # the end of a wrapped name printed left of its column
            cells = cells[:name_index] + [""] + cells[name_index + 1:]
            goal, l1, l2, name_index = classify_cells(cells, state.horizon)
        filled = [c for c in cells if c]
        if goal and name_index >= 0 and l1 is None and l2 is None and len(filled) <= 2:
            flush()
            state.goal = goal
            cover.append(coverage(state, number, "note", "goal description"))
            continue
        content = [c for c in cells[name_index:] if c] if name_index >= 0 else [c for c in cells if c]
        if draft is not None and l1 is None and l2 is None and goal is None and _is_continuation(
            draft, content, blank_before
        ):
            _continue_draft(draft, cells, name_index, number)
            continue
        if l1:
            state.l1_printed = printed_l1(cells, l1)
        if name_index < 0:
            if l1 or l2:
                state.l1, state.l2 = l1 or state.l1, l2 or (None if l1 else state.l2)
            cover.append(coverage(state, number, "note", "merged-cell fragment"))
            continue
        flush()
        if goal:
            state.goal = goal
        if l1:
            state.l1, state.l2 = l1, None
        if l2:
            state.l2 = l2
        values = assign_roles(cells[name_index + 1:], state.roles, state.self_eval)
        draft = Draft(number, state.l1, state.l2, [cells[name_index]] + values, list(state.roles), [number],
                      l1_printed=state.l1_printed)
        if not state.roles:
            findings.append(unreadable(state, number, "indicator row before any column header"))
    flush()
    return indicators, cover, findings


def _ends_known_name(state: TableState, draft: Draft, cell: str, earlier: list[IndicatorLine]) -> bool:
    """A cell that, added to the open row's name, spells a name the document prints whole
    elsewhere (long-term and annual tables repeat their indicators): 买岗人员 / 年度工作总结及评价标准
    printed in the l2 column is the end of that name, not a row of its own."""
    joined = squash(draft.cells[0]) + squash(cell)
    return joined in state.known_names or any(row.indicator_name == joined for row in earlier)


def _name_column(cells: list[str]) -> int:
    for index, cell in enumerate(cells):
        flat = squash(cell)
        if flat.startswith("三级") or "三级指标" in flat or flat.startswith("明细指标"):
            return index
    return min(3, len(cells) - 1)


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
    fragments = [c for c in (cells[name_index:] if name_index >= 0 else cells)
                 if c and squash(c) not in ("标", "指标", "指")]
    name_has_weight = bool(WEIGHT.search(squash(draft.cells[0])))
    if name_has_weight:
        fragments = [f for f in fragments if not WEIGHT_TAIL.match(squash(f))]
    targets = [i for i, c in enumerate(draft.cells) if c] or [0]
    if len(fragments) > len(targets):
        fragments = [" ".join(fragments[: len(fragments) - len(targets) + 1])] + fragments[len(fragments) - len(targets) + 1:]
    for slot, fragment in zip(targets, fragments):
        draft.cells[slot] = f"{draft.cells[slot]} {fragment}".strip()
    draft.lines.append(line)
