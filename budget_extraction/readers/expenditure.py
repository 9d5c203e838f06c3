"""Expenditure tables (支出总表, 一般公共预算支出表, 一般公共预算基本支出表, 政府性基金 / 国有资本经营
预算支出表 and their 决算 twins) -> one ExpenditureLine per printed row.

The parser works from the table's structure only:

* columns are mapped by header words (合计 / 基本支出 / 项目支出 / 人员经费 / 公用经费),
  by cell position where the text keeps tab-separated cells, otherwise in the national
  template's order (合计, 基本支出[小计, 人员经费, 公用经费], 项目支出, other columns);
* a row is a code, its name and its amounts, which PDF text may spread over several lines
  in any order (name above the code, amounts before the code); codes and amount groups are
  paired in document order;
* where a space-separated row prints fewer amounts than the table has columns (blank
  cells vanish), the leftmost placement consistent with the row's own identities is used
  unless the parent row's figures show the amounts sit in other columns;
* truncated codes are repaired (codes.repair_code) and reported; every candidate line is
  accounted for in a CoverageLine, and a line that cannot be read is an error Finding.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .. import codes as C
from ..columns import (
    BASIC,
    OTHER,
    PERSONNEL,
    PROJECT,
    PUBLIC,
    TOTAL,
    compact,
    header_lines,
    header_roles,
    identities_hold,
    tab_columns,
)
from ..model import CoverageLine, ExpenditureLine, Finding, TableRow
from ..numbers import (
    ROUNDING_TOLERANCE_PRINTED,
    is_amount,
    join_split_amount,
    parse_amount,
    split_glued_amounts,
    split_leading_amount,
    table_decimals,
    to_wan,
    tolerance_wan,
)
from ..source import SourceDocument
from ..tables import TableBlock, find_tables, is_empty_note, is_financial, is_header_line, table_rows

EXPENDITURE_KINDS: dict[str, tuple[str, str]] = {
    "expenditure_summary": ("all_funds", C.FUNCTIONAL),
    "general_public_functional": ("general_public_budget", C.FUNCTIONAL),
    "general_public_basic_economic": ("general_public_budget", C.ECONOMIC),
    "government_fund": ("government_fund", C.FUNCTIONAL),
    "state_capital": ("state_capital", C.FUNCTIONAL),
}

# Tables read and checked but not loaded: 财政拨款 (一般公共预算 + 政府性基金) has no fund scope in
# the contract; the same money is loaded from the 一般公共预算 and 政府性基金 tables.
CHECKED_ONLY_KINDS: dict[str, tuple[str, str]] = {
    "fiscal_appropriation_functional": ("fiscal_appropriation", C.FUNCTIONAL),
    "fiscal_appropriation_basic_economic": ("fiscal_appropriation", C.ECONOMIC),
}
_AMOUNT_FIELDS = ("amount_total", "amount_basic", "amount_project", "amount_personnel", "amount_public")

_ROLE_ORDER = (TOTAL, BASIC, PERSONNEL, PUBLIC, PROJECT)
_MAX_COMBINATIONS = 4096

_TOTAL_WORD = re.compile(r"^(?:合计|总计|本年支出合计|支出合计)$")
# A page number: at most 3 digits alone on a line (a page footer, never an amount with separators).
_PAGE_NUMBER = re.compile(r"\d{1,3}")
# An empty cell between two tabs or at the end of a line: the text keeps its blank cells.
_BLANK_CELL = re.compile(r"^[ ]*\t|\t[ ]*(?:\t|$)")
# A code printed in its parts within one cell: 208 05 05.
_SPACED_CODE = re.compile(r"\d{3}(?:\s+\d{2}){1,2}")
_CELL_GAP = re.compile(r"[\s\t]+")
_COLUMN_NUMBERS_LINE = re.compile(r"^\s*栏次")
_NOTE_LINE = re.compile(r"^\s*(?:备注|注|说明)\s*\d?\s*[:：.．]|^\s*\d\s*[.．、]\s*\D")


# --------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# Lines -> events
# --------------------------------------------------------------------------------------


@dataclass
class _Amounts:
    line: int
    values: list[Decimal | None]  # in printed order
    positions: list[str | None] | None  # role per value when the cell position says so
    total_marker: bool = False
    text: str = ""


@dataclass
class _Event:
    kind: str  # code | text | amounts
    line: int
    code: str | None = None
    text: str = ""
    amounts: _Amounts | None = None


def _code_prefix(cells: list[str], classification: str) -> tuple[str | None, int]:
    """(code, number of cells it used) at the start of a row: ``2080505`` or ``208 05 05``
    (as separate cells, or as one tab cell holding the columns)."""
    if not cells:
        return None, 0
    first = cells[0]
    if _SPACED_CODE.fullmatch(first):
        joined = C.join_code_parts(first.split(), classification)
        return (joined, 1) if joined else (None, 0)
    if not first.isdigit():
        return None, 0
    if len(first) == 3 and len(cells) > 1 and len(cells[1]) == 2 and cells[1].isdigit():
        parts = [first, cells[1]]
        if len(cells) > 2 and len(cells[2]) == 2 and cells[2].isdigit():
            parts.append(cells[2])
        following = cells[len(parts)] if len(cells) > len(parts) else ""
        if not is_amount(following) or "." not in following:
            joined = C.join_code_parts(parts, classification)
            if joined:
                return joined, len(parts)
    if 3 <= len(first) <= 7 and first[0] in "23" and C.plausible_class(first):
        return first, 1
    return None, 0


def _repeated_code_size(tokens: list[str], code: str | None) -> int:
    """How many trailing tokens print the row's code again (``201 03 01 行政运行 … 201 03 01``), or 0."""
    if not code:
        return 0
    for size in (3, 2, 1):
        tail = tokens[-size:]
        if len(tokens) > size and all(t.isdigit() for t in tail) and "".join(tail) == code:
            return size
    return 0


def _repeats_codes(body: list[tuple[int, str]], classification: str) -> bool:
    """True when the table prints each row's code again at its end (on most coded rows): only then
    is a trailing figure equal to the code (a class code 204 is also a plausible 元 figure) dropped."""
    coded = repeated = 0
    for _, text in body:
        tokens = text.split()
        code, used = _code_prefix(tokens[:3], classification)
        if code:
            coded += 1
            repeated += _repeated_code_size(tokens[used:], code) > 0
    return coded > 0 and repeated * 2 > coded


def _split_tokens(tokens: list[str], decimals: int | None) -> list[str]:
    """Separate amounts glued to each other or to the following text."""
    out: list[str] = []
    for token in tokens:
        glued = split_glued_amounts(token, decimals)
        if glued:
            out.extend(glued)
            continue
        lead = split_leading_amount(token)
        if lead and lead[1]:
            out.extend([lead[0], lead[1]])
            continue
        out.append(token)
    return out


def _join_split(tokens: list[str], decimals: int | None) -> list[str]:
    """Join an amount broken into ``0.0`` + ``0`` back together."""
    out: list[str] = []
    for token in tokens:
        if out:
            joined = join_split_amount(out[-1], token, decimals)
            if joined:
                out[-1] = joined
                continue
        out.append(token)
    return out


def _is_amount_token(token: str) -> bool:
    return is_amount(token)


def _line_events(
    number: int,
    text: str,
    classification: str,
    decimals: int | None,
    columns: dict[int, str] | None,
    serial: bool = False,
    repeated_codes: bool = False,
) -> list[_Event]:
    """Events of one table line: an optional code, name text and a group of amounts.

    ``serial``: the header prints a 序号/行次 column, whose leading number is neither code nor amount.
    """
    events: list[_Event] = []
    if "\t" in text and columns is not None:
        cells = [c.strip() for c in text.split("\t")]
        nonempty_index = next((i for i, c in enumerate(cells) if c), None)
        if nonempty_index is None:
            return events
        skip: set[int] = set()
        if serial and nonempty_index not in columns and re.fullmatch(r"\d{1,3}", cells[nonempty_index]):
            skip.add(nonempty_index)  # the 序号 cell: neither code nor name
            nonempty_index = next((i for i, c in enumerate(cells) if c and i > nonempty_index), None)
            if nonempty_index is None:
                return events
        code, used = _code_prefix([c for c in cells[nonempty_index:] if c][:3], classification)
        if code:
            events.append(_Event("code", number, code=code))
            k, seen = nonempty_index, 0
            while seen < used and k < len(cells):
                if cells[k]:
                    skip.add(k)
                    seen += 1
                k += 1
        values: list[Decimal | None] = []
        positions: list[str | None] = []
        texts: list[str] = []
        any_amount = False
        for j, cell in enumerate(cells):
            if j in skip:
                continue
            if j in columns:
                if cell and not is_amount(cell):
                    texts.append(cell)
                    continue
                amount = parse_amount(cell) if cell else None
                any_amount = any_amount or amount is not None
                values.append(amount if amount is not None else Decimal(0))
                positions.append(columns[j])
            elif cell:
                texts.append(cell)
        name = "".join(texts)
        marker = bool(_TOTAL_WORD.match(compact(name)))
        if name and not marker:
            events.append(_Event("text", number, text=name))
        if any_amount or (marker and values):
            events.append(
                _Event("amounts", number, amounts=_Amounts(number, values, positions, marker, name if marker else ""))
            )
        elif marker:
            events.append(_Event("text", number, text=name))
        return events
    tokens = _join_split(_split_tokens(text.split(), decimals), decimals)
    if (
        serial
        and len(tokens) > 1
        and re.fullmatch(r"\d{1,3}", tokens[0])
        and (not is_amount(tokens[1]) or _code_prefix(tokens[1:4], classification)[0])
    ):
        tokens = tokens[1:]  # the 序号 before a code or a name
    code, used = _code_prefix(tokens[:3], classification)
    rest = tokens[used:]
    if repeated_codes:
        rest = rest[: len(rest) - _repeated_code_size(rest, code)]
    if code:
        events.append(_Event("code", number, code=code))
    texts: list[str] = []
    values: list[Decimal | None] = []
    for token in rest:
        if _is_amount_token(token) and ("." in token or "," in token or values or texts or not code):
            values.append(parse_amount(token))
        elif values:
            texts.append(token)  # text after amounts: kept as name text of the same line
        else:
            texts.append(token)
    name = "".join(texts)
    marker = bool(_TOTAL_WORD.match(compact(name)))
    if name and not marker:
        events.append(_Event("text", number, text=name))
    if values:
        events.append(_Event("amounts", number, amounts=_Amounts(number, values, None, marker, name if marker else "")))
    elif marker:
        events.append(_Event("text", number, text=name))
    return events


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------


@dataclass
class _Row:
    code: str | None  # None for the total row
    code_line: int | None
    amounts: _Amounts
    names: list[tuple[int, str]] = field(default_factory=list)
    subject_code: str | None = None
    assigned: dict[str, Decimal] | None = None
    candidates: list[dict[str, Decimal]] = field(default_factory=list)

    @property
    def lines(self) -> set[int]:
        out = {self.amounts.line} | {n for n, _ in self.names}
        if self.code_line:
            out.add(self.code_line)
        return out

    @property
    def start_line(self) -> int:
        return min(self.lines)

    @property
    def name(self) -> str:
        return "".join(t for _, t in self.names)


def _pair_events(events: list[_Event]) -> tuple[list[_Row], list[_Event]]:
    """Pair codes with amount groups in document order; return rows and unpaired events."""
    rows: list[_Row] = []
    pending_codes: list[_Event] = []
    pending_amounts: list[_Event] = []
    texts: list[_Event] = []
    row_events: list[tuple[_Row, int]] = []

    def close(code_event: _Event | None, amount_event: _Event, at: int) -> None:
        row = _Row(
            code_event.code if code_event else None, code_event.line if code_event else None, amount_event.amounts
        )
        rows.append(row)
        row_events.append((row, at))

    for index, event in enumerate(events):
        if event.kind == "text":
            texts.append(event)
            continue
        if event.kind == "amounts" and event.amounts.total_marker:
            close(None, event, index)
            continue
        if event.kind == "code":
            if pending_amounts:
                close(event, pending_amounts.pop(0), index)
            else:
                pending_codes.append(event)
        else:
            if pending_codes:
                close(pending_codes.pop(0), event, index)
            else:
                pending_amounts.append(event)
    # Names: the text after the previous row closed, up to this row's closing event.
    positions = {id(e): i for i, e in enumerate(events)}
    text_events = [(positions[id(t)], t) for t in texts]
    last_close = -1
    cursor = 0  # rows close in event order: each takes the texts after the previous one, once
    for row, at in row_events:
        window = []
        while cursor < len(text_events) and text_events[cursor][0] <= at:
            window.append(text_events[cursor][1])
            cursor += 1
        if row.code is None:
            row.names = [(t.line, t.text) for t in window if t.line == row.amounts.line]
            # the total row's own words are not a name; texts before it stay unassigned
            last_close = at
            continue
        row.names = [(t.line, t.text) for t in window]
        last_close = at
    _give_back_wrapped_names(rows)
    row_lines = set().union(*(r.lines for r in rows))
    used_text = {id(t) for _, t in text_events if t.line in row_lines}
    leftovers = (
        pending_codes
        + pending_amounts
        + [t for _, t in text_events if id(t) not in used_text and _after(t, last_close, positions)]
    )
    return rows, leftovers


def _give_back_wrapped_names(rows: list[_Row]) -> None:
    """A name cell wrapped around its row's line (PDF text: part above, part below, the code and
    amounts between) ends on the lines before the next row; that row, printing its own name on
    its line, does not take them."""
    for row, following in itertools.pairwise(rows):
        if row.code is None or following.code is None or not row.names:
            continue
        own = {row.amounts.line, row.code_line}
        next_own = {following.amounts.line, following.code_line}
        if any(line in own for line, _ in row.names) or not any(line in next_own for line, _ in following.names):
            continue
        between = [(line, text) for line, text in following.names if line < min(next_own - {None})]
        if between and all(line > max(own - {None}) for line, _ in between):
            row.names.extend(between)
            following.names = [n for n in following.names if n not in between]


def _after(event: _Event, last_close: int, positions: dict[int, int]) -> bool:
    return positions[id(event)] > last_close


# --------------------------------------------------------------------------------------
# Column assignment
# --------------------------------------------------------------------------------------


def _keyed_roles(roles: Sequence[str]) -> list[str]:
    """Roles with the 'other' columns numbered, so that each column has its own key."""
    out, n = [], 0
    for role in roles:
        if role == OTHER:
            n += 1
            out.append(f"{OTHER}{n}")
        else:
            out.append(role)
    return out


def _candidates(values: list[Decimal | None], roles: Sequence[str], tol: Decimal) -> list[dict[str, Decimal]]:
    """Placements of k printed values into n columns (order kept), identities first."""
    keyed = _keyed_roles(roles)
    k, n = len(values), len(keyed)
    vals = [v if v is not None else Decimal(0) for v in values]
    if k > n:
        return []
    placements = []
    for chosen in itertools.combinations(range(n), k):
        assignment = {role: Decimal(0) for role in keyed}
        for value, index in zip(vals, chosen):
            assignment[keyed[index]] = value
        placements.append(assignment)
    good = [p for p in placements if identities_hold(p, roles, tol)]
    return good or placements


def _children_fit(parent: dict[str, Decimal], children: Sequence[dict[str, Decimal]], tol: Decimal) -> bool:
    for role, value in parent.items():
        total = sum((c.get(role, Decimal(0)) for c in children), Decimal(0))
        if abs(total - value) > tol * max(1, len(children)):
            return False
    return True


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


@dataclass
class _Context:
    doc: SourceDocument
    block: TableBlock
    fund_scope: str
    classification: str
    unit: str
    findings: list[Finding]
    coverage: dict[int, tuple[str, str | None]]

    def finding(self, check: str, severity: str, line: int | None, detail: str) -> None:
        where = f"{self.doc.file_name}:{line}" if line else self.doc.file_name
        self.findings.append(
            Finding(self.doc.document_id, check, severity, f"{where} ({self.block.label}): {detail}", line)
        )

    def cover(self, line: int, outcome: str, detail: str | None = None) -> None:
        rank = {"finding": 5, "fact": 4, "parent": 3, "total": 3, "header": 1, "note": 0}
        if line not in self.coverage or rank[outcome] > rank[self.coverage[line][0]]:
            self.coverage[line] = (outcome, detail)


def _is_grouped_economic(header: list[str]) -> bool:
    """决算 basic-expenditure layout: code/name/amount groups side by side on one line."""
    return any(len(re.findall(r"科目\s*(?:代码|编码)", line)) >= 2 for line in header)


def _body_lines(doc: SourceDocument, block: TableBlock) -> list[tuple[int, str]]:
    return [(n, t) for n, t in doc.numbered(block.header_end_line + 1, block.end_line) if t.strip()]


def _table_decimals(body: list[tuple[int, str]]) -> int | None:
    return table_decimals(tok for _, t in body for tok in _CELL_GAP.split(t))


def _resolve_rows(ctx: _Context, rows: list[_Row], roles: Sequence[str]) -> None:
    """Give every row a column assignment; use parents to place ambiguous values."""
    tol = ROUNDING_TOLERANCE_PRINTED  # the values are still in the printed unit
    keyed = _keyed_roles(roles)
    for row in rows:
        a = row.amounts
        if a.positions is not None:
            assignment = {role: Decimal(0) for role in keyed}
            counter = 0
            for value, role in zip(a.values, a.positions):
                if role == OTHER:
                    counter += 1
                    assignment[f"{OTHER}{counter}"] = value or Decimal(0)
                elif role:
                    assignment[role] = value or Decimal(0)
            row.assigned = assignment
            row.candidates = [assignment]
        else:
            row.candidates = _candidates(a.values, roles, tol)
            if not row.candidates:
                row.assigned = None
    # Top-down through the hierarchy.
    parent_of = _parents(ctx, rows)
    children: dict[int, list[_Row]] = {}
    for row in rows:
        p = parent_of.get(id(row))
        if p is not None:
            children.setdefault(id(p), []).append(row)
    order = [r for r in rows if parent_of.get(id(r)) is None]
    queue = list(order)
    for row in order:  # a row without a parent keeps the leftmost placement
        if row.assigned is None and row.candidates:
            row.assigned = row.candidates[0]
    while queue:
        parent = queue.pop(0)
        kids = children.get(id(parent), [])
        if parent.assigned is None and parent.candidates:
            parent.assigned = parent.candidates[0]
        if kids and parent.assigned is not None:
            _place_children(ctx, parent, kids, tol)
        queue.extend(kids)
    for row in rows:
        if row.assigned is None and row.candidates:
            row.assigned = row.candidates[0]


def _parent_codes(codes) -> set[str]:
    """Every code another printed code extends (a row is a leaf when its code is not among them):
    each code's proper prefixes, collected once instead of comparing every pair of rows."""
    return {code[:end] for code in codes for end in range(1, len(code))}


def _all_same(candidates: list[dict[str, Decimal]]) -> bool:
    return all(c == candidates[0] for c in candidates)


def _place_children(ctx: _Context, parent: _Row, kids: list[_Row], tol: Decimal) -> None:
    open_kids = [k for k in kids if k.assigned is None]
    if not open_kids:
        return
    for kid in open_kids:
        pruned = [
            c for c in kid.candidates if all(v == 0 or parent.assigned.get(r, Decimal(0)) != 0 for r, v in c.items())
        ]
        kid.candidates = pruned or kid.candidates
    default = {id(k): k.candidates[0] for k in open_kids}
    fixed = [k.assigned for k in kids if k.assigned is not None]
    if _children_fit(parent.assigned, fixed + list(default.values()), tol):
        for kid in open_kids:
            kid.assigned = default[id(kid)]
        return
    sizes = 1
    for kid in open_kids:
        sizes *= len(kid.candidates)
    matches: list[tuple[dict[str, Decimal], ...]] = []
    if sizes <= _MAX_COMBINATIONS:
        for combo in itertools.product(*(k.candidates for k in open_kids)):
            if _children_fit(parent.assigned, fixed + list(combo), tol):
                matches.append(combo)
                if len(matches) > 1:
                    break
    if len(matches) == 1:
        for kid, choice in zip(open_kids, matches[0]):
            kid.assigned = choice
        return
    for kid in open_kids:
        kid.assigned = default[id(kid)]
        if len(kid.candidates) > 1 and not _all_same(kid.candidates):
            ctx.finding(
                "ambiguous_columns",
                "warning",
                kid.start_line,
                f"row {kid.subject_code or kid.code} prints {len([v for v in kid.amounts.values])} amounts for "
                f"{len(kid.candidates[0])} columns and its parent does not settle which; read left to right",
            )


def _parents(ctx: _Context, rows: list[_Row]) -> dict[int, _Row]:
    """Each subject row's parent: the nearest row above whose code is its parent code; the total row for 类."""
    total = next((r for r in rows if r.code is None), None)
    by_code: dict[str, _Row] = {}
    out: dict[int, _Row] = {}
    for row in rows:
        if row.code is None or row.subject_code is None:
            continue
        code = row.subject_code
        parent_code = C.parent_code(code, ctx.classification)
        if parent_code is None:
            if total is not None:
                out[id(row)] = total
        elif parent_code in by_code:
            out[id(row)] = by_code[parent_code]
        by_code[code] = row
    return out


def _repair(ctx: _Context, rows: list[_Row], known: dict[str, set[str]]) -> list[_Row]:
    """Full codes for every subject row; rows whose code cannot be repaired become findings."""
    kept: list[_Row] = []
    for row in rows:
        if row.code is None:
            kept.append(row)
            continue
        printed = row.code
        if C.is_full_code(printed, ctx.classification):
            row.subject_code = printed
            kept.append(row)
            continue
        repaired, source = C.repair_code(printed, row.name, ctx.classification, known)
        if repaired:
            row.subject_code = repaired
            ctx.finding(
                "code_repaired",
                "warning",
                row.code_line,
                f"printed code {printed} ({row.name}) is cut short; repaired to {repaired} from the "
                f"{'same document' if source == 'document' else 'national classification'}",
            )
            kept.append(row)
            continue
        ctx.finding(
            "code_unrepairable",
            "error",
            row.code_line,
            f"printed code {printed} ({row.name}) is not a full {ctx.classification} code and cannot be repaired",
        )
        for line in row.lines:
            ctx.cover(line, "finding", f"unrepairable code {printed}")
    return kept


def _to_line(ctx: _Context, row: _Row, roles: Sequence[str], leaf: bool) -> ExpenditureLine:
    values = row.assigned or {}

    def pick(role: str) -> Decimal | None:
        if role not in roles:
            return None
        return to_wan(values.get(role, Decimal(0)), ctx.unit)

    name = compact(row.name) if row.code is not None else None
    return ExpenditureLine(
        document_id=ctx.doc.document_id,
        table_kind=ctx.block.kind,
        fund_scope=ctx.fund_scope,
        classification=ctx.classification,
        row_kind="subject" if row.code is not None else "total",
        printed_code=row.code,
        subject_code=row.subject_code,
        subject_name=name or (C.national_name(row.subject_code, ctx.classification) if row.subject_code else None),
        amount_total=pick(TOTAL),
        amount_basic=pick(BASIC),
        amount_project=pick(PROJECT),
        amount_personnel=pick(PERSONNEL),
        amount_public=pick(PUBLIC),
        source_unit=ctx.unit,
        source_table=ctx.block.label,
        source_line=row.start_line,
    )


def _parse_flat(ctx: _Context, header: list[str], known: dict[str, set[str]]) -> list[ExpenditureLine]:
    """A one-code-column table (all functional tables and the budget economic table)."""
    body = _body_lines(ctx.doc, ctx.block)
    decimals = _table_decimals(body)
    columns = tab_columns(header, ctx.classification) if _cell_grid(header, body) else None
    if columns is not None and not any(r in (TOTAL,) for r in columns.values()):
        columns = None
    roles = _table_roles(columns, header, ctx.classification)
    serial = any(re.search(r"序\s*号|行\s*次", h) for h in header)
    events: list[_Event] = []
    repeated = _header_texts(ctx.doc, ctx.block)
    repeated_codes = columns is None and _repeats_codes(body, ctx.classification)
    for number, text in body:
        if _NOTE_LINE.match(text) or is_empty_note(text):
            ctx.cover(number, "note")
            continue
        if _COLUMN_NUMBERS_LINE.match(text):
            ctx.cover(number, "header")
            continue
        if _repeats_header(text, repeated):
            ctx.cover(number, "header", "column titles repeated on a new page")
            continue
        if is_page_number(ctx.doc, number):
            ctx.cover(number, "note", "page number")
            continue
        events.extend(_line_events(number, text, ctx.classification, decimals, columns, serial, repeated_codes))
    _total_without_label(events)
    rows, leftovers = _pair_events(events)
    for event in leftovers:
        if event.kind == "text":
            ctx.cover(event.line, "note", "text outside any row")
            continue
        what = f"code {event.code}" if event.kind == "code" else "amounts"
        ctx.finding("unparsed_line", "error", event.line, f"{what} not matched to a row")
        ctx.cover(event.line, "finding", f"unmatched {what}")
    for row in rows:
        if len(row.amounts.values) > len(roles):
            ctx.finding(
                "unparsed_line",
                "error",
                row.amounts.line,
                f"{len(row.amounts.values)} amounts for {len(roles)} columns",
            )
            for line in row.lines:
                ctx.cover(line, "finding", "too many amounts")
    rows = [r for r in rows if len(r.amounts.values) <= len(roles)]
    rows = _repair(ctx, rows, known)
    _resolve_rows(ctx, rows, roles)
    codes = [r.subject_code for r in rows if r.subject_code]
    parents = _parent_codes(codes)
    out: list[ExpenditureLine] = []
    for row in rows:
        if row.code is None:
            if all((v or 0) == 0 for v in row.amounts.values) and ctx.block.is_empty:
                for line in row.lines:
                    ctx.cover(line, "total", "blank total row of an empty table")
                continue
            if not codes:
                _check_totals_only(ctx, row, roles)
                continue
            out.append(_to_line(ctx, row, roles, leaf=False))
            for line in row.lines:
                ctx.cover(line, "total")
            continue
        leaf = row.subject_code not in parents
        out.append(_to_line(ctx, row, roles, leaf))
        for line in row.lines:
            ctx.cover(line, "fact" if leaf else "parent", row.subject_code)
    return out


def _check_totals_only(ctx: _Context, row: _Row, roles: Sequence[str]) -> None:
    """A table that prints its 合计 row and no subject row (a 支出总表 of totals only): nothing to
    load at the contract's grain, so its figures are checked against each other here."""
    values = row.assigned or {}
    if identities_hold(values, roles, ROUNDING_TOLERANCE_PRINTED):  # figures as printed, in the table's own unit
        for line in row.lines:
            ctx.cover(line, "total", "totals only, no subject rows: 合计 = 基本支出 + 项目支出 + other columns")
        return
    printed = " ".join(str(v) for v in row.amounts.values)
    ctx.finding(
        "total_row_mismatch",
        "error",
        row.amounts.line,
        f"the table prints totals only ({printed} {ctx.unit}) and its columns do not add up to its 合计",
    )
    for line in row.lines:
        ctx.cover(line, "finding", "totals that do not add up")


def _check_unloaded(ctx: _Context, read: list[ExpenditureLine]) -> None:
    """The identities the warehouse checks on a loaded table, for a table that is not loaded:
    its 合计 against its leaves and every parent against its printed children (findings)."""
    subjects = [line for line in read if line.row_kind == "subject" and line.subject_code]
    parents = _parent_codes(line.subject_code for line in subjects)
    tol = tolerance_wan(ctx.unit)
    checks: list[tuple[ExpenditureLine, list[ExpenditureLine], str]] = []
    for total in (line for line in read if line.row_kind == "total"):
        leaves = [s for s in subjects if s.subject_code not in parents]
        checks.append((total, leaves, "合计"))
    for parent in subjects:
        kids = [s for s in subjects if C.parent_code(s.subject_code, ctx.classification) == parent.subject_code]
        if kids:
            checks.append((parent, kids, parent.subject_code))
    for printed, parts, label in checks:
        for name in _AMOUNT_FIELDS:
            value = getattr(printed, name)
            summed = sum((getattr(p, name) or Decimal(0) for p in parts), Decimal(0))
            if value is not None and abs(value - summed) > tol:
                ctx.finding(
                    "parent_vs_children",
                    "error",
                    printed.source_line,
                    f"{label} {name} printed {value} 万元, its {len(parts)} rows below add up to {summed} 万元",
                )
                ctx.cover(printed.source_line, "finding", f"{label} does not add up")
    for line, (outcome, detail) in list(ctx.coverage.items()):
        if outcome == "fact":  # read and checked, but no fact row holds it
            ctx.coverage[line] = ("parent", f"checked, not loaded: {detail}")


def _header_texts(doc: SourceDocument, block: TableBlock) -> set[str]:
    """The table's title and header lines, compacted: a table continued on a new page prints them again."""
    return {compact(doc.line(n)) for n in range(block.start_line, block.header_end_line + 1) if doc.line(n).strip()}


def _repeats_header(text: str, header_texts: set[str]) -> bool:
    """A line of column titles printed again: several cells or header words, never a lone
    fragment (支出 may be the end of a wrapped name as well as of a wrapped title)."""
    return compact(text) in header_texts and ("\t" in text.strip() or is_header_line(text))


def is_page_number(doc: SourceDocument, number: int) -> bool:
    """A page's number printed under its last table row: a lone whole number, the last line of its page.

    Only PDF text knows its pages; a text file's lone number stays a figure to read.
    """
    page = doc.page_of(number)
    if page is None or not _PAGE_NUMBER.fullmatch(doc.line(number).strip()):
        return False
    following = next((n for n in range(number + 1, len(doc.lines) + 1) if doc.line(n).strip()), None)
    return following is None or doc.page_of(following) != page


def _total_without_label(events: list[_Event]) -> None:
    """A table that prints no code and one amount line prints only its total (合计 label left blank)."""
    amounts = [e for e in events if e.kind == "amounts"]
    if len(amounts) == 1 and not any(e.kind == "code" for e in events):
        amounts[0].amounts.total_marker = True


def _cell_grid(header: list[str], body: list[tuple[int, str]]) -> bool:
    """True when a tab cell's index is its column: the text keeps blank cells as empty cells.

    Text laid out from a PDF marks a gap with a tab and drops blank cells, so a row's cells
    are in column order but not at the header's indexes; such rows are read like space-separated
    ones (placed by the row's identities and its parent's figures).
    """
    tab_layout = any("\t" in h for h in header) and sum("\t" in t for _, t in body) >= max(1, len(body) // 2)
    return tab_layout and any(_BLANK_CELL.search(t) for t in header + [t for _, t in body])


def _table_roles(columns: dict[int, str] | None, header: list[str], classification: str) -> list[str]:
    if columns is not None:
        return [columns[j] for j in sorted(columns)]
    return header_roles(header, classification)


def _parse_grouped(ctx: _Context, header: list[str], known: dict[str, set[str]]) -> list[ExpenditureLine]:
    """决算 economic layout: (code, name, amount) groups side by side, 人员经费 then 公用经费."""
    body = _body_lines(ctx.doc, ctx.block)
    groups = _group_roles(header)
    rows: list[_Row] = []
    totals: dict[str, Decimal] = {}
    total_lines: list[int] = []
    for number, text in body:
        if _NOTE_LINE.match(text) or is_empty_note(text):
            ctx.cover(number, "note")
            continue
        flat = compact(text)
        if "合计" in flat:
            found = False
            for role, word in ((PERSONNEL, "人员经费合计"), (PUBLIC, "公用经费合计")):
                match = re.search(re.escape(word) + r"[^\d]*?(-?[\d,]+\.\d+)", text.replace("\t", " "))
                if match:
                    totals[role] = parse_amount(match.group(1)) or Decimal(0)
                    found = True
                elif word in flat:
                    totals[role] = Decimal(0)
                    found = True
            if found:
                total_lines.append(number)
                ctx.cover(number, "total")
                continue
        items = _grouped_items(text, groups, ctx.classification)
        if items is None:
            ctx.finding("unparsed_line", "error", number, "line of the grouped economic table not readable")
            ctx.cover(number, "finding", "unreadable grouped line")
            continue
        for code, name, amount, role in items:
            assigned = {
                TOTAL: amount,
                PERSONNEL: amount if role == PERSONNEL else Decimal(0),
                PUBLIC: amount if role == PUBLIC else Decimal(0),
            }
            row = _Row(code, number, _Amounts(number, [amount], None), [(number, name)])
            row.assigned = assigned
            rows.append(row)
    rows = _repair(ctx, rows, known)
    roles = [TOTAL, PERSONNEL, PUBLIC]
    parents = _parent_codes(r.subject_code for r in rows if r.subject_code)
    out: list[ExpenditureLine] = []
    if totals:
        total_row = _Row(None, None, _Amounts(total_lines[0], [], None, True), [])
        total_row.assigned = {PERSONNEL: totals.get(PERSONNEL, Decimal(0)), PUBLIC: totals.get(PUBLIC, Decimal(0))}
        line = _to_line(ctx, total_row, roles, leaf=False)
        out.append(replace(line, amount_total=None))  # the table prints no grand total
    for row in rows:
        leaf = row.subject_code not in parents
        out.append(_to_line(ctx, row, roles, leaf))
        ctx.cover(row.code_line, "fact" if leaf else "parent", row.subject_code)
    return out


def _group_roles(header: list[str]) -> list[tuple[int, str | None]]:
    """(first cell index, role) of each code/name/amount group of the grouped header."""
    code_row = next(line for line in header if len(re.findall(r"科目\s*(?:代码|编码)", line)) >= 2)
    cells = code_row.split("\t")
    starts = [i for i, c in enumerate(cells) if re.search(r"科目\s*(?:代码|编码)", c)]
    top = next((line for line in header if "人员经费" in line or "公用经费" in line), "")
    top_cells = top.split("\t")
    out: list[tuple[int, str | None]] = []
    role: str | None = None
    for start in starts:
        window = "".join(top_cells[start : start + 3]) if start < len(top_cells) else ""
        if "人员经费" in window:
            role = PERSONNEL
        elif "公用经费" in window:
            role = PUBLIC
        out.append((start, role))
    return out


def _economic_role(code: str) -> str:
    """人员经费 are 工资福利支出 (301) and 对个人和家庭的补助 (303); the rest is 公用经费."""
    return PERSONNEL if code[:3] in ("301", "303") else PUBLIC


def _grouped_items(
    text: str, groups: list[tuple[int, str | None]], classification: str
) -> list[tuple[str, str, Decimal, str]] | None:
    """(code, name, amount, role) for each filled group of one line."""
    items: list[tuple[str, str, Decimal, str]] = []
    if "\t" in text:
        cells = [c.strip() for c in text.split("\t")]
        for start, role in groups:
            chunk = cells[start : start + 3]
            chunk += [""] * (3 - len(chunk))
            code, name, amount_text = chunk
            code = code.replace(" ", "")
            if not code and not name and not amount_text:
                continue
            if not code.isdigit():
                return None
            amount = parse_amount(amount_text) if amount_text else Decimal(0)
            if amount is None:
                return None
            items.append((code, name, amount, role or _economic_role(code)))
        return items
    tokens = text.split()
    current: list | None = None
    for token in tokens:
        if token.isdigit() and 3 <= len(token) <= 5 and token.startswith("3"):
            if current:
                items.append(tuple(current))  # type: ignore[arg-type]
            current = [token, "", Decimal(0), _economic_role(token)]
        elif current is None:
            return None
        elif is_amount(token):
            current[2] = parse_amount(token) or Decimal(0)
        else:
            current[1] += token
    if current:
        items.append(tuple(current))  # type: ignore[arg-type]
    return items


def parse_expenditure_tables(
    doc: SourceDocument, blocks: Sequence[TableBlock], known: dict[str, set[str]]
) -> tuple[list[ExpenditureLine], list[CoverageLine], list[Finding]]:
    """Rows, coverage and findings of the document's expenditure tables (see module doc)."""
    lines: list[ExpenditureLine] = []
    coverage: list[CoverageLine] = []
    findings: list[Finding] = []
    for block in blocks:
        if block.kind not in EXPENDITURE_KINDS and block.kind not in CHECKED_ONLY_KINDS:
            continue
        fund_scope, classification = EXPENDITURE_KINDS.get(block.kind) or CHECKED_ONLY_KINDS[block.kind]
        unit = block.unit or "万元"
        ctx = _Context(doc, block, fund_scope, classification, unit, findings, {})
        if block.unit is None:
            ctx.finding("unit_missing", "warning", block.start_line, "table prints no unit line; read as 万元")
        header = header_lines(doc, block)
        if _is_grouped_economic(header) and classification == C.ECONOMIC:
            read = _parse_grouped(ctx, header, known)
        else:
            read = _parse_flat(ctx, header, known)
        if block.kind in CHECKED_ONLY_KINDS:
            _check_unloaded(ctx, read)
        else:
            lines.extend(read)
        for number, (outcome, detail) in sorted(ctx.coverage.items()):
            coverage.append(CoverageLine(doc.document_id, block.kind, block.label, number, outcome, detail))
    return lines, coverage, findings


def extract_expenditure(
    doc: SourceDocument,
) -> tuple[list[TableRow], list[ExpenditureLine], list[CoverageLine], list[Finding]]:
    """find_tables, then the expenditure parsers: the convenience entry for the pipeline."""
    blocks = [block for block in find_tables(doc) if is_financial(block)]
    lines, coverage, findings = parse_expenditure_tables(doc, blocks, C.known_codes(doc, blocks))
    return table_rows(doc, blocks), lines, coverage, findings
