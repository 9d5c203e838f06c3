"""Expenditure tables in the layout read from PDFs (a tab is a gap, blank cells vanish), by rule
on small hand-written tables, then on the real corpus PDFs with figures read from them by hand."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from budget_extraction.readers.expenditure import extract_expenditure
from budget_extraction.source import read_source, source_from_text
from budget_extraction.tables import find_tables

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real PDF corpus is not at {CORPUS}")


def text_of(*lines: str) -> str:
    return "\n".join(lines)


def pdf_like(text: str, pages: list[int]) -> object:
    """Text as the PDF layer lays it out, with the page of every line."""
    doc = source_from_text(text, "999_pdf_layout.pdf")
    assert len(pages) == len(doc.lines)
    return replace(doc, line_pages=tuple(pages), page_count=max(pages), source_format="pdf")


def rows_of(doc, kind: str) -> dict:
    _, lines, _, _ = extract_expenditure(doc)
    return {(line.subject_code or "total"): line for line in lines if line.table_kind == kind}


def errors(doc) -> list[str]:
    return [f.detail for f in extract_expenditure(doc)[3] if f.severity == "error"]


# A 上海 元 table: split codes, blank cells dropped, continued on a second page after its page
# number, with its column titles printed again.
YUAN_TABLE = text_of(
    "2025年部门一般公共预算支出功能分类预算表",
    "编制部门：某区某单位\t单位：元",
    "项目\t一般公共预算支出",
    "功能分类科目编码",
    "功能分类科目名称\t合计\t基本支出\t项目支出",
    "类\t款\t项",
    "201\t一般公共服务支出\t1,500,000.00\t1,000,000.00\t500,000.00",
    "201\t03\t政府办公厅（室）及相关机构事务\t1,500,000.00\t1,000,000.00\t500,000.00",
    "201\t03\t01\t行政运行\t1,000,000.00\t1,000,000.00",
    "7",
    "项目\t一般公共预算支出",
    "功能分类科目编码",
    "功能分类科目名称\t合计\t基本支出\t项目支出",
    "类\t款\t项",
    "201\t03\t02\t一般行政管理事务\t500,000.00\t500,000.00",
    "合计\t1,500,000.00\t1,000,000.00\t500,000.00",
)
YUAN_PAGES = [1] * 10 + [2] * 6


def test_yuan_rows_without_blank_cells_are_placed_by_their_parent():
    rows = rows_of(pdf_like(YUAN_TABLE, YUAN_PAGES), "general_public_functional")
    assert set(rows) == {"total", "201", "20103", "2010301", "2010302"}
    running = rows["2010301"]
    assert (running.amount_total, running.amount_basic, running.amount_project) == (
        Decimal(100),
        Decimal(100),
        Decimal(0),
    )
    affairs = rows["2010302"]
    assert (affairs.amount_total, affairs.amount_basic, affairs.amount_project) == (
        Decimal(50),
        Decimal(0),
        Decimal(50),
    )
    assert rows["2010302"].subject_name == "一般行政管理事务"
    assert rows["total"].amount_total == Decimal(150)


def test_page_number_and_repeated_titles_are_accounted_not_read():
    doc = pdf_like(YUAN_TABLE, YUAN_PAGES)
    _, _, coverage, findings = extract_expenditure(doc)
    outcome = {c.source_line: (c.outcome, c.detail) for c in coverage}
    assert outcome[10] == ("note", "page number")
    assert outcome[13][0] == "header" and outcome[14][0] == "header"
    assert not [f for f in findings if f.severity == "error"]


def test_a_lone_number_in_text_without_pages_stays_a_figure():
    doc = source_from_text(YUAN_TABLE, "999_text_layout.txt")
    _, _, coverage, _ = extract_expenditure(doc)
    assert ("note", "page number") not in {(c.outcome, c.detail) for c in coverage}


TOTALS_ONLY = text_of(
    "公开 03 表",
    "支出预算总表",
    "部门名称：某单位\t单位：万元",
    "合计\t基本支出\t项目支出\t单位预留机动经费\t结转下年资金",
    "{row}",
    "公开 04 表",
)


def test_a_table_of_totals_only_is_checked_and_not_loaded():
    doc = source_from_text(TOTALS_ONLY.format(row="37,188.34\t21,968.00\t10,208.94\t5,011.40"), "999_j.txt")
    _, lines, coverage, findings = extract_expenditure(doc)
    assert [line for line in lines if line.table_kind == "expenditure_summary"] == []
    assert [c.outcome for c in coverage if c.source_line == 5] == ["total"]
    assert not [f for f in findings if f.severity == "error"]


def test_a_table_of_totals_only_that_does_not_add_up_is_an_error():
    doc = source_from_text(TOTALS_ONLY.format(row="37,188.34\t21,968.00\t10,208.94\t5,000.00"), "999_j.txt")
    found = [f for f in extract_expenditure(doc)[3] if f.severity == "error"]
    assert [f.check for f in found] == ["total_row_mismatch"]
    assert "37188.34" in found[0].detail


FISCAL_APPROPRIATION = text_of(
    "五、2017 年度某单位部门财政拨款支出预算表",
    "单位：万元",
    "功能科目代码\t功能科目名称\t金额",
    "合计\t100.00",
    "204\t公共安全支出\t100.00",
    "20405\t法院\t100.00",
    "2040501\t行政运行\t60.00",
    "2040502\t一般行政管理事务\t{affairs}",
)


def test_fiscal_appropriation_table_is_checked_but_not_loaded():
    doc = source_from_text(FISCAL_APPROPRIATION.format(affairs="40.00"), "999_f.txt")
    assert [b.kind for b in find_tables(doc)] == ["fiscal_appropriation_functional"]
    _, lines, coverage, findings = extract_expenditure(doc)
    assert lines == []
    assert {c.source_line for c in coverage} >= {4, 5, 6, 7, 8}
    assert not [f for f in findings if f.severity == "error"]


def test_fiscal_appropriation_table_that_does_not_add_up_is_reported():
    doc = source_from_text(FISCAL_APPROPRIATION.format(affairs="30.00"), "999_f.txt")
    found = errors(doc)
    assert any("20405 amount_total printed 100.00" in d and "90.00" in d for d in found)
    assert any("合计 amount_total printed 100.00" in d for d in found)


def test_table_of_contents_item_glued_to_its_year_is_no_table():
    doc = source_from_text(
        text_of(
            "目录",
            "8．2025年部门一般公共预算基本支出部门预算经济分类预算表",
            "9.2025年部门“三公”经费和机关运行经费预算表",
            "六、其他相关情况说明",
            "某单位主要职能",
            "某单位是协助区政府领导处理区政府日常工作的工作部门，为正处级，主要职能包括组织起草文件和审核事项。",
            "1. “卫生健康支出-行政事业单位医疗-行政单位医疗”科目78.29万元，主要用于行政单位基本医疗保险缴费经费。",
        ),
        "999_toc.txt",
    )
    assert find_tables(doc) == []


def test_a_caption_whose_title_wraps_before_its_biao_is_that_table():
    doc = source_from_text(
        text_of(
            "公开 09 表：一般公共预算“三公”经费、会议费、培训费",
            "支出预算表",
            "部门：\t某单位\t单位：万元",
            "合计\t因公出国（境）费\t公务接待费\t会议费\t培训费",
            "1,384.74\t484.30\t100.00\t200.44\t700.00",
        ),
        "999_caption.txt",
    )
    assert [b.kind for b in find_tables(doc)] == ["three_public"]


# ---- the real corpus: figures read by hand from the PDFs' text ----------------------------


def corpus_rows(name: str, kind: str) -> dict:
    return rows_of(read_source(CORPUS / name), kind)


@needs_corpus
def test_shanghai_yuan_functional_table_read_exactly():
    rows = corpus_rows("putuo_bgs_2025_dept_budget.pdf", "general_public_functional")
    # 201 03 01 行政运行 12,029,501.84 | 11,919,501.84 | 110,000.00 元
    assert (rows["2010301"].amount_total, rows["2010301"].amount_basic, rows["2010301"].amount_project) == (
        Decimal("1202.950184"),
        Decimal("1191.950184"),
        Decimal("11.0000"),
    )
    # 201 03 02 一般行政管理事务 46,140,000.00 printed twice: 合计 and 项目支出 (基本支出 blank)
    assert (rows["2010302"].amount_basic, rows["2010302"].amount_project) == (Decimal(0), Decimal("4614.0000"))
    # 210 11 02 事业单位医疗 314,218.15, on the page after the titles are printed again
    assert rows["2101102"].amount_total == Decimal("31.421815")
    assert rows["total"].amount_total == Decimal("9101.677535")


@needs_corpus
def test_shanghai_yuan_economic_table_personnel_and_public():
    rows = corpus_rows("putuo_bgs_2025_dept_budget.pdf", "general_public_basic_economic")
    # 302 商品和服务支出 1,932,777.54 (公用经费); 合计 24,606,775.35 = 22,473,997.81 + 2,132,777.54 元
    assert (rows["302"].amount_personnel, rows["302"].amount_public) == (Decimal(0), Decimal("193.277754"))
    assert (rows["total"].amount_personnel, rows["total"].amount_public) == (
        Decimal("2247.399781"),
        Decimal("213.277754"),
    )


@needs_corpus
def test_jiangsu_table_with_page_number_split_total_and_mixed_number_formats():
    name = "jiangsu_jcy_2018_dept_budget.pdf"
    rows = corpus_rows(name, "general_public_functional")
    assert rows["total"].amount_total == Decimal("21940.96")  # printed 合\t计 21,940.96
    assert rows["2040405"].amount_total == Decimal("1895.00")  # printed 1895.00 beside 3,666.00
    assert rows["221"].amount_total == Decimal("3660.38")  # after the page number 17
    doc = read_source(CORPUS / name)
    assert not [f for f in extract_expenditure(doc)[3] if f.severity == "error"]


@needs_corpus
def test_jiangsu_totals_only_summary_and_fiscal_appropriation_tables():
    doc = read_source(CORPUS / "jiangsu_gy_2019_dept_budget.pdf")
    kinds = [b.kind for b in find_tables(doc)]
    assert "fiscal_appropriation_functional" in kinds and "fiscal_appropriation_basic_economic" in kinds
    _, lines, _, findings = extract_expenditure(doc)
    assert not [line for line in lines if line.table_kind in ("expenditure_summary", "fiscal_appropriation_functional")]
    assert not [f for f in findings if f.severity == "error"]
    # 一般公共预算支出预算表（功能科目）: 2210201 住房公积金 1,879.36
    assert rows_of(doc, "general_public_functional")["2210201"].amount_total == Decimal("1879.36")


def test_a_name_wrapped_around_its_row_stays_with_it():
    doc = source_from_text(
        text_of(
            "八、一般公共预算基本支出预算表",
            "单位：万元",
            "科目编码\t科目名称\t金额",
            "合计\t1,490.25",
            "301\t工资福利支出\t1,490.25",
            "机关事业单位基本养老保险",
            "30108\t1,064.46",
            "缴费",
            "30109\t职业年金缴费\t425.79",
        ),
        "999_wrap.txt",
    )
    rows = rows_of(doc, "general_public_basic_economic")
    assert rows["30108"].subject_name == "机关事业单位基本养老保险缴费"
    assert rows["30109"].subject_name == "职业年金缴费"
    assert rows["30108"].amount_total == Decimal("1064.46")


@needs_corpus
def test_jiangsu_name_wrapped_above_and_below_its_code_row():
    rows = corpus_rows("jiangsu_jcy_2019_dept_budget.pdf", "general_public_basic_economic")
    assert (rows["30108"].subject_name, rows["30108"].amount_total) == (
        "机关事业单位基本养老保险缴费",
        Decimal("1064.46"),
    )
    assert rows["30109"].subject_name == "职业年金缴费"


def test_a_code_repeated_at_the_end_of_its_row_is_not_a_figure():
    doc = source_from_text(
        text_of(
            "2025年部门一般公共预算支出功能分类预算表",
            "编制部门：某区某单位\t单位：元",
            "功能分类科目名称\t合计\t基本支出\t项目支出",
            "204 公共安全支出 150,000 150,000 204",
            "204 06 司法 150,000 150,000 204 06",
            "204 06 07 公共法律服务 150,000 150,000 204 06 07",
            "合计 150,000 0 150,000",
        ),
        "999_repeat.txt",
    )
    rows = rows_of(doc, "general_public_functional")
    assert (rows["2040607"].amount_total, rows["2040607"].amount_project) == (Decimal(15), Decimal(15))
    assert rows["2040607"].subject_name == "公共法律服务"
    assert not errors(doc)
