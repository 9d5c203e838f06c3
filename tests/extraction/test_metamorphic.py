"""Re-render tables the parser reads in other layouts; the same facts must come back.

A table is taken from a real seed (its printed tab-separated rows), rendered again as
runs of spaces (blank cells vanish, as in space-separated PDF text), with cells wrapped
over lines, codes split into columns, names above codes, amounts in 元 instead of 万元
and thousands separators added or removed; the parsed facts must not change.
"""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from budget_extraction.numbers import is_amount
from budget_extraction.readers.expenditure import extract_expenditure
from budget_extraction.source import read_source, source_from_text
from budget_extraction.tables import find_tables

RAW = Path(__file__).resolve().parents[2] / "raw"

# Tab-separated seed tables: (document, label) -> the 合计 (万元) the table prints, read off the document.
PRINTED_TOTALS = {
    ("000_df7f9757fe457667", "表 3"): "1442.99",
    ("000_df7f9757fe457667", "表 5-1"): "1442.99",
    ("000_df7f9757fe457667", "表 6"): "261.83",
    ("004_f083e30e185bc13b", "表3"): "895.62",
    ("004_f083e30e185bc13b", "表5"): "895.62",
    ("004_f083e30e185bc13b", "表6"): "210.17",
    ("003_305331944a1f3ba9", "公开 05 表"): "1969.42",
}
CASES = list(PRINTED_TOTALS)


def _table(stem: str, label: str):
    doc = read_source(RAW / f"{stem}.txt")
    block = next(b for b in find_tables(doc) if b.label == label)
    header = [doc.line(n) for n in range(block.start_line, block.header_end_line + 1) if "\t" in doc.line(n)]
    rows = [doc.line(n) for n in range(block.header_end_line + 1, block.end_line + 1) if "\t" in doc.line(n)]
    return block, header, rows


def _facts(text: str) -> dict:
    _, lines, _, findings = extract_expenditure(source_from_text(text, "meta.txt"))
    assert not [f for f in findings if f.severity == "error"], findings
    return {
        (r.row_kind, r.subject_code): (
            r.amount_total,
            r.amount_basic,
            r.amount_project,
            r.amount_personnel,
            r.amount_public,
        )
        for r in lines
    }


def _render(block, header: list[str], rows: list[str], unit_line: str = "单位：万元") -> str:
    return "\n".join([block.label, block.title, unit_line, *header, *rows])


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.split("\t")]


def _map_amounts(row: str, fn: Callable[[str], str]) -> str:
    return "\t".join(fn(c) if c and is_amount(c) and "." in c else c for c in row.split("\t"))


def to_spaces(row: str) -> str:
    """Runs of spaces between cells; blank cells vanish."""
    return "   ".join(c for c in _cells(row) if c)


def printed_decimal(cell: str) -> Decimal:
    """The figure a tab-separated seed cell prints (its digits, separators dropped)."""
    return Decimal(cell.replace(",", ""))


def with_separators(cell: str) -> str:
    return f"{printed_decimal(cell):,.2f}"


def without_separators(cell: str) -> str:
    return cell.replace(",", "")


def in_yuan(cell: str) -> str:
    return f"{printed_decimal(cell) * 10000:.2f}"


def split_code(row: str) -> str:
    cells = _cells(row)
    code = cells[0]
    if code.isdigit() and len(code) in (5, 7):
        cells[0] = " ".join([code[:3]] + [code[i : i + 2] for i in range(3, len(code), 2)])
    return "   ".join(c for c in cells if c)


def name_above_code(row: str) -> list[str]:
    """The name on its own line above the code, the amounts after the code."""
    cells = _cells(row)
    if not cells[0].isdigit():
        return [to_spaces(row)]
    amounts = [c for c in cells[2:] if c]
    return [cells[1], "   ".join([cells[0], *amounts])]


def wrapped(row: str) -> list[str]:
    """PDF-style: code alone, name broken in two, amounts on their own line."""
    cells = _cells(row)
    if not cells[0].isdigit():
        return ["", to_spaces(row), ""]
    name = cells[1]
    half = max(1, len(name) // 2)
    amounts = [c for c in cells[2:] if c]
    return [cells[0], "", name[:half], "", name[half:], " ".join(amounts), ""]


@pytest.mark.parametrize("stem, label", CASES)
def test_the_table_as_printed_gives_its_printed_total(stem, label):
    """The anchor of every relation below: the unchanged rendering reads the 合计 the document prints."""
    block, header, rows = _table(stem, label)
    assert _facts(_render(block, header, rows))[("total", None)][0] == Decimal(PRINTED_TOTALS[stem, label])


@pytest.mark.parametrize("stem, label", CASES)
def test_tabs_to_spaces(stem, label):
    block, header, rows = _table(stem, label)
    base = _facts(_render(block, header, rows))
    assert base
    spaced = _render(block, [to_spaces(h) for h in header], [to_spaces(r) for r in rows])
    assert _facts(spaced) == base


@pytest.mark.parametrize("stem, label", CASES)
def test_separators_added_and_removed(stem, label):
    block, header, rows = _table(stem, label)
    base = _facts(_render(block, header, rows))
    added = _render(block, header, [_map_amounts(r, with_separators) for r in rows])
    removed = _render(block, header, [_map_amounts(r, without_separators) for r in rows])
    assert _facts(added) == base
    assert _facts(removed) == base


@pytest.mark.parametrize("stem, label", CASES)
def test_yuan_instead_of_wan(stem, label):
    block, header, rows = _table(stem, label)
    base = _facts(_render(block, header, rows))
    yuan_text = _render(block, header, [_map_amounts(r, in_yuan) for r in rows], "金额单位：元")
    _, lines, _, _ = extract_expenditure(source_from_text(yuan_text, "meta.txt"))
    assert {r.source_unit for r in lines} == {"元"}
    assert _facts(yuan_text) == base


@pytest.mark.parametrize("stem, label", CASES)
def test_codes_split_into_columns(stem, label):
    block, header, rows = _table(stem, label)
    base = _facts(_render(block, header, rows))
    text = _render(block, [to_spaces(h) for h in header], [split_code(r) for r in rows])
    assert _facts(text) == base


@pytest.mark.parametrize("stem, label", CASES)
def test_name_on_the_line_above_the_code(stem, label):
    block, header, rows = _table(stem, label)
    base = _facts(_render(block, header, rows))
    lines = [line for r in rows for line in name_above_code(r)]
    assert _facts(_render(block, [to_spaces(h) for h in header], lines)) == base


@pytest.mark.parametrize("stem, label", CASES)
def test_cells_wrapped_over_lines(stem, label):
    block, header, rows = _table(stem, label)
    base = _facts(_render(block, header, rows))
    lines = [line for r in rows for line in wrapped(r)]
    text = _render(block, [to_spaces(h) for h in header], lines)
    assert _facts(text) == base
    _, parsed, _, _ = extract_expenditure(source_from_text(text, "meta.txt"))
    names = {r.subject_code: r.subject_name for r in parsed if r.subject_code}
    original = {_cells(r)[0]: _cells(r)[1].replace(" ", "") for r in rows if _cells(r)[0].isdigit()}
    assert names == original


def test_yuan_conversion_is_exact():
    block, header, rows = _table("000_df7f9757fe457667", "表 5-1")
    rows = [_map_amounts(r, lambda c: f"{printed_decimal(c) * 10000 + Decimal('0.01'):.2f}") for r in rows]
    _, lines, _, _ = extract_expenditure(source_from_text(_render(block, header, rows, "单位：元"), "m.txt"))
    total = next(r for r in lines if r.row_kind == "total")
    assert total.amount_total == Decimal("1442.990001")


@pytest.mark.parametrize(
    "title, fund_scope",
    [
        ("政府性基金预算支出表", "government_fund"),
        ("国有资本经营预算支出表", "state_capital"),
        ("一般公共预算财政拨款支出决算表", "general_public_budget"),
    ],
)
def test_same_table_under_another_fund_title(title, fund_scope):
    """The seeds print their fund tables empty: a filled one, titled as such, gives the same facts in its fund scope."""
    block, header, rows = _table("000_df7f9757fe457667", "表 3")
    original = _facts(_render(block, header, rows))
    retitled = "\n".join(["表 8", title, "单位：万元", *header, *rows])
    _, lines, _, findings = extract_expenditure(source_from_text(retitled, "fund.txt"))
    assert not [f for f in findings if f.severity == "error"], findings
    assert {line.fund_scope for line in lines} == {fund_scope}
    assert {(r.row_kind, r.subject_code): r.amount_total for r in lines} == {k: v[0] for k, v in original.items()}
