"""Narrative claims: sentences in the template's phrasing, written by hand, and the seeds' own 说明."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budget_extraction.readers.narrative import parse_narrative
from budget_extraction.source import read_source, source_from_text
from budget_extraction.tables import find_tables

D = Decimal
RAW = Path(__file__).resolve().parents[2] / "raw"


def claims_of(text: str):
    doc = source_from_text(text, "narrative.txt")
    return parse_narrative(doc, find_tables(doc))


def only(rows, subject):
    [row] = [r for r in rows if r.subject == subject]
    return row


def test_total_with_change_rate_and_year():
    rows, findings = claims_of(
        "一、收支预算总体安排\n2024年部门收入预算895.62万元，比2023年预算减少181.81万元，"
        "下降16.87%，主要是压减项目经费。"
    )
    claim = only(rows, "all_funds.income")
    assert (claim.amount, claim.amount_printed, claim.source_unit) == (D("895.62"), "895.62", "万元")
    assert (claim.change_amount, claim.change_direction, claim.change_word) == (D("181.81"), "decrease", "减少")
    assert (claim.rate_percent, claim.rate_direction) == (D("16.87"), "decrease")
    assert (claim.comparison_text, claim.comparison_year) == ("比2023年预算", 2023)
    assert claim.source_line == 2 and claim.source_page is None
    assert (
        claim.sentence == "2024年部门收入预算895.62万元，比2023年预算减少181.81万元，下降16.87%，主要是压减项目经费。"
    )
    assert findings == []


def test_shares_of_the_amount_before_qizhong():
    rows, _ = claims_of(
        "2024年部门支出预算895.62万元，其中：基本支出210.17万元，占23.47%；项目支出685.45万元，占76.53%。"
    )
    basic, project = only(rows, "all_funds.basic"), only(rows, "all_funds.project")
    assert (basic.amount, basic.share_percent, basic.share_base_amount) == (D("210.17"), D("23.47"), D("895.62"))
    assert (project.share_printed, project.share_base_subject) == ("76.53", "all_funds.expenditure")
    assert only(rows, "all_funds.expenditure").share_percent is None


def test_yuan_converted_exactly_and_increase():
    rows, _ = claims_of("2025年一般公共预算基本支出5,873,551元，与上年相比增加123,456元，增长2.15%。")
    claim = only(rows, "general_public_budget.basic")
    assert (claim.amount, claim.source_unit, claim.amount_printed) == (D("587.3551"), "元", "5,873,551")
    assert (claim.change_amount, claim.change_unit, claim.change_direction) == (D("12.3456"), "元", "increase")
    assert (claim.comparison_text, claim.comparison_year) == ("与上年相比", None)


def test_flat_words_and_three_public_items():
    rows, _ = claims_of(
        "二、“三公”经费预算情况\n2024年“三公”经费预算0.95万元，与2023年预算持平。其中：(1)因公出国(境)费0万元；"
        "(2)公务接待费0.95万元。"
    )
    total = only(rows, "three_public.total")
    assert (total.amount, total.change_direction, total.change_word, total.comparison_year) == (
        D("0.95"),
        "flat",
        "持平",
        2023,
    )
    assert only(rows, "three_public.outbound").amount == D(0)
    assert only(rows, "three_public.reception").amount == D("0.95")


def test_change_in_the_next_sentence_belongs_to_the_claim_before():
    rows, _ = claims_of("八、其他重要事项\n2024年机关运行经费22.32万元。比2023年预算减少24.18万元，下降52%。")
    claim = only(rows, "office_running")
    assert (claim.change_amount, claim.rate_printed) == (D("24.18"), "52")
    assert claim.sentence == "2024年机关运行经费22.32万元。比2023年预算减少24.18万元，下降52%。"


def test_wrapped_lines_and_pdf_spacing_are_joined():
    rows, _ = claims_of(
        "2021 年部门预算支出 294.64 万元，其中：基本支出 181.66 万\n\n元，占 61.65%;项目支出 112.98 万元,占 38.35%。"
    )
    basic = only(rows, "all_funds.basic")
    assert (basic.amount, basic.share_percent, basic.source_line) == (D("181.66"), D("61.65"), 1)
    assert (
        basic.sentence
        == "2021 年部门预算支出 294.64 万元，其中：基本支出 181.66 万元，占 61.65%;项目支出 112.98 万元,占 38.35%。"
    )


def test_generic_subject_takes_the_section_heading():
    rows, _ = claims_of(
        "三、一般公共预算支出安排情况\n2024年一般公共预算支出预算895.62万元。其中：(1)本年预算895.62万元，"
        "比2023年预算减少181.81万元。\n（一）基本支出210.17万元，主要用于人员经费。"
    )
    assert [r.subject for r in rows] == ["general_public_budget.expenditure"] * 2 + ["general_public_budget.basic"]


def test_explanations_and_thresholds_are_not_claims():
    rows, _ = claims_of(
        "2018年支出预算33172.15万元。主要原因是基本支出增加1447.63万元、项目支出减少200万元。单价50万元以上的设备0台。"
    )
    assert [(r.subject, r.amount) for r in rows] == [("all_funds.expenditure", D("33172.15"))]
    assert rows[0].change_amount is None


def test_unreadable_claims_are_counted_not_guessed():
    rows, findings = claims_of(
        "5．案件执行支出950万元，与上年相比减少100万元，减少9.52，主要原因是压减经费。\n"
        "二、其他事项\n比上年增加5万元。\n"
        "公用经费包括办公费13万元、差旅费10万元、其他支出2.07万元，较上年55.14万元减少5.67万元。\n"
        "固定资产净值189.21万元。资产总额较上年增加28.67万元。"
    )
    assert rows[0].rate_percent is None and rows[0].change_amount == D(100)
    assert all(r.change_amount is None for r in rows if r.source_line > 1)
    assert [f.check for f in findings] == ["claim_unreadable"] * 5
    assert all(f.severity == "info" for f in findings)
    assert "减少9.52" in findings[0].detail and findings[0].source_line == 1
    assert "no amount to belong to" in findings[1].detail and findings[1].source_line == 3
    assert "a list of amounts" in findings[2].detail and "a list of amounts" in findings[3].detail
    assert "资产总额" in findings[4].detail and findings[4].source_line == 5


def test_prior_year_figure_stated_beside_the_amount():
    rows, findings = claims_of(
        "收入总计 9817.07 万元（上年收入总计 10202.8 万元，同比减少 385.73 万元，同比减少 3.78 %）。"
    )
    claim = only(rows, "all_funds.income")
    assert (claim.prior_amount, claim.change_amount, claim.rate_printed) == (D("10202.8"), D("385.73"), "3.78")
    assert findings == []


def test_tables_are_not_narrative():
    text = (
        "表3\n部门支出总表\n单位：万元\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
        "\t合计\t895.62\t210.17\t685.45\n201\t一般公共服务支出\t100.00\t50.00\t50.00\n"
    )
    rows, findings = claims_of(text)
    assert rows == [] and findings == []


# --------------------------------------------------------------------------------------
# The seeds' narratives, claim by claim as printed (read by hand from raw/)
# --------------------------------------------------------------------------------------


def seed_claims(prefix: str):
    [path] = RAW.glob(f"{prefix}_*.txt")
    doc = read_source(path)
    return parse_narrative(doc, find_tables(doc))


def test_seed_004_sections_one_to_nine():
    rows, findings = seed_claims("004")
    section = [r for r in rows if 916 <= r.source_line <= 992]
    # 一 (4 + 1 share base), 二 (4), 三 (4 + 5 project items), 四 (4), 五 (6), 八 (机关运行, 政府采购 + 3 kinds,
    # 乡村振兴, 政府购买服务)
    assert len(section) == 35
    by_line = {(r.source_line, r.subject): r for r in section}
    assert by_line[(916, "all_funds.income")].rate_printed == "16.87"
    assert by_line[(920, "all_funds.project")].share_printed == "76.53"
    assert by_line[(948, "general_public_budget.basic")].change_amount == D("3.9")
    assert by_line[(972, "office_running")].rate_printed == "52"
    assert by_line[(976, "procurement")].change_amount == D("10.6")
    assert by_line[(958, "three_public.total")].change_direction == "increase"
    assert len([r for r in section if r.change_direction]) == 8
    assert len([r for r in section if r.share_printed]) == 3
    assert findings == []


def test_seed_002_overall_section():
    rows, findings = seed_claims("002")
    overall = [r for r in rows if 69 <= r.source_line <= 93]
    assert [(r.subject, r.amount) for r in overall] == [
        ("all_funds.budget_total", D("294.64")),
        ("all_funds.income", D("294.64")),
        ("general_public_budget.income", D("294.64")),
        ("all_funds.expenditure", D("294.64")),
        ("all_funds.basic", D("181.66")),
        ("all_funds.project", D("112.98")),
        ("all_funds.class_201", D("0")),
        ("all_funds.class_208", D("9.33")),
        ("all_funds.class_210", D("263.72")),
        # 资源勘探工业信息等事务支出 is not the national class name (资源勘探工业信息等支出): not guessed
        ("other", D("0")),
        ("all_funds.class_221", D("21.59")),
    ]
    total = overall[0]
    assert (total.change_amount, total.rate_printed, total.comparison_year) == (D("52.73"), "15.17", 2020)
    assert [r.share_printed for r in overall[2:6]] == ["100", None, "61.65", "38.35"]
    assert findings == []


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent: the corpus PDFs are not here to read")
def test_corpus_narratives_give_claims_without_errors():
    counts = {}
    for path in sorted(CORPUS.glob("*.pdf")):
        doc = read_source(path)
        rows, findings = parse_narrative(doc, find_tables(doc))
        counts[path.stem] = len(rows)
        assert all(f.severity == "info" for f in findings), path.name
    narrated = {name: n for name, n in counts.items() if not name.endswith("_tables")}
    assert all(n > 0 for n in narrated.values()), narrated
