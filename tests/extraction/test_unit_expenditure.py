"""一般公共预算支出表（分单位）, and the safety net over every financial table of the five seeds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_extraction import extract_document
from budget_extraction.readers.unit_expenditure import parse_unit_expenditure
from budget_extraction.source import source_from_text

from ._other_tables_support import RAW, block_of, rerender, seed

D = Decimal

# 000 表 5-2 as printed: code -> (合计, 基本支出, 人员经费, 公用经费, 项目支出)
SEED_000 = {
    None: (D("1442.99"), D("261.83"), D("245.24"), D("16.59"), D("1181.16")),
    "202": (D("1442.99"), D("261.83"), D("245.24"), D("16.59"), D("1181.16")),
    "202001": (D("1225.01"), D("100.65"), D("91.94"), D("8.72"), D("1124.36")),
    "202002": (D("217.98"), D("161.18"), D("153.30"), D("7.87"), D("56.80")),
}


def _facts(rows):
    return {
        r.unit_code: (r.amount_total, r.amount_basic, r.amount_personnel, r.amount_public, r.amount_project)
        for r in rows
    }


def test_seed_000_units_as_printed():
    doc = seed("000")
    rows, cover, findings = parse_unit_expenditure(doc, block_of(doc, "general_public_by_unit"))
    assert _facts(rows) == SEED_000
    assert [(r.row_kind, r.unit_name) for r in rows][:2] == [("total", None), ("unit", "武汉市青山区医疗保障局")]
    assert {r.source_line for r in rows} == {319, 320, 321, 322}
    assert {c.source_line: c.outcome for c in cover} == {319: "total", 320: "parent", 321: "fact", 322: "fact"}
    # 202001: 91.94 + 8.72 = 100.66 vs 100.65 printed; 202002: 153.30 + 7.87 = 161.17 vs 161.18: 尾差, info only.
    assert {(f.check, f.severity, f.source_line) for f in findings} == {
        ("personnel_plus_public", "info", 321),
        ("personnel_plus_public", "info", 322),
    }


def test_rerendered_with_spaces_and_yuan_gives_the_same_facts():
    doc = seed("000")
    block = block_of(doc, "general_public_by_unit")
    new_doc, new_block = rerender(doc, block, spaces=True, yuan=True)
    rows, _, findings = parse_unit_expenditure(new_doc, new_block)
    assert _facts(rows) == SEED_000
    assert {r.source_unit for r in rows} == {"元"}
    # The same 0.01 万元 尾差 is 100 元 in a table printed in 元: beyond 0.02 元, an error there.
    assert {(f.check, f.severity) for f in findings} == {("personnel_plus_public", "error")}


def test_units_beyond_rounding_of_the_grand_total_are_an_error():
    doc = seed("000")
    block = block_of(doc, "general_public_by_unit")
    text = "\n".join(doc.lines).replace("\t合计\t1,442.99\t261.83", "\t合计\t1,443.09\t261.83")
    _, _, findings = parse_unit_expenditure(source_from_text(text, "planted.txt"), block)
    errors = {f.check for f in findings if f.severity == "error"}
    assert "unit_total_mismatch" in errors and "basic_plus_project" in errors


def test_units_within_rounding_of_the_grand_total_are_info():
    doc = seed("000")
    block = block_of(doc, "general_public_by_unit")
    text = "\n".join(doc.lines).replace(
        "\t合计\t1,442.99\t261.83\t245.24\t16.59\t1,181.16", "\t合计\t1,443.01\t261.83\t245.24\t16.59\t1,181.18"
    )
    _, _, findings = parse_unit_expenditure(source_from_text(text, "planted.txt"), block)
    unit_total = [f for f in findings if f.check == "unit_total_mismatch"]
    assert unit_total and {f.severity for f in unit_total} == {"info"}


# --------------------------------------------------------------------------------------
# The safety net
# --------------------------------------------------------------------------------------

SEEDS = sorted(p.name[:3] for p in RAW.glob("*.txt"))


@pytest.mark.parametrize("prefix", SEEDS)
def test_nothing_unaccounted_on_the_seeds(prefix):
    result = extract_document(seed(prefix))
    assert not [f.detail for f in result.findings if f.check == "unaccounted_line"]


@pytest.mark.parametrize("kind", ["general_public_by_unit", "income_summary"])
def test_a_planted_amount_line_inside_a_table_is_reported(kind):
    """A stray line of figures inside a table is an error, never folded into a row's name."""
    doc = seed("000")
    block = block_of(doc, kind)
    lines = list(doc.lines)
    lines.insert(block.end_line - 1, "12.34")  # between the last two rows
    result = extract_document(source_from_text("\n".join(lines), doc.file_name))
    planted = block.end_line
    reported = [f for f in result.findings if f.source_line == planted and f.severity == "error"]
    assert reported, [f.detail for f in result.findings]
    assert {c.outcome for c in result.coverage_lines if c.source_line == planted} == {"finding"}


def test_the_net_reports_a_line_no_parser_accounted_for():
    """The net must be able to fail: drop the coverage a parser gave to the rows of 表 5-2."""
    from budget_extraction import unaccounted_lines
    from budget_extraction.tables import find_tables

    doc = seed("000")
    result = extract_document(doc)
    block = block_of(doc, "general_public_by_unit")
    forgotten = [c for c in result.coverage_lines if not (c.table_kind == block.kind and c.source_line == 321)]
    net = unaccounted_lines(doc, find_tables(doc), forgotten)
    assert [(f.check, f.severity, f.source_line) for f in net] == [("unaccounted_line", "error", 321)]
