"""Performance indicators of the five seeds, checked against what the documents print.

How the expected counts were obtained (by reading the raw files, not the parser output):
one indicator per printed 三级指标 row; a row wrapped over several lines (its
continuation follows a blank line and only adds fragments) counts once.

* 000: department table lines 469-479 (11, long-term only). Five 表15 projects:
  long-term 16+7+9+11+17 = 60 (lines 519-536, 600-608, 670-680, 731-743, 812-830),
  annual 17+7+9+11+17 = 61 (540-559, 612-620, 685-693, 747-759, 836-854).
* 003: 部门整体自评 goals 1-4 at lines 883-940: 7+12+11+13 = 43 (the table is printed
  again at 1200-1257 and must not be counted twice); 11 project 自评表 (附1-附12):
  11+12+10+11+9+11+8+5+5+9+5 = 96.
* 004: department long-term goals 1-5 (410-433): 3+3+2+3+2 = 13; annual goals 1-5
  (438-487): 7+5+6+5+6 = 29; seven projects, long-term 7+7+7+10+12+9+7 = 59 and
  annual 7+7+7+10+12+9+7 = 59.
* 002: department long-term goal 1 (848-875) 9 + goal 2 (889-949) 15 = 24; annual
  goal 1 (961-988) 9 + goal 2 (1002-1062) 15 = 24; four 项目年度绩效目标表:
  11 (1194-1229) + 8 (1351-1389) + 12 (1570-1627) + 9 (1775-1836) = 40.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from budget_extraction.readers.indicators import l2_kind
from budget_extraction.readers.indicators import parse_indicators as parse_tables
from budget_extraction.source import read_source, source_from_text
from budget_extraction.tables import find_tables

RAW = Path(__file__).resolve().parents[2] / "raw"
SEEDS = {
    "000": "000_df7f9757fe457667.txt",
    "001": "001_6727838b316e5f85.txt",
    "002": "002_59fd46f20b32f4cf.txt",
    "003": "003_305331944a1f3ba9.txt",
    "004": "004_f083e30e185bc13b.txt",
}
L1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}


def parse_indicators(doc):
    """The indicator reader over the tables the table finder found, as extract_document calls it."""
    return parse_tables(doc, find_tables(doc))


@pytest.fixture(scope="module")
def parsed():
    return {key: parse_indicators(read_source(RAW / name)) for key, name in SEEDS.items()}


def counts(rows):
    return Counter((r.target_scope, r.horizon) for r in rows)


def find(rows, line):
    matches = [r for r in rows if r.source_line == line]
    assert matches, f"no indicator starts at line {line}"
    return matches[0]


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    "seed,expected",
    [
        ("000", {("department", "long_term"): 11, ("project", "long_term"): 60, ("project", "annual"): 61}),
        ("003", {("department", "annual"): 43, ("project", "annual"): 96}),
        (
            "004",
            {
                ("department", "long_term"): 13,
                ("department", "annual"): 29,
                ("project", "long_term"): 59,
                ("project", "annual"): 59,
            },
        ),
    ],
)
def test_counts_of_cell_layouts(parsed, seed, expected):
    rows, _, _ = parsed[seed]
    assert dict(counts(rows)) == expected


def test_self_evaluations_carry_actuals_and_scores(parsed):
    rows, _, _ = parsed["003"]
    assert all(r.table_kind.endswith("self_eval") for r in rows)
    assert all(r.score is not None and r.actual_text for r in rows)


def test_repeated_department_self_evaluation_is_kept_once(parsed):
    rows, _cover, findings = parsed["003"]
    assert not [r for r in rows if 1200 <= r.source_line <= 1257]
    assert any(f.check == "repeated_indicator_table" and f.source_line == 1163 for f in findings)


def test_counts_of_space_layout_department_annual(parsed):
    rows, _, _ = parsed["002"]
    assert counts(rows)[("department", "annual")] == 24


def test_counts_of_space_layout_exact(parsed):
    rows, _, _ = parsed["002"]
    assert dict(counts(rows)) == {
        ("department", "long_term"): 24,
        ("department", "annual"): 24,
        ("project", "annual"): 40,
    }


# 001 部门整体绩效目标申报表 (PDF text, every cell broken), counted by hand: one row per
# 三级指标 cell, i.e. per closing 指标分类 cell (绩效基本型/创新型) that follows a name; the
# "……" template rows (7642, 8167, 8333, 9452 and the 生态效益 / …… rows) carry no indicator.
# Long-term (7588-8206): 运行成本 4 + 管理效率 20 + 履职效能 3 + 社会效应 2
# + 可持续发展能力 6 + 满意度 2 = 37; the annual table (8247-9508) prints the same 37 rows.
def test_pdf_department_table_is_read(parsed):
    rows, _, _ = parsed["001"]
    assert counts(rows)[("department", "long_term")] == 37
    dept = [r for r in rows if r.target_scope == "department"]
    assert {r.indicator_l1_printed for r in dept} == {
        "运行成本",
        "管理效率",
        "履职效能",
        "社会效应",
        "可持续发展能力",
        "满意度",
    }
    row = find(rows, 7593)
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name, row.target_text, row.basis) == (
        "成本指标",
        "公用经费控制",
        "公用经费控制率",
        "100%",
        "预算支出标准",
    )
    row = find(rows, 8316)  # annual: 近两年指标值 then 预期当年实现值 on the name's line
    assert (row.indicator_name, row.target_text, row.prior_targets) == ("“三公经费”变动率", "15.53%", "近两年=86.00%")
    row = find(rows, 7981)  # l2 核心业 / 务产出 / 1, name over three lines, value on the fourth
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name, row.target_op, row.target_value) == (
        "产出指标",
        "核心业务产出1",
        "以户籍人口为基数计算的基本医保综合参保率(%)",
        ">=",
        90.0,
    )
    assert find(rows, 8180).indicator_l1 == "满意度指标"


# Annual (8247-9508), by hand: 37 closing 指标分类 cells (lines ending …型; the "……" rows have none).
# Columns 近两年指标值 (wide) then 预期当年实现值 (narrow); a tall row prints in bands (wide lines,
# narrow lines, closing, then the rest of both), and where the two columns print the same text
# the split is where they are equal.
def test_pdf_department_annual_table_is_complete(parsed):
    rows, _, _ = parsed["001"]
    assert counts(rows)[("department", "annual")] == 37
    dept = [r for r in rows if r.target_scope == "department"]
    long_term = [r.indicator_name for r in dept if r.horizon == "long_term"]
    assert [r.indicator_name for r in dept if r.horizon == "annual"] == long_term  # the same 37 rows
    row = find(rows, 8341)  # name, then the wide 近两年 text, then 100% alone
    assert (row.indicator_name, row.target_text, row.prior_targets) == (
        "中长期规划相符性",
        "100%",
        "近两年=部门规划与国家、区委区政府战略的匹配性、与部门职能的相符性",
    )
    row = find(rows, 8364)  # 计划相匹配 ends the 近两年 text, 100% alone is the target
    assert (row.indicator_name, row.target_text) == ("工作计划健全性", "100%")
    assert row.prior_targets.endswith("与部门职能和中长期计划相匹配")
    row = find(rows, 8481)
    assert (row.indicator_name, row.target_text, row.prior_targets) == (
        "预算调整率",
        "(预算调整数/预算数)×100%",
        "近两年=(预算调整数/预算数)×100%",
    )
    row = find(rows, 8605)  # the narrow column's last lines printed after the closing
    assert row.target_text == "设置的绩效目标依据充分，符合客观实际，符合部门制定的中长期规划和年度工作计划"
    row = find(rows, 8781)  # both columns continued after the closing (8833-8862)
    assert (row.indicator_l2, row.indicator_name) == ("资产管理", "资产管理规范性")
    assert row.target_text.endswith("③资产有偿使用和资产处置规范(批复、公开等),所获收入及时足额上缴")
    assert row.prior_targets == "近两年=" + row.target_text
    assert [(find(rows, n).indicator_l2, find(rows, n).indicator_name) for n in (8868, 8895, 8951)] == [
        ("财务管理", "财务管理制度健全性"),
        ("财务管理", "会计核算规范性"),
        ("财务管理", "资金使用合规性"),
    ]
    row = find(rows, 9175)  # closing broken by the row's second band (行业标准绩效基 … 本型)
    assert row.indicator_name == "服务体制改革成效" and row.target_text.startswith("通过政策宣传及落实相关政策")
    row = find(rows, 9397)  # after the twin columns of 9341 are complete: a new row
    assert (row.indicator_l2, row.indicator_name, row.target_text) == ("人才支撑", "高学历、高层次人才储备率", "不涉及")
    assert find(rows, 9341).target_text.endswith("善作为的高素质干部队伍")
    assert (find(rows, 9420).indicator_l2, find(rows, 9420).indicator_name) == ("科技支撑", "信息化建设情况")
    # the long-term twins of those rows (names settled by the annual table printing them whole)
    assert [find(rows, n).indicator_name for n in (7666, 8055, 8084, 8141)] == [
        "工作计划健全性",
        "服务体制改革成效",
        "行政管理体制改革成效",
        "高学历、高层次人才储备率",
    ]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_no_blocking_findings(parsed, seed):
    _, _, findings = parsed[seed]
    assert not [f for f in findings if f.severity == "error"]


def test_pdf_project_header_broken_mid_word_and_goal_between_level_pieces(parsed):
    rows, cover, _ = parsed["001"]
    # 据前年 上年 / 预计当年 / 实现 (10801), 前 / 年 / 上年 / 预计当 / 年 (13432) continue the header
    assert {c.outcome for c in cover if c.source_line in (10801, 11106, 13432, 13434)} == {"header"}
    # 经济成本指 / 成本指 / 长期绩效目标 1 / 标 / 标 (10721-10727), then the name
    row = find(rows, 10729)
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name, row.target_text, row.goal_label) == (
        "成本指标",
        "经济成本指标",
        "是否按预算额度下达医疗费",
        "100%",
        "长期绩效目标1",
    )


# --------------------------------------------------------------------------- invariants


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_levels_are_known_and_consistent(parsed, seed):
    rows, _, _ = parsed[seed]
    assert rows
    for row in rows:
        assert row.indicator_l1 in L1, (row.source_line, row.indicator_l1)
        kind = l2_kind(row.indicator_l2)
        if kind == "satisfaction":
            assert row.indicator_l1 == "满意度指标", row.source_line
        elif kind == "benefit":
            assert row.indicator_l1 == "效益指标", row.source_line
        elif kind in ("output", "cost"):
            assert row.indicator_l1 in ("产出指标", "成本指标"), row.source_line


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_rows_are_complete(parsed, seed):
    rows, cover, _ = parsed[seed]
    for row in rows:
        assert row.indicator_name and " " not in row.indicator_name, row.source_line
        assert row.target_op is None or row.target_value is not None, row.source_line
        if row.target_op is None and row.target_value is not None:  # a plain number: no operator printed
            assert not re.search(r"[≥≤<>=＞＜]|以上|以下|以内|不低于|不高于", row.target_text), row.source_line
        if row.score is not None and row.indicator_weight is not None:
            assert row.score <= row.indicator_weight, row.source_line
        assert row.horizon in ("long_term", "annual")
        assert row.source_table
    facts = [
        c for c in cover if c.outcome == "fact" and not (c.detail or "").startswith(("continuation", "row fragment"))
    ]
    assert len(facts) == len(rows)
    assert {c.outcome for c in cover} <= {"fact", "header", "note", "finding"}


@pytest.mark.parametrize("seed", ["000", "004"])
def test_project_indicators_have_their_printed_code(parsed, seed):
    rows, _, _ = parsed[seed]
    projects = [r for r in rows if r.target_scope == "project"]
    assert projects and all(r.project_code and len(r.project_code) == 21 for r in projects)
    assert all(r.project_code is None and r.project_name is None for r in rows if r.target_scope == "department")


def test_pdf_project_code_split_over_lines(parsed):
    rows, _, _ = parsed["001"]
    codes = {r.project_code for r in rows if r.project_name == "医保信息建设和维护经费"}
    assert codes == {"42130324032T000000110"}


# --------------------------------------------------------------------------- spot checks


def test_spot_checks_000(parsed):
    rows, _, _ = parsed["000"]
    row = find(rows, 747)
    assert (row.indicator_name, row.target_text, row.target_op, row.target_value, row.target_unit) == (
        "医保前台服务人次",
        "≥80000人次",
        ">=",
        80000.0,
        "人次",
    )
    assert row.prior_targets == "上年=≥80000人次" and row.basis == "计划标准"
    assert row.project_code == "42010726202T000000104" and row.horizon == "annual"
    wrapped = find(rows, 530)  # name continued on line 532 after a blank line
    assert wrapped.indicator_name == "对于符合救助条件且提出救助申请的救助对象医疗救助覆盖率"
    assert find(rows, 540).prior_targets == "前年=≤5000元; 上年=≤5000元"
    assert find(rows, 606).target_text == "≤30个工作日" and find(rows, 606).target_unit == "个工作日"
    assert find(rows, 812).target_unit == "万元/年"
    last = find(rows, 854)
    assert last.indicator_name == "办事群众对医保大厅服务满意度"  # the narrative after the table is not appended
    dept = find(rows, 477)
    assert (dept.target_scope, dept.indicator_l2, dept.target_op) == ("department", "社会效益指标", None)


def test_spot_checks_003(parsed):
    rows, _, _ = parsed["003"]
    row = find(rows, 887)  # 工作计划按时 / 完成率（1分） broken over a blank line
    assert (row.indicator_name, row.indicator_weight, row.score, row.goal_label) == (
        "工作计划按时完成率",
        1.0,
        1.0,
        "年度目标1",
    )
    row = find(rows, 1481)  # value and actual continued cell by cell on line 1483
    assert (row.indicator_name, row.target_text, row.actual_text) == ("年度内印刷医保宣传资料册数", "30万册", "30万册")
    row = find(rows, 1352)
    assert (row.target_text, row.target_op, row.target_value) == ("≥90%", ">=", 90.0)
    assert find(rows, 1600).score == 17.0 and find(rows, 1600).indicator_weight == 20.0
    assert find(rows, 908).indicator_l1 == "满意度指标"  # 满 意 度 指 / 标 broken character by character


def test_spot_checks_004(parsed):
    rows, _, _ = parsed["004"]
    row = find(rows, 474)  # 效益 / 指标 and 强化单位 / 职责，提升公信力 wrapped
    assert (row.indicator_l1, row.indicator_name) == ("效益指标", "强化单位职责，提升公信力")
    row = find(rows, 539)
    assert (row.indicator_name, row.target_text) == ("缴纳期限", "依据规定时效完成缴纳工作")
    row = find(rows, 455)  # printed shifted one column left, l1 inherited
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name) == (
        "效益指标",
        "社会效益指标",
        "有助于救助事业长久发展",
    )
    row = find(rows, 654)
    assert (row.indicator_name, row.target_text) == ("服务对象满意度", "≥90%")
    assert find(rows, 604 + 42).project_code == "42010523040T000000101"  # code printed as "…T000000 101"


def test_spot_checks_002(parsed):
    rows, _, _ = parsed["002"]
    row = find(rows, 907)
    assert (row.indicator_name, row.target_op, row.target_value, row.target_unit) == ("宣传牌展示", ">", 600.0, "天")
    assert row.indicator_l1 == "产出指标" and row.basis == "2023年底前完成"
    row = find(rows, 1229)  # old template: 服务对象满意度 under 项目效益
    assert (row.indicator_l1, row.indicator_l2, row.project_name) == (
        "满意度指标",
        "服务对象满意度指标",
        "党建、结对共建，文明创建",
    )
    row = find(rows, 1357)  # value wrapped over two lines, no basis
    assert (row.indicator_name, row.target_text) == ("出勤天数", ">=社会平均工作时长")


def test_spot_checks_001(parsed):
    rows, _, _ = parsed["001"]
    row = find(rows, 9707)
    assert (row.indicator_name, row.target_text, row.basis) == ("是否按预算额度下达资金", "100%", "计划标准")
    assert row.project_code == "42130324032T000000107" and row.indicator_l2 == "经济成本指标"
    row = find(rows, 9738)  # name and value both broken over lines at fixed column widths
    assert (row.indicator_name, row.target_text) == ("推行医保码“一码通办”", "提升群众医保体验感、获得感")


# --------------------------------------------------------------------------- generality and speed


def test_layout_is_recognised_from_structure_not_file():
    printed = (
        "表 9 部门整体支出绩效目标表",
        "长期绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t指标值确定依据",
        "\t产出指标\t数量指标\t培训场次\t≥ 3 场\t计划",
        "\t\t\t走访\t2次\t计划",
        "",
        "\t满意度\t服务对象满意度指标\t群众满意度\t90%以上\t计划",
    )
    text = "\n".join(printed)
    rows, _cover, findings = parse_indicators(source_from_text(text, "999_other_district.txt"))
    assert [(r.indicator_l1, r.indicator_l2, r.indicator_name, r.target_op, r.target_value) for r in rows] == [
        ("产出指标", "数量指标", "培训场次", ">=", 3.0),
        ("产出指标", "数量指标", "走访", None, 2.0),  # 2次: no operator printed
        ("满意度指标", "服务对象满意度指标", "群众满意度", ">=", 90.0),
    ]
    assert rows[0].source_table == "表 9" and rows[0].target_scope == "department"
    assert not findings


# 001 项目申报表 counted by hand (one row per 指标值 cell after a 三级指标 name; "......" goal rows
# carry none). 二等乙级以上残疾军人医疗费补助: long-term 10717-10791 经济成本 1 + 数量 1 + 质量 1 + 时效 1
# + 经济效益 1 + 社会效益 1 + 满意度 1 = 7, annual 10793-10894 the same 7.
def test_pdf_project_table_counts(parsed):
    rows, _, _ = parsed["001"]
    project = Counter(r.horizon for r in rows if r.project_name == "二等乙级以上残疾军人医疗费补助")
    assert project == {"long_term": 7, "annual": 7}
    first = Counter(r.horizon for r in rows if r.project_name == "中央财政医疗服务和保障能力提升补助")
    assert first["long_term"] == 11  # 9694-9886: 2+2+1+1+1+1+1+1+(生态效益 empty)+1


def test_spot_checks_001_projects(parsed):
    rows, _, _ = parsed["001"]
    row = find(rows, 10744)  # 医疗费是否按政策准 / 确、及时支付到 / 质量指标 / 位 / 100%
    assert (row.indicator_l2, row.indicator_name, row.target_text) == (
        "质量指标",
        "医疗费是否按政策准确、及时支付到位",
        "100%",
    )
    row = find(rows, 10030)  # 前年 and 上年 printed as text, 30000 余份 inside the 上年 cell
    assert (row.indicator_name, row.target_text, row.basis) == ("加强对医保政策惠民性的宣传", "100%", "上年数据")
    assert row.prior_targets == (
        "前年=线下发放各类宣传资料及电视媒体类宣传; "
        "上年=发放各类宣传资料30000余份，形成上下联动、同频共振的浓厚宣传氛围"
    )
    row = find(rows, 13789)  # header 前 / 年 / 上年: three value columns
    assert (row.indicator_name, row.target_text, row.prior_targets) == ("医保政策知晓率", "95%", "前年=95%; 上年=95%")
    assert not [r for r in rows if r.indicator_name.startswith(("......", "意度", "意程度"))]
    assert not [r for r in rows if "主要内容是" in (r.target_text or "") + (r.prior_targets or "")]


def test_spot_checks_002_free_level2(parsed):
    rows, _, _ = parsed["002"]
    row = find(rows, 910)  # 宣传工作 alone on line 909 is the level-2 cell
    assert (row.indicator_l2, row.indicator_name, row.target_text, row.basis) == (
        "宣传工作",
        "群众对医疗相关领域政策覆盖",
        "全区居民",
        "2023年底前完成",
    )
    row = find(rows, 875)  # l1 and a free l2 on one line with the row
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name, row.target_text) == (
        "满意度指标",
        "党建工作",
        "党员满意度",
        "90%",
    )
    assert not [r for r in rows if r.indicator_name in ("宣传工作", "监管工作", "党建工作")]


def test_stream_value_alone_ends_its_row_and_text_after_it_is_its_basis(parsed):
    rows, _, _ = parsed["002"]
    # 医疗保障宣传经费 (1775-1836) by hand: 数量 2 + 质量 1 + 成本 1 + 时效 1 + 社会效益 2 + 可持续 1
    # + 满意度 1 = 9; the wrapped 指标说明 text under 宣传形式多样化, 宣传牌展示覆盖面 and
    # 畅通举报投诉渠道 is their basis, 85% alone on 1810 ends 群众医疗保障政策认知度.
    project = [r for r in rows if r.project_name == "医疗保障宣传经费"]
    assert len(project) == 9
    row = find(rows, 1789)
    assert (row.indicator_name, row.target_text, row.basis) == (
        "宣传牌展示覆盖面",
        "100%",
        "医疗救助政策、打击欺诈骗保宣传街道、社区全覆盖",
    )
    assert find(rows, 1807).target_text == "85%"
    assert find(rows, 1819).basis.startswith("按照市局《关于欺诈骗取医疗保障基金举报处置管理规定》")
    row = find(rows, 1575)  # 说明 of 1570 printed between the rows, then this name and value
    assert (row.indicator_name, row.target_text, row.basis) == (
        "全区监管业务培训次数",
        "2次",
        "针对两定医药机构培训覆盖率达100%",
    )
    assert find(rows, 1570).basis == "对全区抽查30家两定医药机构进行专项审计"
    assert find(rows, 1357).target_text == ">=社会平均工作时长"  # a wrapped value is no basis


def test_pdf_project_stream_rows_closed_by_their_value(parsed):
    rows, _, _ = parsed["001"]
    # 城乡医疗救助地方配套 by hand: long-term (11337-11408) 经济成本 1 + 数量 2 + 质量 2 + 时效 1
    # + 经济效益 1 + 社会效益 2 + 满意度 1 = 10; annual (11430-11564) 1 + 2 + 2 + 1 + 1
    # + 社会效益 3 + 可持续 2 + 满意度 1 = 13; every value printed alone below its wrapped name.
    project = Counter(r.horizon for r in rows if r.project_name == "城乡医疗救助地方配套")
    assert project == {"long_term": 10, "annual": 13}
    # 离休干部医疗费 long-term (10397-10460) 7 rows: 根据组织部提供… (10410) is the basis of 10409
    assert Counter(r.horizon for r in rows if r.project_name == "离休干部医疗费")["long_term"] == 7
    assert find(rows, 10409).basis == "根据组织部提供离休干部人员名单"
    row = find(rows, 11352)  # the basis of 11347 printed before this name
    assert (row.indicator_name, row.target_text) == ("基金累计结余占筹集基金总额的比重", "100%")
    assert find(rows, 11347).basis == "根据年终系统清算情况"
    row = find(rows, 12482)  # 100% printed beside the middle of the name: 维护了社会稳定 ends it
    assert (row.indicator_name, row.target_text) == ("解决了改制困难企业退休职工门诊费用问题，维护了社会稳定", "100%")
    row = find(rows, 13294)  # 结算率占比达到 60% / 以上
    assert (row.target_text, row.basis) == ("结算率占比达到60%以上", "计划标准")
    assert find(rows, 11473).indicator_name == "符合资助条件的农村低收入人口资助参保政策覆盖率"


def test_pdf_project_annual_with_prior_text_columns(parsed):
    rows, _, _ = parsed["001"]
    # 中央财政医疗服务和保障能力提升补助 annual (9902-10255), one row per 预计当年实现 value
    # (the "100% 上年数据" lines), by hand: 经济成本 2 + 社会成本 1 + 生态环境成本 2 + 数量 2
    # + 质量 2 + 时效 1 + 经济效益 1 + 社会效益 1 + 生态效益 1 + 满意度 1 = 14.
    annual = [r for r in rows if r.project_name == "中央财政医疗服务和保障能力提升补助" and r.horizon == "annual"]
    assert len(annual) == 14
    row = find(rows, 9931)  # 前年 and 上年 print the same text: read twice after the name
    assert (row.indicator_name, row.prior_targets) == (
        "加大检查整治力度",
        "前年=定期检查各机构使用医保基金情况; 上年=定期检查各机构使用医保基金情况",
    )
    assert find(rows, 10075).indicator_name == "医保参保扩面力度持续加大"
    row = find(rows, 10189)  # 社会效益 / 指标 ” printed beside the middle of the name; 12家 inside 上年
    assert (row.indicator_l2, row.target_text) == ("社会效益指标", "100%")
    row = find(rows, 10248)  # 率 printed on the level-2 line, 95% 95% 95% on the value line
    assert (row.indicator_name, row.target_text, row.prior_targets) == ("医保政策知晓率", "95%", "前年=95%; 上年=95%")


def test_two_level2_words_in_one_merged_cell_take_the_first(parsed):
    rows, _, _ = parsed["004"]
    row = find(rows, 845)  # "社会效益指标 生态效益指标" in one cell: 生态效益 has no rows of its own
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name) == ("效益指标", "社会效益指标", "优化就业环境")
    assert find(rows, 846).indicator_l2 == "社会效益指标"


def test_goal_labels_broken_over_lines_and_department_goal_lines(parsed):
    rows, _, _ = parsed["001"]
    # 长期绩效 / 目标 1 (9698-9700), 长期绩效目 / 标 1 (12764-12766), 长期绩效目标 / 1 (13174-13176),
    # 年度绩效 / 目标 1 (9902-9904): every 001 project row belongs to its table's goal 1
    projects = [r for r in rows if r.target_scope == "project"]
    assert {(r.horizon, r.goal_label) for r in projects} == {
        ("long_term", "长期绩效目标1"),
        ("annual", "年度绩效目标1"),
    }
    assert find(rows, 9707).goal_label == "长期绩效目标1" and find(rows, 13452).goal_label == "年度绩效目标1"
    # 002 department: 长期目标1： (838) then the 长期绩效指标 header keeps the goal; hand counts as above
    rows, _, _ = parsed["002"]
    dept = Counter(r.goal_label for r in rows if r.target_scope == "department")
    assert dept == {"长期目标1": 9, "长期目标2": 15, "年度目标1": 9, "年度目标2": 15}
    assert (find(rows, 848).goal_label, find(rows, 949).goal_label, find(rows, 961).goal_label) == (
        "长期目标1",
        "长期目标2",
        "年度目标1",
    )


def test_printed_level1_kept_in_every_reader(parsed):
    rows, _, _ = parsed["002"]  # stream reader: the old project template's 项目产出 / 项目效益
    projects = [r for r in rows if r.target_scope == "project"]
    assert Counter((r.indicator_l1_printed, r.indicator_l1) for r in projects) == {
        ("项目产出", "产出指标"): 26,
        ("项目效益", "效益指标"): 10,
        ("项目效益", "满意度指标"): 4,
    }
    assert find(rows, 1229).indicator_l1_printed == "项目效益"  # 服务对象满意度 under 项目效益
    assert all(r.indicator_l1_printed is None for r in rows if r.target_scope == "department")
    rows, _, _ = parsed["004"]  # cell reader: 效益指标 printed beside 质量指标 (shifted cell)
    assert (find(rows, 704).indicator_l1, find(rows, 704).indicator_l1_printed) == ("产出指标", "效益指标")
    assert find(rows, 474).indicator_l1_printed is None  # 效益 / 指标: a broken word, not another name
    for seed in ("000", "003"):  # canonical names and PDF-broken words (产出 / 指标) are not recorded
        assert all(r.indicator_l1_printed is None for r in parsed[seed][0])


def test_printed_level2_kept_beside_the_canonical(parsed):
    rows, _, _ = parsed["002"]  # the old project template: 产出数量 / 产出质量 / 成本控制 / 完成时效, 社会效益 ...
    projects = [r for r in rows if r.target_scope == "project"]
    assert Counter((r.indicator_l2_printed, r.indicator_l2) for r in projects if r.indicator_l2_printed) == {
        ("产出数量", "数量指标"): 11,
        ("产出质量", "质量指标"): 7,
        ("成本控制", "成本指标"): 4,
        ("完成时效", "时效指标"): 4,
        ("社会效益", "社会效益指标"): 6,
        ("经济效益", "经济效益指标"): 1,
        ("可持续影响", "可持续影响指标"): 3,
        ("服务对象满意度", "服务对象满意度指标"): 3,
    }
    # 党建、结对共建，文明创建 (lines 1190-1229): the merged cell printed once above its rows
    assert (find(rows, 1194).indicator_name, find(rows, 1194).indicator_l2_printed) == (
        "支部主题党日完成数",
        "产出数量",
    )
    assert (find(rows, 1211).indicator_name, find(rows, 1211).indicator_l2_printed) == ("获得文明单位称号", "产出质量")
    assert (find(rows, 1219).indicator_l2, find(rows, 1219).indicator_l2_printed) == ("时效指标", "完成时效")
    assert find(rows, 1229).indicator_l2_printed == "服务对象满意度"
    assert find(rows, 1836).indicator_l2_printed is None  # 服务对象满意 / 度: not printed whole on a line
    rows, _, _ = parsed["003"]  # 项目自评表: 服务对象满意度 in the level-2 column, then the name
    assert (find(rows, 1306).indicator_l2, find(rows, 1306).indicator_l2_printed) == (
        "服务对象满意度指标",
        "服务对象满意度",
    )
    # the canonical word, also broken before 指标 (经济效益 / 指标; 社会公众或服务对象满意度 ... 指标 in
    # the same column of the next line), and an indicator named 服务对象满意度 beside its level 2
    assert find(rows, 1571).indicator_l2_printed is None  # 经济效益 指标
    for seed in ("000", "001", "004"):
        assert all(r.indicator_l2_printed is None for r in parsed[seed][0])


def test_actual_value_read_only_from_a_plain_number(parsed):
    rows, _, _ = parsed["003"]
    row = find(rows, 1600)  # 补助离休干部人数 6 人 -> 5 人
    assert (row.actual_text, row.actual_value, row.actual_unit) == ("5人", 5.0, "人")
    assert (row.target_op, row.target_value, row.target_unit) == (None, 6.0, "人")  # no operator printed
    assert all(r.actual_value is None for r in rows if r.actual_text and r.actual_text[0] in "≥≤<>")


def test_name_end_printed_in_the_level2_column(parsed):
    rows, _, _ = parsed["004"]
    # 840 买岗人员, then after a blank line 年度工作总结及评价标准 printed in the l2 column beside the
    # next row (资金使用规范性 100% 100% 100%); the long-term table (828) prints the name whole
    assert find(rows, 840).indicator_name == "买岗人员年度工作总结及评价标准"
    row = find(rows, 842)
    assert (row.indicator_name, row.target_text, row.prior_targets, row.basis) == (
        "资金使用规范性",
        "100%",
        "前年=100%; 上年=100%",
        None,
    )
    assert find(rows, 539).indicator_name == "缴纳期限"  # a wrapped name in its own column stays a continuation


def test_stream_basis_and_next_name_both_wrapped_and_one_line_of_all_columns(parsed):
    rows, _, _ = parsed["002"]
    # 医疗保障宣传经费 annual: 85% alone (1810) closes 群众医疗保障政策认知度; its 指标说明 (1811-1812,
    # 10 characters wide) and the next name (1814-1815, 8 wide) read as one cell before; widths split them
    assert find(rows, 1807).basis == "医疗救助政策、打击欺诈骗保宣传效果调查"
    row = find(rows, 1814)
    assert (row.indicator_name, row.target_text, row.basis) == ("相关工作人员政策掌握度", "100%", "2021年底前完成")
    assert len([r for r in rows if r.project_name == "医疗保障宣传经费"]) == 9
    row = find(rows, 1209)  # 基层党建考核 优秀 上级考核: name, qualitative value, basis on one line
    assert (row.indicator_name, row.target_text, row.target_op, row.basis) == ("基层党建考核", "优秀", None, "上级考核")
    row = find(rows, 983)  # 完成各类学习、培训 / 、结对帮扶等工作 / 全年 2021年底前完成: 全年 is the value
    assert (row.indicator_name, row.target_text, row.basis) == (
        "完成各类学习、培训、结对帮扶等工作",
        "全年",
        "2021年底前完成",
    )
    assert find(rows, 868).target_text == "全年"
    row = find(rows, 1608)  # a one-line name (10 wide), then the value wrapped 8 wide over eight lines
    assert row.indicator_name == "对社区居民群众的宣传"
    assert row.target_text.startswith("通过张贴宣传海报、宣传标语") and row.target_text.endswith("解读扶贫救助有关政策")


def test_stream_name_ends_by_printed_width(parsed):
    rows, _, _ = parsed["001"]
    # CJK characters print twice as wide as punctuation: 进一步扩大参保覆盖 / 面，确保应保尽保，提 are
    # the same width (18), so the name runs on to 率; the value 加强扩面宣传… follows
    row = find(rows, 9789)
    assert (row.indicator_name, row.target_text) == (
        "进一步扩大参保覆盖面，确保应保尽保，提高基本医疗保险参保率",
        "加强扩面宣传，优化经办服务，协同税务部门丰富参保缴费渠道",
    )
    row = find(rows, 9858)  # one line of the name column (20 wide), the value 17 / 16 / 13 below it
    assert (row.indicator_name, row.target_text, row.basis) == (
        "强化医保服务数字赋能",
        "推行医保码“一码通办”、提升群众医保体验感、获得感",
        "计划标准",
    )
    row = find(rows, 10138)
    assert (row.indicator_name, row.prior_targets) == (
        "推进医疗保障服务领域“高效办成一件事”",
        "前年=做实“15分钟医保服务圈”; 上年=截至目前累计直接便民利民20000余人次",
    )
    assert (find(rows, 11868).indicator_name, find(rows, 11868).prior_targets) == ("各级财政补助标准(元)", None)
    assert find(rows, 12212).indicator_name == "是否按政策准确、及时资助"
    assert find(rows, 12249).indicator_name == "解决了特殊群体的医疗费用问题，维护了社会稳定"
    row = find(rows, 13305)
    assert (row.indicator_name, row.target_text) == (
        "提高运维工作效率，优化日常运维工作流程",
        "明确工作职责要求，规范各类需求单的填报和报送要求",
    )
    row = find(rows, 13789)  # 医保政策 / 知晓率 / 95% 95% 95%: the value line opens the next cells
    assert (row.indicator_name, row.target_text, row.prior_targets) == ("医保政策知晓率", "95%", "前年=95%; 上年=95%")


def test_stream_narrow_name_and_prior_then_wide_prior(parsed):
    rows, _, _ = parsed["001"]
    # 中央财政医疗服务和保障能力提升补助 annual: 三级指标 and 前年 print 4-5 characters wide, 上年 8-9
    row = find(rows, 9952)  # 前年 starts where the wide 上年 prints the same words (发放各类宣传资料)
    assert (row.indicator_name, row.prior_targets) == (
        "综合运用“报、网、端、微、屏”等平台，加大待遇保障、医药服务等医保政策宣传力度",
        "前年=发放各类宣传资料及电视媒体类宣传; 上年=发放各类宣传资料30000余份，形成上下联动、同频共振的浓厚宣传氛围",
    )
    row = find(rows, 10167)  # 加大检查整治力度 is the name read at 9931
    assert (row.indicator_name, row.prior_targets) == (
        "加大检查整治力度",
        "前年=定期检查各机构使用医保基金情况; 上年=涉及违规使用医保基金，已全部足额退回医保账户",
    )
    row = find(rows, 10189)  # bands: name, 上年 begun, 前年, then 务 finishing 上年
    assert (row.indicator_l2, row.indicator_name, row.target_text, row.prior_targets) == (
        "社会效益指标",
        "推行医保码“一码通办”",
        "100%",
        "前年=提升群众医保体验感、获得感; 上年=截至目前已在12家定点医疗机构开通“IOT”刷脸结算服务",
    )
    row = find(rows, 10213)  # 化水 / … / 务水 / 平 / 平: one character left for each narrow cell
    assert (row.indicator_name, row.prior_targets) == (
        "经办工作落实，深化经办内控管理，提高经办标准化水平",
        "前年=进一步提升保障服务水平; 上年=开展经办系统比武练兵，加强经办队伍专业化建设",
    )
    # 持续深化 / 医保支付 / 方式改革 / 逐步推进: four full narrow lines, nothing says where 前年 begins;
    # 上年 is whole and 前年 is left empty rather than guessed
    row = find(rows, 9911)
    assert row.prior_targets == "上年=督促区域内相关医疗机构在规定时间节点完成了DIP历史数据的采集和上报"


def test_stream_prior_column_one_character_wide(parsed):
    rows, _, _ = parsed["001"]
    # 医保信息建设和维护经费 annual (13423-13792), by hand one row per 三级指标: 经济成本 2 + 社会成本 1
    # + (生态环境成本 empty) + 数量 1 + 质量 1 + 时效 1 + 经济效益 1 + 社会效益 1 + 生态效益 1 + 满意度 1 = 10.
    # 前年 prints one character per line (按 / 政 / 策 / 要 / 求 / 落 / 实), 上年 wide, a text value 4 wide.
    annual = [r for r in rows if r.project_name == "医保信息建设和维护经费" and r.horizon == "annual"]
    assert len(annual) == 10
    row = find(rows, 13476)
    assert (row.indicator_name, row.target_text) == ("落实医保编码应用工作", "100%")
    assert row.prior_targets.startswith("前年=按政策要求落实; 上年=全面梳理贯标平台")
    row = find(rows, 13518)  # 类 alone on a line inside the column is text, not the header's 指标分类
    assert (row.indicator_name, row.prior_targets.split("; ")[0]) == (
        "加强对医保政策惠民性的宣传",
        "前年=线下发放各类宣传资料及电视媒体类宣传",
    )
    row = find(rows, 13574)  # ＞ / 60 / % then ＞80% ＞90% 上年数据
    assert (row.indicator_name, row.target_text, row.prior_targets) == (
        "职工医保码激活率",
        "＞90%",
        "前年=＞60%; 上年=＞80%",
    )
    row = find(rows, 13587)  # 前年 runs on after 上年数据 (送 / 要 / 求): no row of its own
    text = "明确工作职责要求，规范各类需求单的填报和报送要求"
    assert (row.indicator_name, row.target_text, row.prior_targets, row.basis) == (
        "提高运维工作效率，优化日常运维工作流程",
        text,
        f"前年={text}; 上年={text}",
        "上年数据",
    )
    assert (find(rows, 13675).indicator_name, find(rows, 13675).prior_targets) == (
        "召开全区医保业务综合服务终端推广应用",
        "前年=按政策要求落实; 上年=加快IOT设备部署进度",
    )
    row = find(rows, 13708)
    assert (row.indicator_name, row.target_text) == (
        "落实医保编码应用工作",
        "全面梳理贯标平台，对信息不一致、不规范、不准确的两定机构，督促其进行维护修改，提高数据质量",
    )


def test_stream_text_values_running_on(parsed):
    rows, _, _ = parsed["001"]
    # 医保信息建设和维护经费 long-term (13170-13416), by hand one row per 三级指标: 经济成本 2 + 社会成本 2
    # + (生态环境成本 empty) + 数量 2 + 质量 2 + 时效 2 + 经济效益 1 + 社会效益 1 + 生态效益 1 + 满意度 1 = 14
    long_term = [r for r in rows if r.project_name == "医保信息建设和维护经费" and r.horizon == "long_term"]
    assert len(long_term) == 14
    row = find(rows, 13214)  # 计划标准 printed beside the middle of the value, which runs on (排一次队…)
    assert (row.indicator_name, row.target_text, row.basis) == (
        "优化业务经办流程",
        "已实现医保业务“进一扇门，取一个号，排一次队”通收通办。",
        "计划标准",
    )
    assert find(rows, 13229).indicator_name == "做实职工门诊共济保障制度改革"
    row = find(rows, 13319)  # 等 18项医保服务事 / … 等 12项医: numbers inside full lines of a sentence
    assert row.target_text.endswith("等18项医保服务事项的就近办理，服务点可办理个人参保信息查询等12项医保事项")
    assert (row.target_op, row.basis) == (None, "计划标准")
    row = find(rows, 13369)  # the value printed twice (a narrow and a wide copy) is read once
    assert (row.indicator_name, row.target_text) == (
        "落实医保编码应用工作",
        "全面梳理贯标平台，对信息不一致、不规范、不准确的两定机构，督促其进行维护修改，提高数据质量",
    )


def test_stream_uneven_name_cut_level2_and_basis_begun_above_value(parsed):
    rows, _, _ = parsed["001"]
    # 医疗费是否 / 按政策准 / 确、及时支 / 付到位: one name wrapping unevenly, not a name and a 上年 text
    for line in (10506, 10831):
        assert (find(rows, line).indicator_name, find(rows, line).prior_targets) == (
            "医疗费是否按政策准确、及时支付到位",
            None,
        )
    row = find(rows, 10738)  # 数量指 / 产出指标 / 标 伤残军人… / 根据退役军人事务 / 100% 局提供人员名单
    assert (row.indicator_l1, row.indicator_l2, row.indicator_name, row.target_text, row.basis) == (
        "产出指标",
        "数量指标",
        "伤残军人财政负担人数",
        "100%",
        "根据退役军人事务局提供人员名单",
    )
    # hand counts (one row per 三级指标 value): 城乡居民医疗保险地方配套 long-term 11761-11834 经济成本 1
    # + 数量 2 + 质量 1 + 时效 1 + 经济效益 1 + 社会效益 2 + 满意度 1 = 9, annual 11838-11935 the same but
    # 社会效益 1 (看病就医方便程度 not printed) = 8; 特殊群体人员资助参保 12106-12172 and 12176-12269: 7 and 7;
    # 财政医疗救助补助资金 12762-12842: 1 + 2 + 2 + 1 + 1 + 2 + 1 = 10, annual 12848-13001:
    # 1 + 2 + 2 + 1 + 1 + 社会效益 3 + 可持续 2 + 1 = 13
    for project, expected in (
        ("城乡居民医疗保险地方配套", {"long_term": 9, "annual": 8}),
        ("特殊群体人员资助参保", {"long_term": 7, "annual": 7}),
        ("财政医疗救助补助资金", {"long_term": 10, "annual": 13}),
    ):
        assert Counter(r.horizon for r in rows if r.project_name == project) == expected, project
    assert (find(rows, 11923).indicator_name, find(rows, 11935).target_text) == ("参保人员医疗费用负担减轻程度", "90%")
    assert (find(rows, 12122).indicator_name, find(rows, 12122).basis) == (
        "资助参保人数",
        "根据各部门提供特殊群体资助人员名单确定人数",
    )
    assert (find(rows, 12989).indicator_l2, find(rows, 12989).indicator_name) == (
        "可持续影响指标",
        "对健全医疗保障制度体系的作用",
    )


def test_level2_printed_as_public_or_service_object_satisfaction(parsed):
    rows, _, _ = parsed["001"]
    # 社会公众或 / 服务对象满 / 意度 (also broken around the row: 11170-11177) is one level 2, and the
    # name 服务对象满 / 意程度 under it is a name; 10788 prints that phrase as the name under 服务对象满意度指标
    for line in (10891, 11173, 12172, 12269, 12499):
        assert find(rows, line).indicator_l2 == "社会公众或服务对象满意度指标", line
    assert (find(rows, 11173).indicator_name, find(rows, 11173).target_text) == ("服务对象的满意程度", "95%")
    assert (find(rows, 10788).indicator_l2, find(rows, 10788).indicator_name) == (
        "服务对象满意度指标",
        "社会公众或服务对象对项目实施的满意程度",
    )


def test_reader_reads_the_tables_it_is_given():
    """The reader does not look for tables itself: given none it reads nothing; given 000's department
    table alone (title page lost, opening at line 463) it reads that table's 11 indicators (lines 469-479)."""
    doc = read_source(RAW / SEEDS["000"])
    assert parse_tables(doc, []) == ([], [], [])
    department = [b for b in find_tables(doc) if b.kind == "department_target"]
    assert [b.start_line for b in department] == [463]
    rows, _, _ = parse_tables(doc, department)
    assert len(rows) == 11
    assert {r.table_kind for r in rows} == {"department_target"}
    assert {r.source_line for r in rows} <= set(range(469, 480))
