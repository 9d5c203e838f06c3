"""Tables the template prints that no mart holds: 机关运行经费, 政府采购, 购买服务, 资产配置.

They are recognised by name and every one of their lines is accounted for in the coverage
report as recognised-but-not-modelled, so none of their figures is an unaccounted line. The
机关运行经费 table, a code/name/amount list, is also checked: its 合计 against its top rows and
every code against its sub-codes.
"""

from __future__ import annotations

from decimal import Decimal

from ..lines import coverage, data_lines, mismatch_finding, squash, unit_of
from ..model import CoverageLine, Finding
from ..numbers import to_wan
from ..row_tables import amounts_of, parents, read_rows
from ..source import SourceDocument
from ..tables import TableBlock

NOT_MODELLED_KINDS = ("operating_costs", "procurement", "purchased_services", "asset_allocation")
_NAMES = {
    "operating_costs": "机关运行经费",
    "procurement": "政府采购",
    "purchased_services": "政府购买服务",
    "asset_allocation": "资产配置",
}


def parse_not_modelled(doc: SourceDocument, block: TableBlock) -> tuple[list, list[CoverageLine], list[Finding]]:
    """No rows; a note for each line after the header, and the checks a code list allows."""
    what = f"recognised, not modelled ({_NAMES[block.kind]})"
    cover = [
        coverage(doc, block, number, "note", f"{what}: {squash(text)[:50]}")
        for number, text in doc.numbered(block.header_end_line + 1, block.end_line)
        if text.strip()
    ]
    findings = check_code_list(doc, block) if block.kind == "operating_costs" else []
    return [], cover, findings


def check_code_list(doc: SourceDocument, block: TableBlock) -> list[Finding]:
    """合计 = the sum of the top codes; each code = the sum of its sub-codes (one amount column)."""
    if not any(True for _ in data_lines(doc, block)):
        return []
    unit = unit_of(doc, block)
    rows, _, _ = read_rows(doc, block, 1)
    figures = [to_wan(amounts_of(row.values[:1])[0], unit) if row.values else Decimal(0) for row in rows]
    parent_of = parents([row.code for row in rows])
    found = []
    total = next((i for i, row in enumerate(rows) if row.is_total), None)
    for head in [i for i, row in enumerate(rows) if row.code] + ([total] if total is not None else []):
        if head == total:
            children = [i for i, p in enumerate(parent_of) if p is None and rows[i].code]
            what = "合计 vs the sum of the top codes"
        else:
            children = [i for i, p in enumerate(parent_of) if p == head]
            what = f"{rows[head].code} {rows[head].name} vs its sub-codes"
        if children:
            found.append(
                mismatch_finding(
                    doc,
                    block,
                    "operating_costs_sum_mismatch",
                    what,
                    figures[head],
                    sum((figures[i] for i in children), Decimal(0)),
                    unit,
                    rows[head].line,
                )
            )
    return [f for f in found if f]
