"""Shared helpers for the income / 三公 / project tests: seeds, blocks, re-rendered layouts."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from budget_extraction.source import read_source, source_from_text
from budget_extraction.tables import TableBlock, find_tables

RAW = Path(__file__).resolve().parents[2] / "raw"


def seed(prefix: str):
    """The seed document whose file name starts with prefix (000 … 004)."""
    return read_source(next(RAW.glob(f"{prefix}_*.txt")))


def block_of(doc, kind: str) -> TableBlock:
    blocks = [b for b in find_tables(doc) if b.kind == kind]
    assert blocks, f"no {kind} table found in {doc.file_name}"
    return blocks[0]


def _to_yuan(text: str) -> str:
    """Every decimal amount ×10000, printed without separators (as 元 documents do)."""

    def scale(match: re.Match) -> str:
        return f"{Decimal(match.group(0).replace(',', '')) * 10000:.2f}"

    return re.sub(r"\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2}", scale, text)


def rerender(doc, block: TableBlock, *, spaces: bool = False, yuan: bool = False, wrap: dict | None = None):
    """The table alone, re-rendered: tabs -> spaces, amounts in 元, chosen data lines wrapped.

    wrap maps a text fragment to the fragments it is broken into, each on its own line.
    Returns (document, block) with the block's header kept as the header.
    """
    header = list(doc.lines[block.start_line - 1 : block.header_end_line])
    data = list(doc.lines[block.header_end_line : block.end_line])

    def fix(line: str) -> str:
        if spaces:
            line = re.sub(r"\t+", " ", line).strip()
        if yuan:
            line = _to_yuan(line).replace("万元", "元")
        return line

    header = [fix(line) for line in header]
    out: list[str] = []
    for line in data:
        line = fix(line)
        for fragment, pieces in (wrap or {}).items():
            if fragment in line:
                line = line.replace(fragment, "\n".join(pieces))
        out.extend(line.split("\n"))
    text = "\n".join(header + out)
    new_doc = source_from_text(text, "rerendered.txt")
    new_block = replace(
        block,
        start_line=1,
        header_end_line=len(header),
        end_line=len(header) + len(out),
        unit="元" if yuan else block.unit,
    )
    return new_doc, new_block


def wan(text: str) -> Decimal:
    return Decimal(text)
