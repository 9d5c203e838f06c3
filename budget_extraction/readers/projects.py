"""项目支出表: one ProjectLine per project, department/unit/category rows accounted as parents.

A project row carries a project code (42010726202T000000100: region, year,
department, a kind letter R/Y/T, a serial); department (202), unit (202001)
and category (31 本级支出项目, 1 人员经费) rows carry short codes and are
subtotals. Three layouts are read: tab cells, one row per line with spaces,
and PDF text where one row's cells are spread over many lines (there a row
is closed when it has as many figures as the header has amount columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..lines import (
    Token,
    coverage,
    data_lines,
    header_text,
    mismatch_finding,
    note_lines,
    repair_split_numbers,
    squash,
    tokenize,
    unit_of,
)
from ..model import CoverageLine, Finding, ProjectLine
from ..numbers import is_blank_cell, parse_amount, to_wan
from ..source import SourceDocument
from ..tables import TableBlock

_FULL_CODE = re.compile(r"^\d{8,}[A-Z]\d{6,}$")
_HEADER_WORDS = re.compile(
    r"(?P<total>合计|总计)|(?P<group>本年拨款|财政拨款结转结余|上年结转结余|上年结转|结转结余)"
    r"|(?P<gpb>一般公共预算)|(?P<gf>政府性基金)|(?P<sc>国有资本经营)"
    r"|(?P<other>财政专户管理资金|财政专户|单位资金|事业单位经营收入|事业收入|上级补助收入|附属单位上缴收入|其他收入|其他资金)"
)


def amount_columns(header: str) -> list[str]:
    """The fund source of each amount column (total | gpb | gf | sc | other), in printed order.

    Sub-columns (一般公共预算, 政府性基金, 国有资本经营) printed under groups such as 本年拨款
    and 财政拨款结转结余 are shared out among the groups in order, whatever header line
    they were printed on; columns spanning both header lines (财政专户, 单位资金) stay
    where their title stands.
    """
    words = [(m.lastgroup, m.start()) for m in _HEADER_WORDS.finditer(header)]
    groups = [start for kind, start in words if kind == "group"]
    if not groups:
        return [kind for kind, _ in words if kind != "group"]
    first_group = groups[0]
    children = [kind for kind, start in words if kind in ("gpb", "gf", "sc") and start > first_group]
    if len(children) % len(groups):
        return [kind for kind, _ in words if kind != "group"]
    per_group = len(children) // len(groups)
    columns: list[str] = []
    group_index = 0
    for kind, start in words:
        if kind == "group":
            columns.extend(children[group_index * per_group : (group_index + 1) * per_group])
            group_index += 1
        elif kind in ("gpb", "gf", "sc") and start > first_group:
            continue
        else:
            columns.append(kind)
    return columns


@dataclass
class Row:
    """One printed row of the project table, however many lines it took."""

    line: int
    code_parts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    unit_cell: str | None = None
    values: list[str | None] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # token kinds in reading order: c(ode) t(ext) a(mount)

    @property
    def code(self) -> str:
        return "".join(self.code_parts)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def _code_incomplete(code: str) -> bool:
    """A project code the PDF cut off: a long digit run or a letter without its full serial."""
    if not code:
        return False
    if re.search(r"[A-Z]", code):
        return not _FULL_CODE.match(code)
    return len(code) >= 7


def _header_cells(doc: SourceDocument, block: TableBlock) -> list[str]:
    """The first header line's tab cells (squashed), for tab layouts."""
    for _, text in doc.numbered(block.start_line, block.header_end_line):
        if "\t" in text and re.search(r"编码|代码|名称", text):
            return [squash(c) for c in text.split("\t")]
    return []


def _tab_rows(doc, block, lines, width) -> list[Row]:
    """Rows of a tab layout: code, name, unit and amount cells by the header's cell positions."""
    cells = _header_cells(doc, block)
    first_amount = next((i for i, c in enumerate(cells) if re.search(r"合计|总计", c)), 3)
    code_col = next((i for i, c in enumerate(cells[:first_amount]) if re.search(r"编码|代码", c)), None)
    unit_col = next((i for i, c in enumerate(cells[:first_amount]) if "单位" in c and i != code_col), None)
    rows: list[Row] = []
    for number, text in lines:
        parts = text.split("\t")
        values = [squash(v) or None for v in parts[first_amount : first_amount + width]]
        values += [None] * (width - len(values))
        texts = [squash(p) for i, p in enumerate(parts[:first_amount]) if i not in (code_col, unit_col)]
        code = squash(parts[code_col]) if code_col is not None and code_col < len(parts) else ""
        unit = squash(parts[unit_col]) if unit_col is not None and unit_col < len(parts) else ""
        if rows and not any(values) and not code:  # a wrapped cell: the rest of the row above
            rows[-1].texts.extend(texts)
            rows[-1].unit_cell = (rows[-1].unit_cell or "") + unit or None
            rows[-1].lines.append(number)
            continue
        rows.append(Row(number, [code] if code else [], texts, unit or None, values, [number]))
    return rows


def _is_figure(token: Token, row: Row, whole: bool) -> bool:
    """A figure of the row: a decimal amount; in a table of whole numbers (元) also an integer or a
    dash once the row's name has been read (codes come before the name)."""
    if token.kind == "amount":
        return True
    if not whole or not row.texts:
        return False
    return token.kind == "int" or is_blank_cell(token.text)


def _stream_rows(lines, width) -> tuple[list[Row], list[Token]]:
    """Rows of space or PDF text: a row closes when it has one figure per amount column."""
    tokens: list[Token] = []
    for number, text in lines:
        tokens.extend(tokenize(text, number))
    tokens = repair_split_numbers(tokens)
    whole = not any(t.kind == "amount" and "." in t.text for t in tokens)
    rows: list[Row] = []
    current: Row | None = None
    for token in tokens:
        if current is None:
            current = Row(token.line)
        current.lines.append(token.line)
        if _is_figure(token, current, whole):
            current.values.append(token.text)
        elif token.kind in ("code", "int"):
            current.code_parts.append(token.text)
        else:
            current.texts.append(squash(token.text))
        current.order.append({"amount": "a", "code": "c", "int": "c"}.get(token.kind, "t"))
        if len(current.values) == width:
            rows.append(current)
            current = None
    open_lines = set(current.lines) if current is not None else set()  # the lines of a row never closed
    leftover = [t for t in tokens if t.line in open_lines]
    _rejoin_codes(rows)
    return rows, leftover


def _rejoin_codes(rows: list[Row]) -> None:
    """Give back to a row the code pieces the PDF printed after its figures (they open the next row)."""
    for before, after in zip(rows, rows[1:]):
        while _code_incomplete(before.code) and after.order and after.order[0] == "c":
            before.code_parts.append(after.code_parts.pop(0))
            after.order.pop(0)


_UNIT_NAME_END = re.compile(
    r"(?:局|院|中心|所|站|委员会|办公室|学校|小学|中学|幼儿园|馆|队|处|厅|社|部|委|办|会|校)(?:本级)?$"
)


def _take_unit_cell(row: Row) -> None:
    """In space text the 项目单位 cell is the last text piece of a project row when it reads as a
    unit's name (…局, …中心, …学校); otherwise the unit stays woven into the name and is removed
    later by the unit rows' names (remove_unit)."""
    if row.unit_cell is None and len(row.texts) >= 2 and re.search(r"[A-Z]", row.code):
        if _UNIT_NAME_END.search(row.texts[-1]) and len(row.texts[-1]) >= 3:
            row.unit_cell = row.texts.pop()


def remove_unit(text: str, unit: str) -> str:
    """The project name: the row's text without the unit name the PDF wove into it."""
    best: tuple[int, list[int]] = (0, [])
    for start, char in enumerate(text):
        if char != unit[0]:
            continue
        taken, position = [], start
        for wanted in unit:
            found = text.find(wanted, position)
            if found < 0:
                break
            taken.append(found)
            position = found + 1
        if len(taken) > best[0]:
            best = (len(taken), taken)
    if best[0] < min(3, len(unit)):
        return text
    drop = set(best[1])
    return "".join(c for i, c in enumerate(text) if i not in drop)


def _decimal(value: str | None, unit: str) -> Decimal:
    amount = parse_amount(value) if value else None
    return to_wan(amount if amount is not None else Decimal(0), unit)


def _funds(row: Row, columns: list[str], unit: str) -> dict[str, Decimal]:
    sums = {kind: Decimal(0) for kind in ("total", "gpb", "gf", "sc", "other")}
    for kind, value in zip(columns, row.values):
        sums[kind] += _decimal(value, unit)
    if "total" not in columns:
        sums["total"] = sums["gpb"] + sums["gf"] + sums["sc"] + sums["other"]
    return sums


def parse_projects(
    doc: SourceDocument, block: TableBlock
) -> tuple[list[ProjectLine], list[CoverageLine], list[Finding]]:
    """ProjectLine per project row; totals and subtotals go to coverage and checks."""
    unit = unit_of(doc, block)
    columns = amount_columns(header_text(doc, block))
    lines = list(data_lines(doc, block))
    cover = [coverage(doc, block, n, "note", squash(t)[:60]) for n, t in note_lines(doc, block)]
    findings: list[Finding] = []
    if not columns:
        if lines:
            findings.append(
                Finding(
                    doc.document_id,
                    "unreadable_table",
                    "error",
                    f"{doc.file_name}:{block.start_line} {block.label} {block.title}: "
                    "no amount columns recognised in the header",
                    block.start_line,
                )
            )
            cover.extend(coverage(doc, block, n, "finding", "no amount columns") for n, _ in lines)
        return [], cover, findings
    width = len(columns)
    if any("\t" in t for _, t in lines):
        rows, leftover = _tab_rows(doc, block, lines, width), []
    else:
        rows, leftover = _stream_rows(lines, width)
        if re.search(r"名称.*单位", header_text(doc, block)):
            for row in rows:
                _take_unit_cell(row)
    for number in sorted({t.line for t in leftover}):
        cover.append(coverage(doc, block, number, "finding", "figures that do not fill a whole row"))
        findings.append(
            Finding(
                doc.document_id,
                "unreadable_line",
                "error",
                f"{doc.file_name}:{number} {block.label} {block.title}: project-table line whose "
                f"figures do not fill a row of {width} amount columns",
                number,
            )
        )
    projects, printed_total, total_line = _classify(doc, block, rows, columns, unit, cover, findings)
    if printed_total is not None:
        found = mismatch_finding(
            doc,
            block,
            "project_total_mismatch",
            "项目支出表 合计 vs sum of the projects",
            printed_total,
            sum((p.amount_total for p in projects), Decimal(0)),
            unit,
            total_line,
        )
        findings.extend([found] if found else [])
    return projects, cover, findings


def _classify(doc, block, rows, columns, unit, cover, findings):
    """Tell projects from totals and parents; build the ProjectLines."""
    coded_projects = any(re.search(r"[A-Z]", r.code) for r in rows)
    projects: list[ProjectLine] = []
    printed_total: Decimal | None = None
    total_line: int | None = None
    current_unit: str | None = None
    unit_rows: list[tuple[Row, Decimal, list[ProjectLine]]] = []  # 6-digit unit subtotal rows and their projects
    for row in rows:
        funds = _funds(row, columns, unit)
        code, text = row.code, row.text
        extra = [n for n in dict.fromkeys(row.lines) if n != row.line]
        letter = re.search(r"[A-Z]", code)
        if not letter and (re.fullmatch(r"合计|总计|", text) and not code.isdigit()):
            printed_total, total_line = funds["total"], row.line
            cover.append(coverage(doc, block, row.line, "total", "项目支出表 合计"))
            cover.extend(coverage(doc, block, n, "total", f"continued from line {row.line}") for n in extra)
            continue
        if not letter and (code or coded_projects or not row.unit_cell):
            if len(code) == 6 or (len(code) == 3 and current_unit is None):
                current_unit = text or current_unit
            if len(code) == 6:
                unit_rows.append((row, funds["total"], []))
            cover.append(coverage(doc, block, row.line, "parent", f"{code} {text}".strip()))
            cover.extend(coverage(doc, block, n, "parent", f"continued from line {row.line}") for n in extra)
            continue
        unit_name = row.unit_cell or current_unit
        name = text if row.unit_cell or not unit_name else remove_unit(text, unit_name)
        kind = letter.group(0) if letter and letter.group(0) in "RYT" else None
        if code and _code_incomplete(code):
            findings.append(
                Finding(
                    doc.document_id,
                    "project_code_incomplete",
                    "warning",
                    f"{doc.file_name}:{row.line} {block.label}: project code {code!r} is not a whole code as printed",
                    row.line,
                )
            )
        projects.append(
            ProjectLine(
                doc.document_id,
                code or None,
                name,
                unit_name,
                kind,
                funds["total"],
                funds["gpb"],
                funds["gf"],
                funds["sc"],
                funds["other"],
                unit,
                block.label,
                row.line,
            )
        )
        if unit_rows:
            unit_rows[-1][2].append(projects[-1])
        cover.append(coverage(doc, block, row.line, "fact", f"project {code} {name}".strip()))
        cover.extend(coverage(doc, block, n, "fact", f"continued from line {row.line}") for n in extra)
        parts = funds["gpb"] + funds["gf"] + funds["sc"] + funds["other"]
        if "total" in columns and len(columns) > 1:
            found = mismatch_finding(
                doc,
                block,
                "project_row_sum_mismatch",
                f"project {code} {name} 合计 vs its fund sources",
                funds["total"],
                parts,
                unit,
                row.line,
            )
            findings.extend([found] if found else [])
    for row, printed, members in unit_rows:
        found = mismatch_finding(
            doc,
            block,
            "project_unit_total_mismatch",
            f"unit {row.code} {row.text} vs the sum of its projects",
            printed,
            sum((p.amount_total for p in members), Decimal(0)),
            unit,
            row.line,
        )
        findings.extend([found] if found else [])
    return projects, printed_total, total_line
