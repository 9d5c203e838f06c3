"""find_tables on the five real seeds and on small layouts written here."""

from pathlib import Path

import pytest

from budget_extraction.source import read_source, source_from_text
from budget_extraction.tables import (
    RETURNED_KINDS,
    classify_title,
    find_tables,
    is_financial,
    table_rows,
)

RAW = Path(__file__).resolve().parents[2] / "raw"

# (document, kind) -> (label as printed, unit) for the three expenditure tables every seed prints.
EXPECTED = {
    "000_df7f9757fe457667": {
        "expenditure_summary": ("表 3", "万元"),
        "general_public_functional": ("表 5-1", "万元"),
        "general_public_basic_economic": ("表 6", "万元"),
    },
    "001_6727838b316e5f85": {
        "expenditure_summary": ("附表 4-3", "万元"),
        "general_public_functional": ("附表 4-5", "万元"),
        "general_public_basic_economic": ("附表 4-6", "万元"),
    },
    "002_59fd46f20b32f4cf": {
        "expenditure_summary": ("公开表3", "万元"),
        "general_public_functional": ("公开表5", "万元"),
        "general_public_basic_economic": ("公开表6", "万元"),
    },
    "003_305331944a1f3ba9": {
        "expenditure_summary": ("公开 03 表", "万元"),
        "general_public_functional": ("公开 05 表", "万元"),
        "general_public_basic_economic": ("公开 06 表", "万元"),
    },
    "004_f083e30e185bc13b": {
        "expenditure_summary": ("表3", "万元"),
        "general_public_functional": ("表5", "万元"),
        "general_public_basic_economic": ("表6", "万元"),
    },
}


@pytest.fixture(scope="module")
def blocks():
    return {stem: find_tables(read_source(RAW / f"{stem}.txt")) for stem in EXPECTED}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_expenditure_tables_found_with_label_and_unit(blocks, stem):
    found = {}
    for block in blocks[stem]:
        found.setdefault(block.kind, []).append(block)
    for kind, (label, unit) in EXPECTED[stem].items():
        assert len(found.get(kind, [])) == 1, (kind, found.get(kind))
        block = found[kind][0]
        assert (block.label, block.unit) == (label, unit)
        assert block.start_line <= block.header_end_line < block.end_line


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_blocks_are_ordered_disjoint_and_of_our_kinds(blocks, stem):
    previous_end = 0
    for block in blocks[stem]:
        assert block.kind in RETURNED_KINDS
        assert block.start_line > previous_end
        assert block.start_line <= block.header_end_line <= block.end_line
        previous_end = block.end_line


def test_seed_000_full_table_list(blocks):
    got = [(b.label, b.kind) for b in blocks["000_df7f9757fe457667"] if is_financial(b)]
    assert got == [
        ("表 1", "income_expenditure_summary"),
        ("表2", "income_summary"),
        ("表 3", "expenditure_summary"),
        ("表 4", "fiscal_appropriation_summary"),
        ("表 5-1", "general_public_functional"),
        ("表 5-2", "general_public_by_unit"),
        ("表 6", "general_public_basic_economic"),
        ("表 7", "three_public"),
        ("表 8", "government_fund"),
        ("表 9", "state_capital"),
        ("表10", "project_expenditure"),
        ("表 11", "procurement"),
        ("表 12", "purchased_services"),
        ("表 13", "asset_allocation"),
    ]


def test_seed_000_performance_tables(blocks):
    # 000 prints its department targets without a title page (整体绩效总目标 at line 463), then five
    # 部门项目支出绩效目标申报表, four of them under the label 表 15; each runs to the next title.
    got = [(b.label, b.kind, b.start_line) for b in blocks["000_df7f9757fe457667"] if not is_financial(b)]
    assert got == [
        ("整体绩效总目标", "department_target", 463),
        ("表 15", "project_target", 483),
        ("表 15", "project_target", 563),
        ("部门项目支出绩效目标申报表", "project_target", 622),
        ("表 15", "project_target", 697),
        ("表 15", "project_target", 763),
    ]
    assert [b.end_line for b in blocks["000_df7f9757fe457667"] if not is_financial(b)][:-1] == [482, 562, 621, 696, 762]


def test_table_of_contents_and_caption_lists_are_not_tables(blocks):
    # 000 prints a 目录 (lines 15-34) and a list of captions "表 1. …" (lines 121-153).
    for block in blocks["000_df7f9757fe457667"]:
        assert block.start_line >= 155


def test_label_disagreeing_with_caption_keeps_printed_label(blocks):
    # 004 captions the project table "表10. …项目支出表" but labels it "表9".
    project = [b for b in blocks["004_f083e30e185bc13b"] if b.kind == "project_expenditure"]
    assert [(b.label, b.title) for b in project] == [("表9", "项目支出表")]
    state = [b for b in blocks["004_f083e30e185bc13b"] if b.kind == "state_capital"]
    assert state[0].label == "表9" and state[0].is_empty


def test_final_account_twins_and_empty_tables(blocks):
    by_label = {b.label: b for b in blocks["003_305331944a1f3ba9"]}
    assert by_label["公开 01 表"].kind == "income_expenditure_summary"
    assert by_label["公开 04 表"].kind == "fiscal_appropriation_summary"
    assert by_label["公开 07 表"].kind == "government_fund" and by_label["公开 07 表"].is_empty
    assert by_label["公开 08 表"].kind == "state_capital" and by_label["公开 08 表"].is_empty
    assert by_label["公开 09 表"].kind == "three_public" and not by_label["公开 09 表"].is_empty
    assert not by_label["公开 06 表"].is_empty  # 无形资产购置 is a row, not an empty note
    assert by_label["公开 06 表"].header_end_line == 352


def test_unit_in_label_line_and_yuan(blocks):
    procurement = [b for b in blocks["001_6727838b316e5f85"] if b.kind == "procurement"]
    assert [(b.label, b.unit, b.is_empty) for b in procurement] == [("预算 13表", "元", True)]


def test_prose_mentions_are_not_tables(blocks):
    # 002 line 99 says "详见公开表 5" in prose; the table itself starts at line 633.
    gp = [b for b in blocks["002_59fd46f20b32f4cf"] if b.kind == "general_public_functional"]
    assert [b.start_line for b in gp] == [633]


def test_header_end_is_the_line_before_the_first_row(blocks):
    by_label = {b.label: b for b in blocks["001_6727838b316e5f85"]}
    assert by_label["附表 4-3"].header_end_line < 403  # 合计 row of 支出总表
    assert by_label["附表 4-5"].header_end_line < 669
    by_label = {b.label: b for b in blocks["000_df7f9757fe457667"]}
    assert by_label["表 5-1"].header_end_line == 286


@pytest.mark.parametrize(
    "title, kind",
    [
        ("收入支出决算总表", "income_expenditure_summary"),
        ("收支总体情况表", "income_expenditure_summary"),
        ("2021年部门收支预算总表", "income_expenditure_summary"),
        ("收入决算表", "income_summary"),
        ("支出决算表", "expenditure_summary"),
        ("2021年部门支出预算总表", "expenditure_summary"),
        ("财政拨款收入支出决算总表", "fiscal_appropriation_summary"),
        ("一般公共预算财政拨款支出决算表", "general_public_functional"),
        ("一般公共预算支出表(分功能科目)", "general_public_functional"),
        ("一般公共预算支出表(分单位)", "general_public_by_unit"),
        ("一般公共预算财政拨款基本支出决算明细表", "general_public_basic_economic"),
        ("政府性基金预算财政拨款收入支出决算表", "government_fund"),
        ("国有资本经营预算财政拨款支出决算表", "state_capital"),
        ("财政拨款“三公”经费支出决算表", "three_public"),
        ("政府向社会力量购买服务预算表", "purchased_services"),
        ("项目支出表", "project_expenditure"),
        ("项目支出绩效目标表", "project_performance"),
        ("部门整体支出绩效目标申报表", "department_performance"),
    ],
)
def test_classify_title(title, kind):
    assert classify_title(title) == kind


def test_synthetic_layout_with_title_before_label_and_yuan():
    text = "\n".join(
        [
            "目录",
            "- 三、支出决算表",
            "- 五、一般公共预算财政拨款支出决算表",
            "",
            "三、支出决算表",
            "公开03表",
            "金额单位：元",
            "科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出",
            "合计\t\t2,000.00\t1,000.00\t1,000.00",
            "201\t一般公共服务支出\t2,000.00\t1,000.00\t1,000.00",
            "注：本表反映部门本年度各项支出情况。",
            "",
            "第三部分 情况说明",
            "本部门支出决算表详见公开03表。",
        ]
    )
    blocks = find_tables(source_from_text(text))
    assert [(b.kind, b.label, b.unit, b.start_line, b.header_end_line, b.end_line) for b in blocks] == [
        ("expenditure_summary", "公开03表", "元", 5, 8, 11)
    ]


def test_performance_table_is_a_block_but_no_table_row():
    """A performance title in a table of contents is no table; the table itself is a block of its own kind,
    read by the indicator reader and kept out of raw.tables (its rows reach the warehouse as indicators)."""
    printed = (
        "目录",
        "- 项目支出绩效目标表 ........ 12",
        "",
        "表 15",
        "",
        "项目支出绩效目标表",
        "项目名称：培训",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t培训场次\t≥3场",
    )
    doc = source_from_text("\n".join(printed))
    blocks = find_tables(doc)
    assert [(b.kind, b.label, b.title, b.start_line, b.header_end_line, b.end_line) for b in blocks] == [
        ("project_target", "表 15", "项目支出绩效目标表", 6, 8, 9)
    ]
    assert table_rows(doc, blocks) == []
