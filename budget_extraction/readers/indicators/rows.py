"""Row assembly shared by the three readers: table state, drafts, header roles,
IndicatorLine building, coverage lines, findings and project identity.

Every reader ends a row by handing a Draft to build_indicator; this module is that
common ground.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...model import CoverageLine, Finding, IndicatorLine
from ...source import SourceDocument
from ...tables import TableBlock
from ..targets import QUALITATIVE, Target, parse_target
from .vocabulary import L2_ALIAS_TARGETS, L2_ALIASES, PLAIN_NUMBER, consistent_l1, split_weight, squash, tidy

# A project code as printed: six digits, then six letters or digits or more.
_PROJECT_CODE = re.compile(r"\d{6}[0-9A-Z]{6,}")

# --------------------------------------------------------------------------- state


@dataclass
class TableState:
    """What a row inherits: the project, the horizon, the goal, merged l1/l2 cells, the columns."""

    doc: SourceDocument
    region: TableBlock  # a performance table (tables.PERFORMANCE_KINDS)
    project_code: str | None = None
    project_name: str | None = None
    horizon: str | None = None
    goal: str | None = None
    l1: str | None = None
    l2: str | None = None
    roles: list[str] = field(default_factory=list)
    in_table: bool = False
    l1_printed: str | None = None
    known_names: frozenset[str] = frozenset()  # names the document's other tables print
    seen_texts: set[str] = field(default_factory=set)  # names, values and priors read so far (stream)
    name_column: int = -1  # the header's 三级指标 column (cell layouts)
    level2_cells: tuple[tuple[int, int, str], ...] | None = None  # (line, column, word) of level-2 words
    level2_by_name: dict[str, list[tuple[int, int, str]]] | None = None  # the same, by the canonical level 2

    @property
    def printed_level2(self) -> tuple[tuple[int, int, str], ...]:
        """Every level-2 word the table prints, canonical or in an older wording (完成时效)."""
        if self.level2_cells is None:
            self.level2_cells = level2_cells(self.doc, self.region)
        return self.level2_cells

    def printed_level2_of(self, l2: str) -> list[tuple[int, int, str]]:
        """The printed level-2 words that name l2 (itself or an older wording of it), grouped once
        per table instead of every row scanning every word."""
        if self.level2_by_name is None:
            self.level2_by_name = {}
            for found in self.printed_level2:
                cell = found[2]
                for name in {cell, L2_ALIASES.get(cell, cell)}:
                    self.level2_by_name.setdefault(name, []).append(found)
        return self.level2_by_name.get(l2, [])

    @property
    def scope(self) -> str:
        return "department" if self.region.kind.startswith("department") else "project"

    @property
    def self_eval(self) -> bool:
        return self.region.kind.endswith("self_eval")


@dataclass
class Draft:
    """An indicator row being assembled from one or more printed lines."""

    line: int
    l1: str | None
    l2: str | None
    cells: list[str]  # name first, then one cell per role
    roles: list[str]
    lines: list[int] = field(default_factory=list)
    l1_printed: str | None = None  # the level-1 cell as printed (项目产出)


def header_roles(cells: Iterable[str]) -> list[str]:
    """Column roles after the name column, from the header words (前年 / 上年 refine 指标值)."""
    roles: list[str] = []
    for cell in cells:
        text = squash(cell)
        if not text:
            continue
        if "实际完成" in text:
            roles.append("actual")
        elif text.startswith("得分"):
            roles.append("score")
        elif text in ("分值", "权重", "指标权重"):
            roles.append("weight")
        elif "依据" in text or "说明" in text:
            roles.append("basis")
        elif "指标分类" in text:
            roles.append("class")
        elif text.startswith("指标值") or "目标值" in text or "当年实现" in text:
            roles.append("target")
    return roles


def refine_roles(roles: list[str], sub_header: Iterable[str]) -> list[str]:
    """A second header line (前年 上年 预计当年实现) splits 指标值 into three columns."""
    words = [squash(c) for c in sub_header if squash(c)]
    if not any(w in ("前年", "上年") for w in words) or "target" not in roles:
        return roles
    index = roles.index("target")
    return roles[:index] + ["prior_2", "prior_1", "target"] + roles[index + 1 :]


def is_header_line(text: str) -> bool:
    if "一" not in text:
        return False  # every header form below prints 一级
    flat = squash(text)
    if flat == "一级指标":
        return True  # PDF text: the other header cells follow on their own lines
    return (
        "一级指标" in flat
        and ("二级指标" in flat or "三级" in flat or "指标值" in flat)
        or (flat.startswith("一级") and "二级" in flat)
    )


def is_sub_header(cells: list[str]) -> bool:
    words = [squash(c) for c in cells if squash(c)]
    return bool(words) and all(
        w in ("前年", "上年", "近两年指标值") or (len(w) >= 2 and w in "预计当年实现预期当年实现值") for w in words
    )


# --------------------------------------------------------------------------- output rows


def build_indicator(state: TableState, draft: Draft) -> IndicatorLine | None:
    """An IndicatorLine from an assembled row, or None when it has no name."""
    values = dict(zip(draft.roles, draft.cells[1:]))
    raw_name = squash(draft.cells[0]) if draft.cells else ""
    name, weight = split_weight(raw_name)
    name = re.sub(r"[（(]\s*\d*\s*分?\s*[)）]$", "", name) if weight is not None else name
    if "weight" in values and weight is None and values["weight"]:
        weight = _as_float(values["weight"])
    if not name:
        return None
    target_text = tidy(values.get("target"))
    target = parse_target(target_text)
    actual_text = tidy(values.get("actual")) if state.self_eval else None
    actual = _plain_figure(actual_text)
    priors = [(word, tidy(values.get(role))) for word, role in (("前年", "prior_2"), ("上年", "prior_1"))]
    prior_text = "; ".join(f"{word}={value}" for word, value in priors if value) or None
    l1 = consistent_l1(draft.l1, draft.l2)
    if l1 is None:
        return None
    printed = draft.l1_printed if draft.l1_printed and draft.l1 else None
    if printed and draft.l1.startswith(printed):
        printed = draft.l1  # a word the PDF broke (产出 / 指标), not another name
    return IndicatorLine(
        document_id=state.doc.document_id,
        table_kind=state.region.kind,
        target_scope=state.scope,
        project_code=state.project_code if state.scope == "project" else None,
        project_name=state.project_name if state.scope == "project" else None,
        horizon=state.horizon or ("annual" if state.self_eval else "long_term"),
        goal_label=state.goal,
        indicator_l1=l1,
        indicator_l1_printed=printed if printed != l1 else None,
        indicator_l2=draft.l2,
        indicator_l2_printed=printed_l2(state, draft),
        indicator_name=name,
        indicator_weight=weight,
        target_text=target_text,
        target_op=target.op,
        target_value=target.value,
        target_unit=target.unit,
        prior_targets=prior_text,
        basis=tidy(values.get("basis")),
        actual_text=actual_text,
        actual_value=actual.value,
        actual_unit=actual.unit,
        score=_as_float(values.get("score")) if state.self_eval else None,
        source_table=state.region.label,
        source_line=draft.line,
    )


def level2_cells(doc: SourceDocument, region: TableBlock) -> tuple[tuple[int, int, str], ...]:
    """(line, column, word) of every level-2 word the table prints, canonical (时效指标) or in an older
    template's wording (完成时效, 社会效益)."""
    printed = [(number, _cells(text)) for number, text in doc.numbered(region.start_line, region.end_line)]
    printed = [(number, cells) for number, cells in printed if cells]
    found = []
    for index, (number, cells) in enumerate(printed):
        below = printed[index + 1][1] if index + 1 < len(printed) else []
        for column, cell in enumerate(cells):
            if cell not in L2_ALIASES and cell not in L2_ALIAS_TARGETS:
                continue
            closing = [*cells[column + 1 : column + 2], *below[:1], *below[column : column + 1]]
            broken = cell + _L2_CLOSING in L2_ALIAS_TARGETS and _L2_CLOSING in closing
            found.append((number, column, cell + _L2_CLOSING if broken else cell))
    return tuple(found)


# The word closing a canonical level-2 name, which PDF text often prints in the next cell or line
# (经济效益 / 指标): a level-2 word it closes is the canonical name, not an older wording.
_L2_CLOSING = "指标"


def _cells(text: str) -> list[str]:
    """A line's cells: tab-separated where the text has tabs (spaces inside a cell are breaks of
    its words), else space-separated; empty cells kept in tab layouts so that columns line up."""
    if "\t" in text:
        cells = [squash(cell) for cell in text.split("\t")]
        return cells if any(cells) else []
    return text.split()


def printed_l2(state: TableState, draft: Draft) -> str | None:
    """The level-2 cell the row sits under as printed, when its wording is not the canonical one.

    A merged level-2 cell prints once, beside the first or the middle row it spans: the row takes
    the nearest printed word of its canonical level 2, the leftmost of a line (the level-2 column
    is left of the names), never its own name (an indicator may be called 服务对象满意度); when
    that word is the canonical one, there is no other wording to keep.
    """
    if draft.l2 is None:
        return None
    name = squash(draft.cells[0]) if draft.cells else ""
    words = [
        (abs(line - draft.line), line, column, cell)
        for line, column, cell in state.printed_level2_of(draft.l2)
        if not (line == draft.line and cell == name)
    ]
    if not words:
        return None
    cell = min(words)[3]
    return cell if cell != draft.l2 else None


def _plain_figure(text: str | None) -> Target:
    """An actual value read as a figure only when printed as a plain number (5人, 100%): an actual
    printed with an operator (≥90%) states a bound, not what was achieved."""
    figure = parse_target(text)
    return figure if figure.op is None else QUALITATIVE


def _as_float(text: str | None) -> float | None:
    flat = squash(text)
    return float(flat) if flat and PLAIN_NUMBER.match(flat) else None


def coverage(state: TableState, line: int, outcome: str, detail: str | None = None) -> CoverageLine:
    return CoverageLine(state.doc.document_id, state.region.kind, state.region.label, line, outcome, detail)


def unreadable(state: TableState, line: int, reason: str) -> Finding:
    return Finding(
        document_id=state.doc.document_id,
        check="unreadable_indicator",
        severity="error",
        detail=f"{state.doc.file_name}:{line}: {reason} in {state.region.label}",
        source_line=line,
    )


# --------------------------------------------------------------------------- project identity


def read_project_identity(state: TableState, number: int, cells: list[str]) -> bool:
    """项目名称 / 项目编码 cells (or lines) set the project every later row belongs to."""
    flat_cells = [squash(c) for c in cells]
    found = False
    for index, text in enumerate(flat_cells):
        if text.startswith("项目名称"):
            rest = text[len("项目名称") :].lstrip(":：")
            value = rest or next((c for c in flat_cells[index + 1 :] if c), "")
            value = re.split(r"项目编码|年度预算金额|项目类别|项目总预算", value)[0]
            if value:
                state.project_name = value
            elif state.project_name is None:
                state.project_name = _following_text(state.doc, number)
            state.project_code = state.project_code if found else None
            found = True
        if "项目编码" in text:
            code = _code_after(flat_cells, index, text) or _code_in_lines(state.doc, number)
            if code:
                state.project_code = code
            found = True
    return found


def _code_after(cells: list[str], index: int, text: str) -> str | None:
    rest = text.split("项目编码", 1)[1]
    for candidate in [rest] + cells[index + 1 :]:
        match = _PROJECT_CODE.search(candidate)
        if match:
            return match.group(0)
    return None


def _code_in_lines(doc: SourceDocument, number: int) -> str | None:
    """PDF text prints the code a few lines below 项目编码, sometimes split over lines."""
    joined = ""
    for _, text in doc.numbered(number + 1, number + 6):
        flat = squash(text)
        if flat and not re.fullmatch(r"[0-9A-Z]+", flat):
            break  # the next field: the code, if any, is complete
        joined += flat
    match = _PROJECT_CODE.search(joined)
    return match.group(0) if match else None


def _following_text(doc: SourceDocument, number: int) -> str | None:
    """A project name printed on the lines after 项目名称, up to 项目编码."""
    parts: list[str] = []
    for _, text in doc.numbered(number + 1, number + 6):
        flat = squash(text)
        if not flat:
            continue
        if "项目编码" in flat:
            parts.append(flat.split("项目编码")[0])
            break
        parts.append(flat)
    name = "".join(parts)
    return name or None


# --------------------------------------------------------------------------- horizons and goals


def horizon_marker(flat: str) -> str | None:
    """长期绩效目标表 / 年度绩效目标表 open a sub-table of a project table."""
    for word, horizon in (
        ("长期绩效目标表", "long_term"),
        ("年度绩效目标表", "annual"),
        ("项目年度绩效目标表", "annual"),
    ):
        if flat.startswith(word) or flat == word:
            return horizon
    return None


def goal_from_line(state: TableState, cells: list[str]) -> None:
    """长期目标1: / 年度目标2: lines (department tables) set the horizon and goal of what follows."""
    first = squash(cells[0]) if cells else ""
    match = re.match(r"^(长期|年度)(绩效)?目标\s*(\d+)\s*[:：]?", first)
    if match:
        state.horizon = "long_term" if match.group(1) == "长期" else "annual"
        state.goal = f"{match.group(1)}{match.group(2) or ''}目标{match.group(3)}"
