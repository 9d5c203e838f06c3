"""收支总表 / 财政拨款收支总表: income items and class (类) totals, checked against the seeds as printed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_extraction.model import ClassTotalLine, IncomeLine
from budget_extraction.readers.income import parse_fiscal_appropriation, parse_income

from ._other_tables_support import block_of, rerender, seed

D = Decimal

# Read off the printed tables (file:line of the 收支总表 rows in the seeds).
SEEDS = {
    # prefix: (general_public_budget, 本年收入合计, carryover, 收入总计, non-zero classes, number of classes printed)
    "000": (
        D("1442.99"),
        D("1442.99"),
        D("0"),
        D("1442.99"),
        {"208": D("23.01"), "210": D("1395.47"), "221": D("24.52")},
        25,
    ),
    "001": (
        D("9812.41"),
        D("9812.41"),
        D("4.67"),
        D("9817.07"),
        {"208": D("140.61"), "210": D("9617.78"), "221": D("58.68")},
        24,
    ),
    "002": (D("294.64"), D("294.64"), D("0"), None, {"208": D("9.33"), "210": D("263.72"), "221": D("21.59")}, 27),
    "003": (
        D("1969.42"),
        D("1969.44"),
        D("0"),
        D("1969.44"),
        {"208": D("356.09"), "210": D("1469.22"), "221": D("144.11")},
        26,
    ),
    "004": (
        D("895.62"),
        D("895.62"),
        D("0"),
        D("895.62"),
        {"208": D("24.28"), "210": D("847.88"), "213": D("5.00"), "221": D("18.46")},
        24,
    ),
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
    details = [
        (r.item_name, r.amount) for r in rows if isinstance(r, IncomeLine) and r.income_source.endswith("_detail")
    ]
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


@pytest.mark.parametrize(
    "options",
    [
        {"spaces": True},
        {"yuan": True},
        {"spaces": True, "yuan": True},
        {
            "spaces": True,
            "wrap": {
                "八、卫生健康支出 1,395.47": ["八、卫生健康", "支出", "1,395.47"],
                "十三、资源勘探工业信息等支出 0.00": ["十三、资源勘探工业信息", "等支出 0.00"],
            },
        },
    ],
)
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


# --------------------------------------------------------------------------------------
# 收入总表 / 收入决算表: income by unit or by function
# --------------------------------------------------------------------------------------

from budget_extraction import extract_document  # noqa: E402
from budget_extraction.readers.income import income_columns, parse_income_summary, summary_header  # noqa: E402

# Read off the printed 收入总表 rows: (row code or 合计, income_source) -> amount (万元).
SUMMARY = {
    "000": {
        (None, "total"): D("1442.99"),
        (None, "current_year_total"): D("1442.99"),
        (None, "general_public_budget"): D("1442.99"),
        (None, "carryover"): D("0"),
        ("202", "total"): D("1442.99"),
        ("202001", "general_public_budget"): D("1225.01"),
        ("202002", "general_public_budget"): D("217.98"),
        ("202002", "carryover_unit_funds"): D("0"),
    },
    "002": {
        (None, "total"): D("294.64"),
        (None, "general_public_budget"): D("294.64"),
        ("2080505", "total"): D("9.33"),
        ("2101502", "general_public_budget"): D("112.98"),
        ("2210203", "total"): D("2.57"),
        ("210", "business"): D("0"),
    },
    "003": {
        (None, "total"): D("1969.44"),
        (None, "fiscal_appropriation"): D("1969.42"),
        (None, "other"): D("0.03"),
        ("210", "total"): D("1469.25"),
        ("2101501", "other"): D("0.03"),
        ("2101550", "total"): D("999.36"),
        ("2080104", "fiscal_appropriation"): D("80.00"),
        ("2210202", "total"): D("22.41"),
    },
    "004": {
        (None, "total"): D("895.62"),
        ("040", "general_public_budget"): D("895.62"),
        ("040001", "total"): D("895.62"),
        ("040001", "government_fund"): D("0"),
    },
}
# (rows printed incl. 合计, columns, row kind of the coded rows)
SUMMARY_SHAPE = {"000": (4, 17, "unit"), "002": (15, 9, "subject"), "003": (32, 7, "subject"), "004": (3, 17, "unit")}


def _summary(doc, block):
    rows, cover, findings = parse_income_summary(doc, block)
    by_key = {((r.unit_code or r.subject_code), r.income_source): r.amount for r in rows}
    return rows, by_key, cover, findings


@pytest.mark.parametrize("prefix", sorted(SUMMARY))
def test_income_summary_rows_as_printed(prefix):
    doc = seed(prefix)
    block = block_of(doc, "income_summary")
    rows, by_key, cover, findings = _summary(doc, block)
    n_rows, n_columns, kind = SUMMARY_SHAPE[prefix]
    assert len(rows) == n_rows * n_columns  # one line per (printed row, income column)
    assert {r.row_kind for r in rows} == {"total", kind}
    assert all(r.table_kind == "income_summary" for r in rows)
    for key, amount in SUMMARY[prefix].items():
        assert by_key[key] == amount, key
    assert not [f for f in findings if f.severity == "error"], findings
    covered = {c.source_line for c in cover}
    assert {r.source_line for r in rows} <= covered


def test_income_summary_columns_share_out_the_sub_titles_of_spanning_titles():
    """本年收入 and 上年结转结余 each take the run of sub-titles starting at their 小计 (004 prints the
    spanning titles in shifted cells: the words, not the cells, decide)."""
    header = (
        "部门（单位）代码部门（单位）名称合计本年收入上年结转结余小计一般公共预算政府性基金预算国有资本经营预算"
        "财政专户管理资金事业收入事业单位经营收入上级补助收入附属单位上缴收入其他收入小计一般公共预算"
        "政府性基金预算国有资本经营预算财政专户管理资金单位资金"
    )
    sources = [c.source for c in income_columns(header)]
    assert sources[:3] == ["total", "current_year_total", "general_public_budget"]
    assert sources[11:] == [
        "carryover",
        "carryover_general_public_budget",
        "carryover_government_fund",
        "carryover_state_capital",
        "carryover_fiscal_special",
        "carryover_unit_funds",
    ]
    doc = seed("004")
    assert [c.source for c in income_columns(summary_header(doc, block_of(doc, "income_summary")))] == sources


def test_final_account_by_function_repairs_cut_codes_and_keeps_the_printed_one():
    doc = seed("003")
    rows, _, _, findings = _summary(doc, block_of(doc, "income_summary"))
    line = next(r for r in rows if r.source_line == 169 and r.income_source == "total")
    assert (line.printed_code, line.subject_code, line.subject_name) == (
        "208050",
        "2080505",
        "机关事业部门基本养老保险缴费支出",
    )
    assert all(r.subject_code is None or len(r.subject_code) in (3, 5, 7) for r in rows)
    # 合计 1,969.44 vs 1,969.42 + 0.03: the document's own rounding, reported as info, never corrected.
    rounding = [f for f in findings if f.check == "income_row_sum_mismatch"]
    assert rounding and {f.severity for f in rounding} == {"info"}


def test_income_summary_rerendered_with_spaces_and_yuan_gives_the_same_facts():
    doc = seed("000")
    block = block_of(doc, "income_summary")
    rows, _, _, _ = _summary(doc, block)
    new_doc, new_block = rerender(doc, block, spaces=True, yuan=True)
    again, _, cover, findings = _summary(new_doc, new_block)
    strip = lambda r: (r.income_source, r.unit_code, r.unit_name, r.row_kind, r.amount)  # noqa: E731
    assert [strip(r) for r in again] == [strip(r) for r in rows]
    assert {r.source_unit for r in again} == {"元"}
    assert not [f for f in findings if f.severity == "error"]


def test_income_summary_unit_subtotal_mismatch_is_an_error():
    doc = seed("000")
    block = block_of(doc, "income_summary")
    text = "\n".join(doc.lines).replace(
        "202002\t武汉市青山区医疗保障服务中心\t217.98\t217.98\t217.98",
        "202002\t武汉市青山区医疗保障服务中心\t218.98\t218.98\t218.98",
    )
    from budget_extraction.source import source_from_text

    planted = source_from_text(text, "planted.txt")
    _, _, _, findings = _summary(planted, block)
    errors = {f.check for f in findings if f.severity == "error"}
    assert "income_unit_total_mismatch" in errors  # 202 prints 1442.99, its units now sum to 1443.99


def test_split_fragments_are_covered_as_the_cell_they_complete():
    """001: a class name wrapped over lines with its 0.00 on a line of its own is one fact; the
    收入总表 whose text kept only 0.0 / 0 fragments is one warning, each fragment line covered."""
    doc = seed("001")
    result = extract_document(doc)
    cover = {(c.table_kind, c.source_line): c for c in result.coverage_lines}
    assert (
        cover[("income_expenditure_summary", 293)].outcome
        == cover[("income_expenditure_summary", 290)].outcome
        == "fact"
    )
    assert cover[("fiscal_appropriation_summary", 593)].outcome == "fact"
    lost = [f for f in result.findings if f.check == "table_text_lost"]
    assert len(lost) == 1 and lost[0].severity == "warning"
    assert cover[("income_summary", 367)].outcome == cover[("income_summary", 368)].outcome == "finding"
    assert not [f for f in result.findings if f.check == "unaccounted_line"]
