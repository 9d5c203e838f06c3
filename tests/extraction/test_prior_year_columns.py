"""Prior years' figures printed beside this year's in the 部门整体绩效目标表, placed by header words.

Expected values read by hand from the seeds' printed tables (部门总体资金情况).
"""

from __future__ import annotations

from decimal import Decimal

from budget_extraction import extract_document, read_source, source_from_text
from budget_extraction.readers.prior_year_columns import parse_prior_year_columns
from budget_extraction.tables import find_tables

D = Decimal


def _figures(raw_dir, document_id):
    extraction = extract_document(read_source(raw_dir / f"{document_id}.txt"))
    rows = [
        (r.section, r.item_name, r.subject, r.column_header, r.fiscal_year, r.amount_kind, r.amount, r.source_line)
        for r in extraction.prior_year_column_figures
    ]
    unplaced = [f for f in extraction.findings if f.check == "prior_year_figure_unplaced"]
    return rows, unplaced


def test_tab_layout_two_years_by_cell(raw_dir):
    # 004 lines 387-396: 当年金额 | 占比 | 近两年收支金额 over 2023年 | 2022年; 财政专户管理资金 prints
    # only its 2022 cell (2), which its cell places.
    rows, unplaced = _figures(raw_dir, "004_f083e30e185bc13b")
    income = [r for r in rows if r[0] == "收入构成"]
    assert income == [
        ("收入构成", "财政拨款", "fiscal_appropriation.income", "近两年收支金额 2023年", 2023, None, D("1077.43"), 389),
        ("收入构成", "财政拨款", "fiscal_appropriation.income", "近两年收支金额 2022年", 2022, None, D("1270.54"), 389),
        ("收入构成", "财政专户管理资金", "other", "近两年收支金额 2022年", 2022, None, D("2"), 390),
        ("收入构成", "合计", "all_funds.income", "近两年收支金额 2023年", 2023, None, D("1077.43"), 392),
        ("收入构成", "合计", "all_funds.income", "近两年收支金额 2022年", 2022, None, D("1272.54"), 392),
    ]
    totals = {(r[4], r[6]) for r in rows if r[2] == "all_funds.expenditure"}
    assert totals == {(2023, D("1077.43")), (2022, D("1272.54"))}
    assert len(rows) == 13 and unplaced == []


def test_last_year_budget_column_wrapped_onto_its_own_line(raw_dir):
    # 002 lines 772-789: 上年预算安排情况 (2020 budget); 408.96 printed on the line below 财政拨款.
    rows, unplaced = _figures(raw_dir, "002_59fd46f20b32f4cf")
    assert rows == [
        ("收入构成", "财政拨款", "fiscal_appropriation.income", "上年预算安排情况", 2020, "budget", D("408.96"), 785),
        ("收入构成", "合计", "all_funds.income", "上年预算安排情况", 2020, "budget", D("408.96"), 789),
    ]
    assert unplaced == []


def test_a_row_whose_figures_cannot_be_placed_is_a_finding(raw_dir):
    # 001 line 7356 prints "单位资金 18": one figure, three amount columns, no 占比 to place it.
    rows, unplaced = _figures(raw_dir, "001_6727838b316e5f85")
    assert [(r[1], r[4], r[6]) for r in rows if r[2] == "all_funds.expenditure"] == [
        ("合计", 2024, D("10202.8")),
        ("合计", 2023, D("8592.7")),
    ]
    assert not any(r[1] == "单位资金" for r in rows)
    assert [(f.source_line, "18" in f.detail) for f in unplaced] == [(7356, True)]


def test_a_prior_budget_column_in_yuan_is_converted_exactly():
    text = "\n".join(
        [
            "2025年某区教育局部门预算",
            "部门整体绩效目标表",
            "单位：元",
            "部门总体资金情况\t总体资金情况\t\t当年金额\t占比\t上年预算数\t",
            "\t收入构成\t财政拨款\t1234567\t100%\t2345678\t",
            "\t\t合计\t1234567\t100%\t2345678\t",
            "部门职能概述\t…",
            "一级指标\t二级指标\t三级指标\t指标值",
        ]
    )
    doc = source_from_text(text)
    rows, findings = parse_prior_year_columns(doc, find_tables(doc), 2025)
    assert [(r.item_name, r.fiscal_year, r.amount_kind, r.amount, r.current_amount) for r in rows] == [
        ("财政拨款", 2024, "budget", D("234.5678"), D("123.4567")),
        ("合计", 2024, "budget", D("234.5678"), D("123.4567")),
    ]
    assert findings == []


def test_a_figure_wrapped_out_of_its_cell_is_a_finding_not_a_guess():
    text = "\n".join(
        [
            "2025年某区教育局部门预算",
            "部门整体绩效目标表",
            "单位：万元",
            "部门总体资金情况\t总体资金情况\t\t当年金额\t占比\t上年预算数\t",
            "\t收入构成\t财政拨款\t12.00\t100%\t",
            "34.00",
            "\t\t合计\t12.00\t100%\t34.00\t",
            "部门职能概述\t…",
            "一级指标\t二级指标\t三级指标\t指标值",
        ]
    )
    doc = source_from_text(text)
    rows, findings = parse_prior_year_columns(doc, find_tables(doc), 2025)
    assert [(r.item_name, r.amount, r.source_line) for r in rows] == [("合计", D("34.00"), 7)]
    assert [(f.check, f.source_line) for f in findings] == [("prior_year_figure_unplaced", 5)]
