"""一般公共预算支出表（分单位）: general-public-budget expenditure by unit (表 5-2).

One row per unit (部门 202, its units 202001 …) and a 合计 row, with the columns
合计, 基本支出 (小计, 人员经费, 公用经费) and 项目支出, told by their header words
(columns.tab_columns / stream_columns). Each row is checked on its own
(基本 + 项目 = 合计, 人员 + 公用 = 基本), every unit that has sub-units against
them, and the top units against the 合计 row.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .. import codes as C
from ..columns import (
    BASIC,
    PERSONNEL,
    PROJECT,
    PUBLIC,
    TOTAL,
    header_lines,
    header_roles,
    identities_hold,
    tab_columns,
)
from ..lines import coverage, mismatch_finding, note_lines, squash, unit_of
from ..model import CoverageLine, Finding, UnitExpenditureLine
from ..numbers import to_wan, tolerance_wan
from ..row_tables import PrintedRow, amounts_of, label_width, parents, place, read_rows, stray_lines, unreadable_row
from ..source import SourceDocument
from ..tables import TableBlock

_ROLES = (TOTAL, BASIC, PERSONNEL, PUBLIC, PROJECT)
_NAMES = {TOTAL: "合计", BASIC: "基本支出", PERSONNEL: "人员经费", PUBLIC: "公用经费", PROJECT: "项目支出"}


def unit_columns(doc: SourceDocument, block: TableBlock) -> list[str | None]:
    """The role of each amount column in printed order (None for a column we do not keep)."""
    header = header_lines(doc, block)
    if any("\t" in line for line in header):
        roles = tab_columns(header, C.FUNCTIONAL)
        first = label_width(doc, block)
        width = max(roles, default=first - 1) - first + 1
        return [roles.get(first + i) for i in range(max(width, 0))]
    return list(header_roles(header, C.FUNCTIONAL))


def _by_role(columns: Sequence[str | None], values: Sequence[Decimal]) -> dict[str, Decimal]:
    return {role: value for role, value in zip(columns, values) if role in _ROLES}


def _row_checks(doc, block, unit, row: PrintedRow, amounts: dict[str, Decimal]) -> list[Finding | None]:
    """基本支出 + 项目支出 = 合计 and 人员经费 + 公用经费 = 基本支出, where the table prints them."""
    label = f"{row.code or ''} {row.name}".strip()
    out = []
    if {TOTAL, BASIC, PROJECT} <= amounts.keys():
        out.append(
            mismatch_finding(
                doc,
                block,
                "basic_plus_project",
                f"{label}: 基本支出 + 项目支出 vs 合计",
                amounts[TOTAL],
                amounts[BASIC] + amounts[PROJECT],
                unit,
                row.line,
            )
        )
    if {BASIC, PERSONNEL, PUBLIC} <= amounts.keys():
        out.append(
            mismatch_finding(
                doc,
                block,
                "personnel_plus_public",
                f"{label}: 人员经费 + 公用经费 vs 基本支出",
                amounts[BASIC],
                amounts[PERSONNEL] + amounts[PUBLIC],
                unit,
                row.line,
            )
        )
    return out


def _unit_checks(doc, block, unit, rows: list[tuple[PrintedRow, dict[str, Decimal]]]) -> list[Finding | None]:
    """Every unit with sub-units vs their sum; the top units vs the 合计 row (per column)."""
    parent_of = parents([row.code for row, _ in rows])
    children: dict[int | None, list[int]] = {}
    for index, parent in enumerate(parent_of):
        if rows[index][0].code is not None:
            children.setdefault(parent, []).append(index)
    total = next((i for i, (row, _) in enumerate(rows) if row.is_total), None)
    out = []
    for parent, kids in children.items():
        head = parent if parent is not None else total
        if head is None:
            continue
        row, amounts = rows[head]
        check = "unit_total_mismatch" if parent is None else "unit_subunits_mismatch"
        what = "合计 vs the sum of the units" if parent is None else f"{row.code} {row.name} vs its sub-units"
        for role, printed in amounts.items():
            computed = sum((rows[k][1].get(role, Decimal(0)) for k in kids), Decimal(0))
            out.append(
                mismatch_finding(doc, block, check, f"{what} ({_NAMES[role]})", printed, computed, unit, row.line)
            )
    return out


def parse_unit_expenditure(
    doc: SourceDocument, block: TableBlock
) -> tuple[list[UnitExpenditureLine], list[CoverageLine], list[Finding]]:
    """One UnitExpenditureLine per printed unit row and the 合计 row; checks and coverage."""
    unit = unit_of(doc, block)
    columns = unit_columns(doc, block)
    rows, numbering, stray = read_rows(doc, block, max(len(columns), 1))
    cover = [coverage(doc, block, n, "header", "column numbering (栏次)") for n in numbering]
    cover.extend(coverage(doc, block, n, "note", squash(t)[:60]) for n, t in note_lines(doc, block))
    findings: list[Finding | None] = []
    tolerance = tolerance_wan(unit)
    read: list[tuple[PrintedRow, dict[str, Decimal]]] = []
    stray_cover, stray_findings = stray_lines(doc, block, stray)
    cover.extend(stray_cover)
    findings.extend(stray_findings)
    for row in rows:
        values = [to_wan(v, unit) for v in amounts_of(row.values)]
        placed, _ = (
            (values, True)
            if row.positional
            else place(values, len(columns), lambda v: identities_hold(_by_role(columns, v), list(columns), tolerance))
        )
        if placed is None or not columns or not (row.code or row.is_total):
            reason = (
                "more figures than the header has columns"
                if placed is None or not columns
                else "figures without a unit code or 合计 name"
            )
            lines, finding = unreadable_row(doc, block, row, reason)
            cover.extend(lines)
            findings.append(finding)
            continue
        read.append((row, _by_role(columns, placed)))
    lines, row_cover = _lines(doc, block, unit, read)
    cover.extend(row_cover)
    for row, amounts in read:
        findings.extend(_row_checks(doc, block, unit, row, amounts))
    findings.extend(_unit_checks(doc, block, unit, read))
    return lines, cover, [f for f in findings if f]


def _lines(doc, block, unit, read) -> tuple[list[UnitExpenditureLine], list[CoverageLine]]:
    """The rows and their coverage: 合计 row total, a unit with sub-units parent, others fact."""
    parent_of = parents([row.code for row, _ in read])
    has_children = {p for p in parent_of if p is not None}
    lines, cover = [], []
    for index, (row, amounts) in enumerate(read):
        kind = "total" if row.code is None else "unit"
        lines.append(
            UnitExpenditureLine(
                doc.document_id,
                block.kind,
                row.code,
                row.name if kind == "unit" else None,
                kind,
                amounts.get(TOTAL),
                amounts.get(BASIC),
                amounts.get(PERSONNEL),
                amounts.get(PUBLIC),
                amounts.get(PROJECT),
                unit,
                block.label,
                row.line,
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
                f"unit row {label}" + ("" if n == row.line else f" (continued from line {row.line})"),
            )
            for n in row.lines
        )
    return lines, cover


def parse_unit_expenditure_tables(
    doc: SourceDocument, blocks: Sequence[TableBlock]
) -> tuple[list[UnitExpenditureLine], list[CoverageLine], list[Finding]]:
    """Every 一般公共预算支出表（分单位） of a document."""
    lines: list[UnitExpenditureLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    for block in blocks:
        if block.kind != "general_public_by_unit":
            continue
        rows, table_cover, found = parse_unit_expenditure(doc, block)
        lines.extend(rows)
        cover.extend(table_cover)
        findings.extend(found)
    return lines, cover, findings
