"""Who published each document: the 19 real corpus PDFs (identities written by hand from SOURCES.md
and the PDFs' covers and table headers), and the template's rules on small covers written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_extraction import extract_document, read_source
from budget_extraction.metadata import (
    canonical_department,
    document_metadata,
    document_part,
    region_of,
)
from budget_extraction.source import source_from_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real PDF corpus is not at {CORPUS}")

PARTY_OFFICE = "中国共产党江苏省委员会办公厅"  # printed 中共江苏省委办公厅 and 江苏省委办公厅 too
PUTUO_OFFICE = "上海市普陀区人民政府办公室"
WANLI = "上海市普陀区人民政府万里街道办事处"
COURT = "江苏省高级人民法院"
PROCURATORATE = "江苏省人民检察院"

# file -> (department, region, fiscal year, stage, scope, part)
EXPECTED = {
    "putuo_bgs_2025_dept_budget.pdf": (PUTUO_OFFICE, "上海市普陀区", 2025, "budget", "consolidated", "complete"),
    "putuo_bgs_2025_unit_budget.pdf": (PUTUO_OFFICE, "上海市普陀区", 2025, "budget", "entity", "complete"),
    "putuo_swj_2025_dept_budget.pdf": (
        "上海市普陀区商务委员会",
        "上海市普陀区",
        2025,
        "budget",
        "consolidated",
        "complete",
    ),
    "putuo_wanli_2025_dept_budget.pdf": (WANLI, "上海市普陀区", 2025, "budget", "consolidated", "complete"),
    "putuo_wanli_2023_dept_budget.pdf": (WANLI, "上海市普陀区", 2023, "budget", "consolidated", "complete"),
    "putuo_czj_2025_dept_budget.pdf": (
        "上海市普陀区财政局",
        "上海市普陀区",
        2025,
        "budget",
        "consolidated",
        "complete",
    ),
    "shanghai_czj_2025_unit_budget.pdf": ("上海市财政局", "上海市", 2025, "budget", "entity", "complete"),
    "jiangsu_gy_2017_dept_budget.pdf": (COURT, "江苏省", 2017, "budget", "consolidated", "complete"),
    "jiangsu_gy_2018_dept_budget.pdf": (COURT, "江苏省", 2018, "budget", "consolidated", "complete"),
    "jiangsu_gy_2019_dept_budget.pdf": (COURT, "江苏省", 2019, "budget", "consolidated", "complete"),
    "jiangsu_jcy_2017_dept_budget.pdf": (PROCURATORATE, "江苏省", 2017, "budget", "consolidated", "complete"),
    "jiangsu_jcy_2018_dept_budget.pdf": (PROCURATORATE, "江苏省", 2018, "budget", "consolidated", "complete"),
    "jiangsu_jcy_2019_dept_budget.pdf": (PROCURATORATE, "江苏省", 2019, "budget", "consolidated", "complete"),
    "jiangsu_swbgt_2017_dept_budget_text.pdf": (PARTY_OFFICE, "江苏省", 2017, "budget", "consolidated", "narrative"),
    "jiangsu_swbgt_2017_dept_budget_tables.pdf": (PARTY_OFFICE, "江苏省", 2017, "budget", "consolidated", "tables"),
    "jiangsu_swbgt_2018_dept_budget_text.pdf": (PARTY_OFFICE, "江苏省", 2018, "budget", "consolidated", "narrative"),
    "jiangsu_swbgt_2018_dept_budget_tables.pdf": (PARTY_OFFICE, "江苏省", 2018, "budget", "consolidated", "tables"),
    "jiangsu_swbgt_2019_dept_budget_text.pdf": (PARTY_OFFICE, "江苏省", 2019, "budget", "consolidated", "narrative"),
    "jiangsu_swbgt_2019_dept_budget_tables.pdf": (PARTY_OFFICE, "江苏省", 2019, "budget", "consolidated", "tables"),
}


def identity(meta) -> tuple:
    return (meta.department_name, meta.region, meta.fiscal_year, meta.stage, meta.scope)


@needs_corpus
def test_every_corpus_pdf_has_an_expected_identity():
    assert sorted(path.name for path in CORPUS.glob("*.pdf")) == sorted(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_corpus_document_is_recognised(file_name):
    extraction = extract_document(read_source(CORPUS / file_name))
    row = extraction.document
    assert (*identity(row), row.document_part) == EXPECTED[file_name]
    core_missing = [f for f in extraction.findings if f.check == "core_table_missing"]
    if row.document_part == "narrative":
        # Its tables are in the companion file: said once, as information, never as missing tables.
        assert not core_missing
        assert [f.severity for f in extraction.findings if f.check == "narrative_part"] == ["info"]


def read(cover: str) -> tuple:
    return identity(document_metadata(source_from_text(cover)))


def test_unit_budget_cover_is_one_units_document():
    cover = "上海市静安区2024年区级单位预算\n预算单位：上海市静安区人民政府办公室\n目\t录\n一、单位主要职能\n"
    assert read(cover) == ("上海市静安区人民政府办公室", "上海市静安区", 2024, "budget", "entity")


def test_unit_budget_table_titles_and_their_compiling_unit_line():
    tables = (
        "2024年预算单位财务收支预算总表\n编制单位：上海市静安区财政局\t单位：元\n项目\t金额\n"
        "2024年预算单位收入预算总表\n编制单位：上海市静安区财政局\t单位：元\n"
    )
    assert read(tables) == ("上海市静安区财政局", "上海市静安区", 2024, "budget", "entity")


def test_street_office_is_named_in_full_not_by_its_peoples_government():
    cover = (
        "上海市静安区2024年区级部门预算\n预算主管部门：上海市静安区人民政府南京西路街道办事处\n目\t录\n"
        "上海市静安区人民政府南京西路街道办事处是静安区政府的派出机关。\n"
        "2024年部门财务收支预算总表\n编制部门：上海市静安区人民政府南京西路街道办事处\t单位：元\n"
    )
    assert read(cover) == ("上海市静安区人民政府南京西路街道办事处", "上海市静安区", 2024, "budget", "consolidated")


def test_department_cover_is_consolidated_even_with_no_subordinate_unit():
    cover = (
        "上海市静安区2024年区级部门预算\n预算主管部门：上海市静安区财政局\n目\t录\n"
        "上海市静安区财政局部门预算包括财政局本部以及下属0家预算单位的综合收支计划。\n"
    )
    assert read(cover)[4] == "consolidated"


def test_province_imprint_is_the_printer_not_the_publisher():
    cover = "江南省2018年度\n省级部门预算公开报表\n部 门:中共江南省委办公厅\n江南省财政厅印制\n目\t录\n序号\t报表名称\n"
    assert read(cover) == ("中国共产党江南省委员会办公厅", "江南省", 2018, "budget", "consolidated")


def test_cover_title_split_over_lines_is_read_joined():
    assert read("2018年度江南省高级\n人民法院预算公开\n2018 年 2 月 24 日\n目\t录\n第一部分 部门概况\n")[:4] == (
        "江南省高级人民法院",
        "江南省",
        2018,
        "budget",
    )
    assert read("江南省人民检察院\n2017\n年部门预算\n目\t录\n")[:4] == ("江南省人民检察院", "江南省", 2017, "budget")


def test_image_cover_identity_comes_from_the_table_headers():
    # Page 1 printed as an image: the text starts with the first table.
    tables = (
        "收支预算总表\n部门：中国共产党江南省委员会办公厅\t单位：万元\n收入\t支出\n"
        "支出预算总表\n部门：中国共产党江南省委员会办公厅\t单位：万元\n科目编码\t科目名称\t合计\n"
        "2017年政府采购预算表\n部门：中国共产党江南省委员会办公厅\t单位：万元\n"
    )
    assert read(tables) == ("中国共产党江南省委员会办公厅", "江南省", 2017, "budget", "consolidated")


def test_short_forms_vote_for_the_fullest_printed_name():
    text = (
        "江南省委办公厅 2017 年度部门预算\n目\t录\n第二部分 省委办公厅 2017 年度部门预算表\n"
        "第三部分 省委办公厅 2017 年度部门预算情况说明\n"
    )
    assert read(text)[:2] == ("中国共产党江南省委员会办公厅", "江南省")


def test_a_sentence_before_the_name_is_not_part_of_it():
    text = (
        "江南市北湖区卫生健康局2024年部门预算\n目\t录\n"
        "纳入江南市北湖区卫生健康局2024年部门预算编制范围的预算单位包括本级。\n"
    )
    assert read(text)[:2] == ("江南市北湖区卫生健康局", "江南市北湖区")


def test_city_level_department_has_the_city_as_region():
    assert read("上海市2025年市级单位预算\n预算单位：上海市财政局\n目\t录\n")[:2] == ("上海市财政局", "上海市")


@pytest.mark.parametrize(
    "printed, canonical",
    [
        ("中共江南省委办公厅", "中国共产党江南省委员会办公厅"),
        ("江南省委办公厅", "中国共产党江南省委员会办公厅"),
        ("中国共产党江南省委员会办公厅", "中国共产党江南省委员会办公厅"),
        ("上海市静安区委办公室", "中国共产党上海市静安区委员会办公室"),
        ("江南省发展和改革委员会", "江南省发展和改革委员会"),
        ("上海市普陀区商务委员会", "上海市普陀区商务委员会"),
    ],
)
def test_party_organs_short_forms_are_written_out(printed, canonical):
    assert canonical_department(printed) == canonical


def test_the_part_is_read_from_the_content():
    narrative = document_metadata(
        source_from_text(
            "江南省委办公厅2019年度部门预算公开\n目\t录\n第一部分 部门概况\n一、主要职能\n（公开表附后）\n"
        )
    )
    tables = document_metadata(
        source_from_text(
            "项目支出预算表\n部门：中共江南省委办公厅\t单位：万元\n项目名称\t金额\n履行部门职责专项经费\t12.00\n"
        )
    )
    assert document_part(narrative, has_tables=False) == "narrative"
    assert document_part(tables, has_tables=True) == "tables"
    assert document_part(narrative, has_tables=True) == "complete"


@pytest.mark.parametrize(
    "name, region",
    [
        ("江南省城市管理局", "江南省"),
        ("江南省市场监督管理局", "江南省"),
        ("江南省南湖市北湖区教育局", "江南省南湖市北湖区"),
        ("江南市社区服务中心", "江南市"),
        ("中国共产党江南省委员会办公厅", "江南省"),
        ("医疗保障局", None),
    ],
)
def test_region_is_the_place_the_name_starts_with(name, region):
    assert region_of(name) == region
