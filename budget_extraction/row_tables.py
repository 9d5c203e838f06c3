"""Row tables: one printed row per unit or code, "code name amount…", read in any layout.

The 收入总表 (by unit or by function) and the 一般公共预算支出表（分单位） print a row as
an optional code (unit 202 / 202001, functional 2101501), a name and one figure per
amount column. This module reads such rows whatever the layout: tab cells (blank cells
kept, so figures keep their column), or spaces / PDF text (blank cells vanish, a name
wraps over lines, an amount is split as ``0.0`` + ``0``). It also gives each coded row
its parent (the longest printed code that is a prefix of it), for subtotal checks.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .lines import (
    coverage,
    data_lines,
    is_column_numbering,
    repair_split_numbers,
    squash,
    tokenize,
)
from .model import CoverageLine, Finding
from .numbers import parse_amount
from .source import SourceDocument
from .tables import TableBlock

_LABEL_CELL = re.compile(r"编\s*码|代\s*码|名\s*称|^项\s*目$|科\s*目|栏\s*次")
_TOTAL_NAME = re.compile(r"^(?:合计|总计|本年收入合计|收入合计)$")
_CODE = re.compile(r"^\d{3,}$")
_PRINTED_FIGURE = re.compile(r"\d\.\d|\d,\d{3}")
_FIGURE_CELL = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-－—–]{1,2}")
_MAX_PLACEMENTS = 4096


@dataclass
class PrintedRow:
    """One printed row: code, name, figures; ``positional`` when every column prints a cell."""

    code: str | None
    name: str
    values: list[str | None]  # amount texts; None for a blank tab cell
    positional: bool
    lines: list[int] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0]

    @property
    def is_total(self) -> bool:
        return self.code is None and bool(_TOTAL_NAME.match(self.name))


def is_tabbed(lines: Sequence[tuple[int, str]]) -> bool:
    return any("\t" in text.strip("\t ") for _, text in lines)


def label_width(doc: SourceDocument, block: TableBlock) -> int:
    """Number of label cells (code, name) before the first amount column of a tab header."""
    for _, text in doc.numbered(block.start_line, block.header_end_line):
        cells = text.split("\t")
        if len(cells) < 3 or not any(_LABEL_CELL.search(c) for c in cells):
            continue
        for index, cell in enumerate(cells):
            if squash(cell) and not _LABEL_CELL.search(cell):
                return index
    return 2


def _tab_rows(lines: Sequence[tuple[int, str]], labels: int, width: int) -> tuple[list[PrintedRow], list[int]]:
    """Rows of a tab layout; a line without code or figures continues the row above (wrapped cell)."""
    rows: list[PrintedRow] = []
    stray: list[int] = []
    for number, text in lines:
        cells = text.split("\t")
        label_cells = [squash(c) for c in cells[:labels]]
        values = [squash(c) or None for c in cells[labels : labels + width]]
        values += [None] * (width - len(values))
        code = next((c for c in label_cells if _CODE.match(c)), None)
        name = "".join(c for c in label_cells if c and c != code)
        if any(v is not None and not _FIGURE_CELL.fullmatch(v) for v in values) or _PRINTED_FIGURE.search(name):
            # The header's label columns do not fit this line (a split code, two figures in one
            # cell, blank cells not printed): read its cells by what they hold.
            compact = _compact_row(text.strip("\t").split("\t"), width, number)
            if compact is not None:
                rows.append(compact)
                continue
        if not any(values) and code is None:
            if rows and not any(_PRINTED_FIGURE.search(c) for c in label_cells):
                rows[-1].name += name
                rows[-1].lines.append(number)
            else:
                stray.append(number)
            continue
        rows.append(PrintedRow(code, name, values, True, [number]))
    return rows, stray


def _compact_row(cells: Sequence[str], width: int, number: int) -> PrintedRow | None:
    """A row whose blank cells were not printed (PDF text): code parts, a name, then figures.

    The code may be printed split over cells (类 款 项: ``201``, ``03``, ``01``) and two figures
    may share a cell when the columns are narrow; the figures are then positional only when
    every amount column printed one. None when the cells do not read as such a row.
    """
    parts = [squash(c) for c in cells]
    code_parts: list[str] = []
    for cell in parts:
        if (
            not re.fullmatch(r"\d{2,}", cell)
            or len(code_parts) != 0
            and len(cell) != 2
            or not code_parts
            and len(cell) < 3
        ):
            break
        code_parts.append(cell)
    rest = len(code_parts)
    glued = re.fullmatch(r"\s*(\d{2})\s+(\D.*)", cells[rest]) if code_parts and rest < len(cells) else None
    if glued:  # the last code part printed in the name's cell, a space apart: "01 行政运行"
        code_parts.append(glued.group(1))
        parts[rest] = squash(glued.group(2))
    first_figure = next(
        (i for i in range(rest, len(parts)) if all(_FIGURE_CELL.fullmatch(v) for v in cells[i].split())), len(parts)
    )
    name = "".join(parts[rest:first_figure])
    values = [v for cell in cells[first_figure:] for v in cell.split()]
    if not name or not all(_FIGURE_CELL.fullmatch(v) for v in values) or len(values) > width:
        return None
    return PrintedRow("".join(code_parts) or None, name, values, len(values) == width, [number])


def _starts_line(tokens, index: int) -> bool:
    return index == 0 or tokens[index - 1].line != tokens[index].line


def _opens_row(tokens, index: int) -> bool:
    """A code: an integer of 3+ digits followed by a name, or alone on its line (name below)."""
    token = tokens[index]
    if token.kind != "int" or len(token.text) < 3:
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is None or following.kind == "text" or following.line != token.line


def _stream_rows(lines: Sequence[tuple[int, str]]) -> tuple[list[PrintedRow], list[int]]:
    """Rows of space or PDF text: code and name, then figures; text after figures opens a new row."""
    tokens = []
    for number, text in lines:
        tokens.extend(tokenize(text, number))
    tokens = repair_split_numbers(tokens)
    rows: list[PrintedRow] = []
    current: PrintedRow | None = None
    for index, token in enumerate(tokens):
        is_code = _opens_row(tokens, index) and (
            current is None
            or not current.values
            or not current.code
            and not current.name
            or _starts_line(tokens, index)
        )
        if current is not None and current.values and (token.kind == "text" or is_code):
            current = None
        if current is None:
            current = PrintedRow(None, "", [], False, [])
            rows.append(current)
        for line in (token.line, *token.also):
            if line not in current.lines:
                current.lines.append(line)
        if is_code and current.code is None:
            current.code = token.text
        elif token.kind in ("amount", "int"):
            current.values.append(token.text)
        else:
            current.name += squash(token.text)
    return rows, []


def read_rows(doc: SourceDocument, block: TableBlock, width: int) -> tuple[list[PrintedRow], list[int], list[int]]:
    """(rows, column-numbering lines, stray lines) of a row table with ``width`` amount columns.

    Every line a row took is in its ``lines``; the numbering (栏次) lines are header-like;
    stray lines fit no row (text before the first row, figures outside the amount columns).
    """
    numbering: list[int] = []
    lines: list[tuple[int, str]] = []
    for number, text in data_lines(doc, block):
        if "栏次" in squash(text) or is_column_numbering(text):
            numbering.append(number)
        else:
            lines.append((number, text))
    if is_tabbed(lines):
        rows, stray = _tab_rows(lines, label_width(doc, block), width)
    else:
        rows, stray = _stream_rows(lines)
    return rows, numbering, stray


def stray_lines(
    doc: SourceDocument, block: TableBlock, stray: Sequence[int]
) -> tuple[list[CoverageLine], list[Finding]]:
    """Lines read_rows could fit to no row: never dropped, each an error naming file and line."""
    cover = [coverage(doc, block, number, "finding", "a line that fits no row") for number in stray]
    findings = [
        Finding(
            doc.document_id,
            "unreadable_line",
            "error",
            f"{doc.file_name}:{number} {block.label} {block.title}: a line that fits no row "
            f"(text before the first row, or figures outside the amount columns)",
            number,
        )
        for number in stray
    ]
    return cover, findings


def amounts_of(values: Sequence[str | None]) -> list[Decimal]:
    """The printed figures as Decimals; a blank cell (None, ``-``) is 0."""
    out = []
    for value in values:
        amount = parse_amount(value) if value else None
        out.append(amount if amount is not None else Decimal(0))
    return out


def place(
    values: Sequence[Decimal], width: int, holds: Callable[[list[Decimal]], bool]
) -> tuple[list[Decimal] | None, bool]:
    """(one figure per column, placed exactly?) for a row whose blank cells vanished.

    Keeps the printed order and takes the leftmost placement for which the row's own
    identities hold (``holds``); None when the row prints more figures than columns.
    """
    k = len(values)
    if k > width:
        return None, False
    if k == width:
        return list(values), True
    leftmost: list[Decimal] | None = None
    for count, chosen in enumerate(itertools.combinations(range(width), k)):
        placed = [Decimal(0)] * width
        for value, index in zip(values, chosen):
            placed[index] = value
        leftmost = leftmost or placed
        if holds(placed) or count >= _MAX_PLACEMENTS:
            return placed, False
    return leftmost, False


def parents(codes: Sequence[str | None]) -> list[int | None]:
    """For each row, the index of its parent: the row with the longest printed code that is a
    proper prefix of its code (202 for 202001; 21015 for 2101501 or a cut-short 210150)."""
    out: list[int | None] = []
    for code in codes:
        best: int | None = None
        if code:
            for index, other in enumerate(codes):
                if (
                    other
                    and len(other) < len(code)
                    and code.startswith(other)
                    and (best is None or len(other) > len(codes[best] or ""))
                ):
                    best = index
        out.append(best)
    return out


def unreadable_row(
    doc: SourceDocument, block: TableBlock, row: PrintedRow, reason: str
) -> tuple[list[CoverageLine], Finding]:
    """A row whose figures cannot be placed: each of its lines accounted as a finding, and the error naming it."""
    detail = (
        f"{doc.file_name}:{row.line} {block.label} {block.title}: {reason}: "
        f"{row.code or ''} {row.name} {' '.join(v or '' for v in row.values)}"
    )
    cover = [coverage(doc, block, n, "finding", reason) for n in row.lines]
    return cover, Finding(doc.document_id, "unreadable_line", "error", detail, row.line)
