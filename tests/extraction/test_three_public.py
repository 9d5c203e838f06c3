"""三公 table: items by header words, in each seed's printed layout and re-rendered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_extraction.metadata import document_metadata
from budget_extraction.readers.three_public import block_leaves, parse_three_public

from ._other_tables_support import block_of, rerender, seed

D = Decimal
ZERO6 = {k: D(0) for k in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")}


def _items(doc, block):
    rows, cover, findings = parse_three_public(doc, block, document_metadata(doc).stage)
    return {r.item: r.amount for r in rows}, findings


def test_pdf_text_with_glued_figures():
    # 001 prints "5.12 0.004.00 0.00 4.00 1.12": total, outbound, vehicle, purchase, operation, reception
    doc = seed("001")
    items, findings = _items(doc, block_of(doc, "three_public"))
    assert items == {
        "total": D("5.12"),
        "outbound": D("0.00"),
        "vehicle": D("4.00"),
        "vehicle_purchase": D("0.00"),
        "vehicle_operation": D("4.00"),
        "reception": D("1.12"),
    }
    assert findings == []


def test_final_account_keeps_budget_and_final_figures():
    doc = seed("003")
    items, _ = _items(doc, block_of(doc, "three_public"))
    assert items["total"] == D("0.18") and items["reception"] == D("0.18")
    assert items["total_budget"] == D("0.18") and items["reception_budget"] == D("0.18")
    assert items["vehicle"] == D(0) and items["outbound_budget"] == D(0)
    assert len(items) == 12


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_zero_tables(prefix):
    # 000 prints a row of 0.00; 002 prints the item rows with blank figures.
    doc = seed(prefix)
    items, findings = _items(doc, block_of(doc, "three_public"))
    assert items == ZERO6
    assert findings == []


def test_table_stating_no_expenditure_gives_no_rows_and_no_error():
    doc = seed("004")
    rows, cover, findings = parse_three_public(doc, block_of(doc, "three_public"), document_metadata(doc).stage)
    assert rows == [] and findings == []
    assert [c.outcome for c in cover] == ["note"]


def test_header_words_order_the_columns():
    header = "合计因公出国(境)费公务用车购置及运行维护费公务接待费小计公务用车购置费公务用车运行维护费"
    assert block_leaves(header) == [
        "total",
        "outbound",
        "vehicle",
        "vehicle_purchase",
        "vehicle_operation",
        "reception",
    ]


@pytest.mark.parametrize("options", [{"spaces": True}, {"yuan": True}, {"spaces": True, "yuan": True}])
def test_rerendered_layouts_give_the_same_facts(options):
    doc = seed("003")
    block = block_of(doc, "three_public")
    expected, _ = _items(doc, block)
    if options.get("spaces"):  # a space layout prints every cell (blank cells would be lost)
        text_doc, text_block = rerender(
            doc, block, wrap={"0.18\t\t\t\t\t0.18\t0.18\t\t\t\t\t0.18": ["0.18 0 0 0 0 0.18 0.18 0 0 0 0 0.18"]}
        )
        doc, block = text_doc, text_block
        options = {k: v for k, v in options.items() if k != "spaces"} | {"spaces": True}
    got, findings = _items(*rerender(doc, block, **options))
    assert got == expected
    assert not [f for f in findings if f.severity == "error"]


def test_unit_of_the_table_is_used():
    doc = seed("001")
    block = block_of(doc, "three_public")
    items, _ = _items(*rerender(doc, block, yuan=True))
    assert items["total"] == D("5.12")  # printed 51200.00 元


def test_inconsistent_total_is_an_error():
    doc = seed("001")
    block = block_of(doc, "three_public")
    items, findings = _items(*rerender(doc, block, wrap={"5.12 ": ["5.52 "]}))
    assert items["total"] == D("5.52")  # kept as printed
    assert [f.severity for f in findings if f.check == "three_public_total_mismatch"] == ["error"]
