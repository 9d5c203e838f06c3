"""收支总表 / 财政拨款收支总表: income items and class (类) totals, checked against the seeds as printed."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.extraction.income import parse_fiscal_appropriation, parse_income
from orchestration.extraction.model import ClassTotalLine, IncomeLine

from ._other_tables_support import block_of, rerender, seed

D = Decimal

# Read off the printed tables (file:line of the 收支总表 rows in the seeds).
SEEDS = {
    # prefix: (general_public_budget, 本年收入合计, carryover, 收入总计, non-zero classes, number of classes printed)
    "000": (D("1442.99"), D("1442.99"), D("0"), D("1442.99"), {"208": D("23.01"), "210": D("1395.47"), "221": D("24.52")}, 25),
    "001": (D("9812.41"), D("9812.41"), D("4.67"), D("9817.07"), {"208": D("140.61"), "210": D("9617.78"), "221": D("58.68")}, 24),
    "002": (D("294.64"), D("294.64"), D("0"), None, {"208": D("9.33"), "210": D("263.72"), "221": D("21.59")}, 27),
    "003": (D("1969.42"), D("1969.44"), D("0"), D("1969.44"), {"208": D("356.09"), "210": D("1469.22"), "221": D("144.11")}, 26),
    "004": (D("895.62"), D("895.62"), D("0"), D("895.62"), {"208": D("24.28"), "210": D("847.88"), "213": D("5.00"), "221": D("18.46")}, 24),
}


def _split(rows):
    income = {}
    for r in rows:
        if isinstance(r, IncomeLine):
            income.setdefault(r.income_source, r.amount)
    classes = [r for r in rows if isinstance(r, ClassTotalLine)]
    return income, classes


def _facts(doc, block):
    rows, cover, findings = parse_income(doc, block)
    income, classes = _split(rows)
    nonzero = {c.subject_code: c.amount for c in classes if c.amount}
    return income, nonzero, len(classes), findings, cover


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_income_and_classes(prefix):
    gpb, total, carry, grand, classes, count = SEEDS[prefix]
    doc = seed(prefix)
    income, nonzero, n_classes, findings, _ = _facts(doc, block_of(doc, "income_expenditure_summary"))
    assert income["general_public_budget"] == gpb
    assert income["total"] == total
    assert income.get("carryover", D(0)) == carry
    assert income.get("grand_total") == grand
    assert nonzero == classes
    assert n_classes == count
    assert not [f for f in findings if f.severity == "error"], findings


def test_final_account_other_income_and_rounding_is_info():
    doc = seed("003")
    income, _, _, findings, _ = _facts(doc, block_of(doc, "income_expenditure_summary"))
    assert income["other"] == D("0.03")
    assert income["operating"] == D("0")  # 六、经营收入 printed blank
    # 1969.42 + 0.03 = 1969.45 printed as 1969.44: a rounding difference, not an error
    [rounding] = [f for f in findings if f.check == "income_total_mismatch"]
    assert rounding.severity == "info"


def test_income_details_are_kept_apart_from_their_source():
    doc = seed("004")
    rows, _, _ = parse_income(doc, block_of(doc, "income_expenditure_summary"))
    details = [(r.item_name, r.amount) for r in rows if isinstance(r, IncomeLine) and r.income_source.endswith("_detail")]
    assert ("经费拨款（补助）", D("895.62")) in details
    main = [r for r in rows if isinstance(r, IncomeLine) and r.income_source == "general_public_budget"]
    assert len(main) == 1


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_fiscal_appropriation_classes(prefix):
    _, _, _, _, classes, _ = SEEDS[prefix]
    doc = seed(prefix)
    block = block_of(doc, "fiscal_appropriation_summary")
    rows, cover, findings = parse_fiscal_appropriation(doc, block)
    assert {r.subject_code: r.amount for r in rows if r.amount} == classes
    assert all(r.table_kind == "fiscal_appropriation_summary" for r in rows)
    assert not [f for f in findings if f.severity == "error"], findings


def test_every_line_with_amounts_is_accounted_for():
    doc = seed("003")
    block = block_of(doc, "income_expenditure_summary")
    _, _, _, _, cover = _facts(doc, block)
    covered = {c.source_line for c in cover}
    for number in range(block.header_end_line + 1, 144):
        if any(ch.isdigit() for ch in doc.line(number)) and "栏次" not in doc.line(number):
            assert number in covered, number


@pytest.mark.parametrize("options", [
    {"spaces": True},
    {"yuan": True},
    {"spaces": True, "yuan": True},
    {"spaces": True, "wrap": {"八、卫生健康支出 1,395.47": ["八、卫生健康", "支出", "1,395.47"],
                              "十三、资源勘探工业信息等支出 0.00": ["十三、资源勘探工业信息", "等支出 0.00"]}},
])
def test_rerendered_layouts_give_the_same_facts(options):
    doc = seed("000")
    expected = _facts(doc, block_of(doc, "income_expenditure_summary"))[:3]
    new_doc, new_block = rerender(doc, block_of(doc, "income_expenditure_summary"), **options)
    assert _facts(new_doc, new_block)[:3] == expected


def test_tab_table_with_blank_cells_reads_the_same_with_spaces():
    doc = seed("004")
    block = block_of(doc, "income_expenditure_summary")
    expected = _facts(doc, block)[:3]
    assert _facts(*rerender(doc, block, spaces=True))[:3] == expected


def test_a_class_total_that_does_not_add_up_is_an_error():
    doc = seed("000")
    block = block_of(doc, "income_expenditure_summary")
    new_doc, new_block = rerender(doc, block, wrap={"八、卫生健康支出\t1,395.47": ["八、卫生健康支出\t1,395.97"]})
    _, _, _, findings, _ = _facts(new_doc, new_block)
    assert [f.severity for f in findings if f.check == "class_total_mismatch"] == ["error"]
