"""Performance indicators (绩效指标) from the target and self-evaluation tables.

The tables are found by the table finder (tables.performance_tables: titles such as
部门整体支出绩效目标表, 项目申报表, 项目支出自评表, each with an indicator header); the
readers here recognise rows by header words (一级指标, 三级指标, 指标值, 前年, 上年,
实际完成值, 得分 ...), never by where a given file puts them. Three layouts are read:

* cell layouts (tab-separated): every row is a list of cells; l1/l2 are
  recognised by vocabulary, not by column position, because rows shift;
* stream layouts (space-separated text, or PDF text): a row is rebuilt from its
  fragments, ended by its value or by the basis column that closes it;
* broken-cell layouts (PDF text with every cell broken over many lines, closed by
  the 指标分类 column).

Every candidate line of a region is accounted for by a CoverageLine; a row
that looks like an indicator but cannot be read becomes a Finding.

The package is cut by reader: vocabulary (words, patterns, word-length thresholds), headers
(header words broken over lines), rows (table state and row assembly shared by the readers),
layout (printed widths and their slack), and the three readers: cells (CellReader), stream
(StreamReader, with stream_rows telling a gathered row's cells apart) and broken_cells
(BrokenCellReader); this module holds the entry point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ...model import CoverageLine, Finding, IndicatorLine
from ...source import SourceDocument
from ...tables import PERFORMANCE_KINDS, TableBlock
from .broken_cells import is_broken_layout, parse_broken_region
from .cells import parse_cell_region
from .rows import TableState, is_header_line
from .stream import parse_stream_region
from .vocabulary import consistent_l1, l2_kind, match_l1, match_l2

__all__ = ["consistent_l1", "l2_kind", "match_l1", "match_l2", "parse_indicators"]

# --------------------------------------------------------------------------- entry point


def is_cell_layout(doc: SourceDocument, region: TableBlock) -> bool:
    """Tab-separated when its indicator header line has tabs."""
    for _, text in doc.numbered(region.start_line, region.end_line):
        if is_header_line(text):
            return "\t" in text
    return False


def parse_indicators(
    doc: SourceDocument, blocks: Sequence[TableBlock]
) -> tuple[list[IndicatorLine], list[CoverageLine], list[Finding]]:
    """Every indicator of the performance tables among blocks (tables.find_tables), with coverage
    of each candidate line."""
    indicators: list[IndicatorLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    regions = [block for block in blocks if block.kind in PERFORMANCE_KINDS]
    known = broken_names(doc, regions)
    for region in regions:
        rows, lines, problems = parse_region(doc, region, known | {r.indicator_name for r in indicators})
        repeat_of = _repeated_table(rows, indicators)
        if repeat_of is not None:
            rows, lines = (
                [],
                [
                    replace(c, outcome="note", detail=f"repeat of the table at line {repeat_of}")
                    if c.outcome == "fact"
                    else c
                    for c in lines
                ],
            )
            findings.append(
                Finding(
                    doc.document_id,
                    "repeated_indicator_table",
                    "info",
                    f"{doc.file_name}:{region.start_line}: {region.label} repeats the indicators "
                    f"of the table at line {repeat_of}; kept once",
                    region.start_line,
                )
            )
        indicators.extend(rows)
        cover.extend(lines)
        findings.extend(problems)
    return indicators, cover, findings


def parse_region(doc: SourceDocument, region: TableBlock, known: frozenset[str] = frozenset()):
    state = TableState(doc=doc, region=region, known_names=known)
    state.horizon = "annual" if state.self_eval else None
    if is_cell_layout(doc, region):
        parser = parse_cell_region
    elif is_broken_layout(doc, region):
        parser = parse_broken_region
    else:
        parser = parse_stream_region
    return parser(state, region.start_line, region.end_line)


def broken_names(doc: SourceDocument, regions: list[TableBlock]) -> frozenset[str]:
    """Names read from the document's broken-cell tables: a department prints the same
    indicators in its long-term and annual tables, and one table's wrapped cells can settle
    where the other's names begin."""
    names: set[str] = set()
    for region in regions:
        if not is_cell_layout(doc, region) and is_broken_layout(doc, region):
            names.update(row.indicator_name for row in parse_region(doc, region)[0])
    return frozenset(names)


def _indicator_key(row: IndicatorLine) -> tuple:
    return (
        row.table_kind,
        row.project_name,
        row.horizon,
        row.indicator_l2,
        row.indicator_name,
        row.target_text,
        row.actual_text,
        row.score,
    )


def _repeated_table(rows: list[IndicatorLine], earlier: list[IndicatorLine]) -> int | None:
    """Line of an earlier table printing exactly the same indicators (a summary reprinted)."""
    if not rows:
        return None
    keys = [_indicator_key(r) for r in rows]
    earlier_keys = [_indicator_key(r) for r in earlier]
    for start in range(len(earlier) - len(rows) + 1):
        if earlier_keys[start : start + len(rows)] == keys:
            return earlier[start].source_line
    return None
