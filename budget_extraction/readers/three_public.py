"""The “三公”经费 table: total, 因公出国（境）, 公务用车 (购置, 运行), 公务接待.

Two printed shapes exist: a horizontal one (the items are column titles and one
data row holds the figures, in 决算 twice: 预算数 then 决算数) and a vertical
one (one row per item). Columns are told by their header words, the unit is
this table's own (a 三公 table may print 万元 beside tables in 元).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from decimal import Decimal

from ..lines import (
    coverage,
    data_lines,
    header_text,
    is_column_numbering,
    mismatch_finding,
    note_lines,
    repair_split_numbers,
    squash,
    table_stage,
    tokenize,
    unit_of,
)
from ..model import CoverageLine, Finding, ThreePublicLine
from ..numbers import is_blank_cell, parse_amount, to_wan, tolerance_wan
from ..source import SourceDocument
from ..tables import TableBlock

_VEHICLE_GROUP = re.compile(r"公务用车购置及运行(?:维护)?费?")
# Item of a vertical row, most specific first.
_ROW_ITEMS = (
    ("vehicle", re.compile(r"公务用车购置及运行")),
    ("vehicle_purchase", re.compile(r"(?:公务用车)?购置")),
    ("vehicle_operation", re.compile(r"(?:公务用车)?运行")),
    ("outbound", re.compile(r"出国")),
    ("reception", re.compile(r"接待")),
    ("total", re.compile(r"^(?:“?三公”?经费)?合计$|^“?三公”?经费(?:合计)?$|^合计$|^总计$")),
)
_PROSE = re.compile(r"[。；;]|，.*[，。]")  # a sentence: the explanation printed under the table
_ROW_PREFIX = re.compile(r"^(?:\d+[.．、]|其中[:：]?|[（(]\d+[)）]|[（(][一二三四五六七八九十]+[)）])+")


def block_leaves(header: str) -> list[str]:
    """The item of each figure of one 预算数/决算数 block, in printed order, from the header words.

    The template prints 合计, 因公出国（境）费, 公务用车购置及运行费 (with 小计, 购置费,
    运行费 under it) and 公务接待费; sub-columns sit inside the vehicle group whatever
    line of the header they were printed on.
    """
    top: list[tuple[int, str]] = []
    for item, pattern in (
        ("total", r"合计"),
        ("outbound", r"出国"),
        ("vehicle_group", _VEHICLE_GROUP.pattern),
        ("reception", r"接待"),
    ):
        match = re.search(pattern, header)
        if match:
            top.append((match.start(), item))
    top.sort()
    group = _VEHICLE_GROUP.search(header)
    after = _VEHICLE_GROUP.sub("", header[group.end() :]) if group else ""
    subs = sorted(
        (match.start(), item)
        for item, pattern in (
            ("vehicle", r"小计"),
            ("vehicle_purchase", r"购置费?"),
            ("vehicle_operation", r"运行(?:维护)?费?"),
        )
        for match in [re.search(pattern, after)]
        if match
    )
    leaves: list[str] = []
    for _, item in top:
        if item == "vehicle_group":
            leaves.extend([sub for _, sub in subs] or ["vehicle"])
        else:
            leaves.append(item)
    return leaves


# Items a 三公 table prints beyond the template's five when its title adds them: 会议费 and 培训费
# (then 合计 is the grand total of all and the 三公 total is the 小计 under “三公”经费), or a
# 机关运行经费 column. Their figures are recognised and checked; the 三公 mart has no place for
# 机关运行经费 or the grand total, so those two are accounted as totals/notes, not loaded.
_EXTENSIONS = (("meeting", "会议"), ("training", "培训"), ("operating_costs", "机关运行"))
_NOT_LOADED = ("grand_total", "operating_costs")
# The parts of one printed sum (三公 = 出国 + 车 (购置 + 运行) + 接待; 合计 = 三公 + 会议费 + 培训费).
# (parts, and the parts of a part): a part unplaced unloads the sum's other parts too.
_SUMMED_TOGETHER = (
    (("outbound", "vehicle", "reception"), ("vehicle_purchase", "vehicle_operation")),
    (("vehicle_purchase", "vehicle_operation"), ()),
    (("meeting", "training"), ()),
)


def template_columns(header: str) -> list[str] | None:
    """The columns of a 三公 table that prints more than the five 三公 items, in the template's
    order (合计, “三公”经费 小计, 出国, 公务用车 小计/购置/运行, 接待, 会议费, 培训费, 机关运行经费);
    None for the plain template. The wrapped header cells of these tables interleave their words,
    so their order on the page cannot be read; which columns exist can."""
    extra = [item for item, word in _EXTENSIONS if word in header]
    if not extra:
        return None
    grand = any(item in ("meeting", "training") for item in extra)
    vehicle = ["vehicle", "vehicle_purchase", "vehicle_operation"] if re.search(r"购置", header) else ["vehicle"]
    return (["grand_total"] if grand else []) + ["total", "outbound", *vehicle, "reception", *extra]


def column_orders(columns: list[str]) -> list[list[str]]:
    """The orders regions print these columns in: 公务接待费 after the 公务用车 group (江苏) or
    before it (上海); the row's own sums tell which one a row follows."""
    vehicle = [c for c in columns if c.startswith("vehicle")]
    if not vehicle:
        return [columns]
    start = columns.index(vehicle[0])
    swapped = (
        columns[:start] + ["reception"] + vehicle + [c for c in columns[start + len(vehicle) :] if c != "reception"]
    )
    return [columns, swapped]


def header_blocks(header: str) -> list[str | None]:
    """The column blocks of the table: ["budget", "final"] when both 预算数 and 决算数 head it."""
    marks = sorted(
        (m.start(), "final" if m.group(0) == "决算数" else "budget") for m in re.finditer(r"预算数|决算数", header)
    )
    if len(marks) >= 2 and {m for _, m in marks} == {"budget", "final"}:
        return [m for _, m in marks]
    return [None]


def _item_name(block_stage: str | None, doc_stage: str, item: str) -> str:
    """Stage figures keep the plain item name; the other block's figures get a suffix (_budget)."""
    if block_stage is None or block_stage == doc_stage:
        return item
    return f"{item}_{block_stage}"


def _row_values(text: str, line: int, width: int) -> list[str | None] | None:
    """The figures of a horizontal data row, one per column; blank tab cells are None."""
    if "\t" in text:
        cells = text.split("\t")
        values = [squash(c) or None for c in cells]
        values += [None] * (width - len(values))
        return values if len(values) == width else None
    tokens = [
        t if not is_blank_cell(t.text) else replace(t, kind="int", text="0")  # ``-`` prints a zero
        for t in repair_split_numbers(tokenize(text, line))
    ]
    values = [t.text for t in tokens if t.kind in ("amount", "int")]
    if len(values) != len(tokens) or len(values) != width:
        return None
    return values


def parse_three_public(
    doc: SourceDocument, block: TableBlock, document_stage: str | None
) -> tuple[list[ThreePublicLine], list[CoverageLine], list[Finding]]:
    """One ThreePublicLine per item (and per 预算数/决算数 block in a final account)."""
    unit = unit_of(doc, block)
    header = header_text(doc, block)
    doc_stage = table_stage(block, document_stage)
    lines = list(data_lines(doc, block))
    rows: list[ThreePublicLine] = []
    cover: list[CoverageLine] = [coverage(doc, block, n, "note", squash(t)[:60]) for n, t in note_lines(doc, block)]
    findings: list[Finding] = []
    prose = next((i for i, (_, t) in enumerate(lines) if _PROSE.search(t)), len(lines))
    cover.extend(coverage(doc, block, n, "note", squash(t)[:60]) for n, t in lines[prose:])
    lines = lines[:prose]  # the explanation printed under the table (其他相关情况说明 …)
    extended = template_columns(header)
    vertical = extended is None and any(_row_item(t) for _, t in lines)
    leaves = extended or block_leaves(header)
    stages = header_blocks(header) if extended is None else [None]
    width = len(leaves) * len(stages)
    for number, text in lines:
        if extended is not None and not re.search(r"[\u4e00-\u9fff]", text):
            produced, row_cover, row_findings = _extended_row(doc, block, number, text, unit, leaves)
            rows.extend(produced)
            cover.extend(row_cover)
            findings.extend(row_findings)
            continue
        if is_column_numbering(text) or "栏次" in text:
            cover.append(coverage(doc, block, number, "header", "column numbering"))
            continue
        if vertical:
            produced = _vertical_row(doc, block, number, text, unit, stages, doc_stage)
            if produced is None:
                cover.append(coverage(doc, block, number, "header", squash(text)[:60]))
                continue
            rows.extend(produced)
            cover.append(coverage(doc, block, number, "fact", ", ".join(r.item for r in produced)))
            continue
        if re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"\d\.\d", text):
            cover.append(coverage(doc, block, number, "note", squash(text)[:60]))  # "本单位无“三公”经费支出"
            continue
        values = _row_values(text, number, width)
        if values is None or not leaves:
            reason = f"三公 data row does not give one figure per column ({width} columns from the header)"
            cover.append(coverage(doc, block, number, "finding", reason))
            findings.append(
                Finding(
                    doc.document_id,
                    "unreadable_line",
                    "error",
                    f"{doc.file_name}:{number} {block.label} {block.title}: {reason}: {text.strip()!r}",
                    number,
                )
            )
            continue
        for index, value in enumerate(values):
            stage = stages[index // len(leaves)]
            amount = Decimal(0) if not value or is_blank_cell(value) else parse_amount(value)
            if amount is None:
                reason = f"三公 cell {value!r} is not a figure"
                cover.append(coverage(doc, block, number, "finding", reason))
                findings.append(
                    Finding(
                        doc.document_id,
                        "unreadable_line",
                        "error",
                        f"{doc.file_name}:{number} {block.label} {block.title}: {reason}",
                        number,
                    )
                )
                continue
            rows.append(
                ThreePublicLine(
                    doc.document_id,
                    _item_name(stage, doc_stage, leaves[index % len(leaves)]),
                    to_wan(amount, unit),
                    unit,
                    block.label,
                    number,
                )
            )
        cover.append(coverage(doc, block, number, "fact", f"三公 figures ({len(values)} columns)"))
    findings.extend(check_three_public(doc, block, rows, unit))
    return rows, cover, findings


def _extended_holds(columns: list[str], tolerance: Decimal):
    """The row's own sums: 合计 = 三公 + 会议费 + 培训费, 三公 = 出国 + 车 + 接待, 车 = 购置 + 运行."""

    def holds(values: list[Decimal]) -> bool:
        get = dict(zip(columns, values)).get
        zero = Decimal(0)
        sums = [
            ("total", ("outbound", "vehicle", "reception")),
            ("vehicle", ("vehicle_purchase", "vehicle_operation")),
            ("grand_total", ("total", "meeting", "training")),
        ]
        return all(
            abs(get(head, zero) - sum((get(p, zero) for p in parts), zero)) <= tolerance
            for head, parts in sums
            if head in columns and any(p in columns for p in parts)
        )

    return holds


def _placements(values: list[Decimal], columns: list[str], holds) -> list[list[Decimal]]:
    """Every placement of the printed figures (in printed order) into the columns for which the
    row's own sums hold; blank cells are 0."""
    out = []
    for chosen in itertools.combinations(range(len(columns)), len(values)):
        placed = [Decimal(0)] * len(columns)
        for value, index in zip(values, chosen):
            placed[index] = value
        if holds(placed):
            out.append(placed)
    return out


def _extended_row(doc, block, number, text, unit, columns):
    """The figure row of a 三公 table with more columns, figures placed by the row's own sums where
    blank cells were not printed. A column whose figure differs between placements that all hold
    (购置 or 运行 when only one prints) is not loaded but reported; the grand total and 机关运行经费
    are accounted, not loaded."""
    values = _row_values(text, number, len(tokenize(text, number)))
    amounts = [parse_amount(v) if v and not is_blank_cell(v) else Decimal(0) for v in values or []]
    where = f"{doc.file_name}:{number} {block.label} {block.title}"
    valid: list[dict[str, Decimal]] = []
    if values is not None and all(a is not None for a in amounts) and len(amounts) <= len(columns):
        for order in column_orders(columns):
            holds = _extended_holds(order, tolerance_wan(unit))
            valid.extend(
                dict(zip(order, placed)) for placed in _placements([to_wan(a, unit) for a in amounts], order, holds)
            )
    if not valid:
        reason = (
            f"三公 row of figures fits none of the {len(columns)} columns ({', '.join(columns)}) "
            "with its own sums holding"
        )
        return (
            [],
            [coverage(doc, block, number, "finding", reason)],
            [Finding(doc.document_id, "unreadable_line", "error", f"{where}: {reason}: {text.strip()!r}", number)],
        )
    settled = {item: valid[0][item] for item in columns if all(p[item] == valid[0][item] for p in valid)}
    findings = []
    unsettled = [item for item in columns if item not in settled]
    for parts, below in _SUMMED_TOGETHER:  # a sum with a part unplaced is not loaded in part: the mart checks it
        if any(item in unsettled for item in parts):
            parts = parts + below
            unsettled.extend(item for item in parts if item in settled and item not in unsettled)
            settled = {item: value for item, value in settled.items() if item not in parts}
    if unsettled:
        options = "; ".join(", ".join(f"{c} {p[c]}" for c in unsettled) for p in valid)
        findings.append(
            Finding(
                doc.document_id,
                "three_public_cell_ambiguous",
                "warning",
                f"{where}: blank cells not printed and the row's sums hold for more than one "
                f"placement ({options}); {', '.join(unsettled)} not loaded",
                number,
            )
        )
    rows = [
        ThreePublicLine(doc.document_id, item, value, unit, block.label, number)
        for item, value in settled.items()
        if item not in _NOT_LOADED
    ]
    detail = ", ".join(f"{item} {value}" for item, value in settled.items())
    return rows, [coverage(doc, block, number, "fact", f"三公 figures: {detail}"[:200])], findings


def _row_item(text: str) -> str | None:
    """The item a vertical row names, if it names one."""
    name = _ROW_PREFIX.sub("", squash(re.sub(r"[\d.,]+\s*$", "", text.split("\t")[0] if "\t" in text else text)))
    name = re.sub(r"[\d.,]+$", "", name)
    if not name or re.fullmatch(r"[\d.,\s]*", name):
        return None
    for item, pattern in _ROW_ITEMS:
        if pattern.search(name):
            return item
    return None


def _figures_after_name(tokens) -> list[str]:
    """The figures of a space-separated vertical row: decimals anywhere, whole numbers (元 tables)
    once the item name has been read; a dash is a zero."""
    figures: list[str] = []
    named = False
    for token in tokens:
        if token.kind == "amount" or token.kind == "int" and named:
            figures.append(token.text)
        elif is_blank_cell(token.text) and named:
            figures.append("0")
        elif token.kind == "text":
            named = True
    return figures


def _vertical_row(doc, block, number, text, unit, stages, doc_stage) -> list[ThreePublicLine] | None:
    """A vertical row's figure(s); a printed item with a blank cell is 0."""
    item = _row_item(text)
    if item is None:
        return None
    label = text.split("\t")[0] if "\t" in text else None
    rest = text[len(label) :] if label is not None else text
    figures = [t.text for t in tokenize(rest, number) if t.kind == "amount" or (t.kind == "int" and label is not None)]
    if label is None:  # space layout: drop an enumerator such as "1." or "(2)"; figures follow the name
        figures = _figures_after_name(tokenize(_ROW_PREFIX.sub("", text.strip()), number))
    if not figures:
        figures = ["0"]
    out = []
    for index, stage in enumerate(stages):
        value = figures[index] if index < len(figures) else "0"
        out.append(
            ThreePublicLine(
                doc.document_id,
                _item_name(stage, doc_stage, item),
                to_wan(parse_amount(value), unit),
                unit,
                block.label,
                number,
            )
        )
    return out


def check_three_public(doc, block, rows: list[ThreePublicLine], unit: str) -> list[Finding]:
    """total = outbound + vehicle + reception; vehicle = purchase + operation (per block)."""
    findings = []
    by_item = {r.item: r for r in rows}
    for suffix in ("", "_budget", "_final"):

        def get(name: str, suffix: str = suffix) -> ThreePublicLine | None:
            return by_item.get(name + suffix)

        total, vehicle = get("total"), get("vehicle")
        parts = [get(n) for n in ("outbound", "vehicle", "reception")]
        if total is not None and all(p is not None for p in parts):
            found = mismatch_finding(
                doc,
                block,
                "three_public_total_mismatch",
                f"“三公”经费合计{suffix}",
                total.amount,
                sum((p.amount for p in parts), Decimal(0)),
                unit,
                total.source_line,
            )
            findings.extend([found] if found else [])
        subs = [get(n) for n in ("vehicle_purchase", "vehicle_operation")]
        if vehicle is not None and all(s is not None for s in subs):
            found = mismatch_finding(
                doc,
                block,
                "three_public_vehicle_mismatch",
                f"公务用车购置及运行费{suffix}",
                vehicle.amount,
                sum((s.amount for s in subs), Decimal(0)),
                unit,
                vehicle.source_line,
            )
            findings.extend([found] if found else [])
    return findings
