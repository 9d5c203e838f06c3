"""The whole extraction of one document: identity, scope inference, refusal of cut or foreign text."""

import pytest

from budget_extraction import BadInputError, extract_document, read_source, source_from_text


def test_scope_is_inferred_and_reported_when_not_printed():
    # Neither 汇总/本级, nor 部门/单位, nor a labelled publisher, nor subordinate units: one unit's.
    extraction = extract_document(source_from_text("襄阳市樊城区教育局2023年预算公开\n目录\n", "x.txt"))
    assert extraction.document.scope == "entity"
    assert [f.check for f in extraction.findings if f.check == "scope_inferred"] == ["scope_inferred"]


def test_a_department_budget_title_is_consolidated_without_inference():
    extraction = extract_document(source_from_text("襄阳市樊城区教育局2023年部门预算\n目录\n", "x.txt"))
    assert extraction.document.scope == "consolidated"
    assert not [f for f in extraction.findings if f.check == "scope_inferred"]


def test_text_that_is_not_a_disclosure_is_refused_by_name():
    with pytest.raises(BadInputError, match="minutes.txt: not a recognisable"):
        extract_document(source_from_text("会议纪要\n今天讨论了绿化工作。\n", "minutes.txt"))


def test_text_cut_inside_a_financial_table_is_refused_with_its_line(raw_dir):
    lines = (raw_dir / "000_df7f9757fe457667.txt").read_text("utf-8").split("\n")
    cut = next(n for n, line in enumerate(lines, 1) if line.startswith("21013\t"))  # inside 表 3
    doc = source_from_text("\n".join(lines[:cut]), "cut.txt")
    with pytest.raises(BadInputError) as error:
        extract_document(doc)
    assert "truncated" in error.value.reason and "表 3" in error.value.reason
    assert error.value.line == cut


def test_every_seed_extracts_with_its_three_core_tables(raw_dir):
    for path in sorted(raw_dir.glob("*.txt")):
        extraction = extract_document(read_source(path))
        kinds = {t.table_kind for t in extraction.tables}
        assert {"expenditure_summary", "general_public_functional", "general_public_basic_economic"} <= kinds, path
        assert not [f for f in extraction.findings if f.check == "core_table_missing"]
