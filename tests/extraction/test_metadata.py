"""Document identity read from the text, for the five seeds and for unseen variants."""

import pytest

from budget_extraction.metadata import document_metadata
from budget_extraction.source import read_source, source_from_text

SEEDS = {
    "000_df7f9757fe457667": ("武汉市青山区医疗保障局", "武汉市青山区", 2026, "budget", "consolidated"),
    "001_6727838b316e5f85": ("曾都区医疗保障局", "随州市曾都区", 2025, "budget", "consolidated"),
    "002_59fd46f20b32f4cf": ("江汉区医疗保障局", "武汉市江汉区", 2021, "budget", "entity"),
    "003_305331944a1f3ba9": ("武汉市江夏区医疗保障局", "武汉市江夏区", 2024, "final", "consolidated"),
    "004_f083e30e185bc13b": ("武汉市汉阳区医疗保障局", "武汉市汉阳区", 2024, "budget", "entity"),
}


@pytest.mark.parametrize("document_id, expected", sorted(SEEDS.items()))
def test_seed_identity(raw_dir, document_id, expected):
    meta = document_metadata(read_source(raw_dir / f"{document_id}.txt"))
    assert (meta.department_name, meta.region, meta.fiscal_year, meta.stage, meta.scope) == expected


def test_unseen_final_account_entity():
    doc = source_from_text("襄阳市樊城区教育局（本级）2023年度部门决算\n目录\n公开 01 表\n")
    meta = document_metadata(doc)
    assert (meta.department_name, meta.region, meta.fiscal_year, meta.stage, meta.scope) == (
        "襄阳市樊城区教育局",
        "襄阳市樊城区",
        2023,
        "final",
        "entity",
    )


def test_text_that_is_not_a_disclosure_has_no_identity():
    meta = document_metadata(source_from_text("会议纪要\n今天讨论了绿化工作。\n"))
    assert meta.fiscal_year is None and meta.stage is None


@pytest.mark.parametrize(
    "cover, expected",
    [
        ("2024年武汉市江汉区教育局部门预算公开", ("武汉市江汉区教育局", "武汉市江汉区", 2024, "budget", None)),
        (
            "宜昌市西陵区卫生健康局（汇总）2023年度部门决算",
            ("宜昌市西陵区卫生健康局", "宜昌市西陵区", 2023, "final", "consolidated"),
        ),
        ("黄石市下陆区财政局本级 2025 年部门预算表", ("黄石市下陆区财政局", "黄石市下陆区", 2025, "budget", "entity")),
    ],
)
def test_unseen_cover_lines(cover, expected):
    meta = document_metadata(source_from_text(cover + "\n目录\n"))
    assert (meta.department_name, meta.region, meta.fiscal_year, meta.stage, meta.scope) == expected


def test_printed_spellings_are_kept_beside_the_one_form():
    """A party organ printed short (中共江苏省委办公厅, 省委办公厅) is written out as one name; the
    spellings it was printed under are kept, the most votes first (the cover's title counts most)."""
    doc = source_from_text(
        "中共江苏省委办公厅2018年部门预算\n目录\n编制部门：江苏省委办公厅\t单位：万元\n编制部门：江苏省委办公厅\n"
    )
    meta = document_metadata(doc)
    assert meta.department_name == "中国共产党江苏省委员会办公厅"
    assert meta.printed_names == ("中共江苏省委办公厅", "江苏省委办公厅")
