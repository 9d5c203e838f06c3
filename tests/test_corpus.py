"""Corpus decisions: duplicates, revisions, companion parts, stale and removed documents, independent of order."""

import itertools
from decimal import Decimal

from budget_extraction import extract_document, read_source, source_from_text
from orchestration.corpus import Candidate, decide

IDENTITY = ("某区医疗保障局", "某市某区", 2025, "budget", "entity")


def candidate(document_id, sha="a", status="ok", identity=IDENTITY, modified=1.0, present=True, has_rows=True):
    return Candidate(
        document_id,
        f"{document_id}.txt",
        status,
        sha,
        None if status == "ok" else "bad bytes",
        None,
        has_rows,
        identity,
        modified,
        present,
    )


def statuses(candidates):
    return {d.document_id: (d.status, d.load) for d in decide(candidates)}


def test_same_bytes_twice_loads_once_whatever_the_order():
    docs = [candidate("b_copy"), candidate("a_original")]
    for order in itertools.permutations(docs):
        assert statuses(list(order)) == {"a_original": ("loaded", True), "b_copy": ("duplicate", False)}


def test_revision_replaces_older_version():
    older = candidate("v1", sha="x", modified=1.0)
    newer = candidate("v2", sha="y", modified=2.0)
    assert statuses([newer, older]) == {"v1": ("superseded", False), "v2": ("loaded", True)}


def test_failed_document_keeps_last_good_rows_as_stale():
    assert statuses([candidate("d", status="quarantined", has_rows=True)]) == {"d": ("stale", True)}
    assert statuses([candidate("d", status="quarantined", has_rows=False)]) == {"d": ("quarantined", False)}


def test_removed_file_is_reported_not_loaded():
    assert statuses([candidate("gone", present=False)]) == {"gone": ("removed", False)}


def test_different_departments_are_not_revisions():
    other = ("另一局", "某市某区", 2025, "budget", "entity")
    assert statuses([candidate("a", sha="1"), candidate("b", sha="2", identity=other)]) == {
        "a": ("loaded", True),
        "b": ("loaded", True),
    }


def test_same_text_in_another_encoding_is_a_duplicate_not_a_revision():
    utf8 = candidate("a_utf8", sha="bytes-1")
    gbk = candidate("b_gbk", sha="bytes-2", modified=5.0)
    utf8 = utf8.__class__(**{**utf8.__dict__, "text_sha256": "same-text"})
    gbk = gbk.__class__(**{**gbk.__dict__, "text_sha256": "same-text"})
    decisions = {d.document_id: d for d in decide([gbk, utf8])}
    assert (decisions["a_utf8"].status, decisions["b_gbk"].status) == ("loaded", "duplicate")
    assert "another encoding" in decisions["b_gbk"].detail


# A document published as two files: the narrative (说明, "公开表附后") and the tables.
PARTY_OFFICE = ("中国共产党江南省委员会办公厅", "江南省", 2019, "budget", "consolidated")


def part(document_id, document_part, modified=1.0, identity=PARTY_OFFICE):
    c = candidate(document_id, sha=document_id, identity=identity, modified=modified)
    return c.__class__(**{**c.__dict__, "document_part": document_part})


def test_narrative_and_tables_parts_are_companions_whatever_the_order():
    docs = [part("office_text", "narrative", modified=2.0), part("office_tables", "tables", modified=1.0)]
    for order in itertools.permutations(docs):
        decisions = {d.document_id: d for d in decide(list(order))}
        assert {k: (d.status, d.load) for k, d in decisions.items()} == {
            "office_text": ("loaded", True),
            "office_tables": ("loaded", True),
        }
        assert "office_tables.txt" in decisions["office_text"].detail
        assert "office_text.txt" in decisions["office_tables"].detail


def test_a_newer_tables_part_revises_the_older_one_and_keeps_its_narrative_companion():
    docs = [part("text", "narrative", 1.0), part("tables_v1", "tables", 2.0), part("tables_v2", "tables", 3.0)]
    decisions = {d.document_id: d for d in decide(docs)}
    assert {k: (d.status, d.load) for k, d in decisions.items()} == {
        "text": ("loaded", True),
        "tables_v1": ("superseded", False),
        "tables_v2": ("loaded", True),
    }
    assert "older version of tables_v2.txt" in decisions["tables_v1"].detail


def test_a_newer_complete_document_supersedes_both_parts():
    docs = [part("text", "narrative", 1.0), part("tables", "tables", 2.0), part("whole", "complete", 3.0)]
    assert statuses(docs) == {"text": ("superseded", False), "tables": ("superseded", False), "whole": ("loaded", True)}


def test_parts_of_different_years_are_not_companions_and_each_says_its_other_part_is_missing():
    other_year = PARTY_OFFICE[:2] + (2018,) + PARTY_OFFICE[3:]
    docs = [part("text_2018", "narrative", identity=other_year), part("tables_2019", "tables")]
    decisions = {d.document_id: d for d in decide(docs)}
    assert {d.status for d in decisions.values()} == {"loaded"}
    assert "no tables part of it" in decisions["text_2018"].detail
    assert "no narrative part of it" in decisions["tables_2019"].detail


NARRATIVE_PART = """江南省委办公厅2019年度部门预算公开
目录
第一部分 部门概况
一、主要职能
二、部门机构设置及预算单位构成情况
第二部分 2019年度部门预算表
一、支出预算总表
第一部分 部门概况
一、主要职能
负责省委日常文书处理。
二、部门机构设置及预算单位构成情况
纳入本部门2019年部门汇总预算编制范围的预算单位包括：江南省委办公厅（本级）。
第二部分 2019年度部门预算表
（公开表附后）
"""

TABLES_PART = """2019年支出预算总表
部门：中共江南省委办公厅\t单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
合计\t\t100.00\t60.00\t40.00
201\t一般公共服务支出\t100.00\t60.00\t40.00
20131\t党委办公厅（室）及相关机构事务\t100.00\t60.00\t40.00
2013101\t行政运行\t60.00\t60.00\t
2013102\t一般行政管理事务\t40.00\t\t40.00
2019年政府采购预算表
部门：中共江南省委办公厅\t单位：万元
"""


def test_a_tables_part_that_ends_with_a_financial_table_is_loaded_with_a_warning_not_refused():
    last_table = TABLES_PART.split("2019年政府采购预算表")[0]
    extraction = extract_document(source_from_text(last_table, "office_tables.txt"))
    assert extraction.document.document_part == "tables"
    assert [(f.severity, f.source_line) for f in extraction.findings if f.check == "tables_part_ends_in_table"] == [
        ("warning", 8)
    ]


def extracted_candidate(path, modified):
    extraction = extract_document(read_source(path))
    row = extraction.document
    identity = (row.department_name, row.region, row.fiscal_year, row.stage, row.scope)
    return extraction, Candidate(
        row.document_id,
        row.file_name,
        "ok",
        row.source_sha256,
        None,
        None,
        True,
        identity,
        modified,
        True,
        row.text_sha256,
        row.document_part,
    )


def test_two_files_of_one_document_are_read_as_parts_and_both_load(tmp_path):
    (tmp_path / "office_text.txt").write_text(NARRATIVE_PART, "utf-8")
    (tmp_path / "office_tables.txt").write_text(TABLES_PART, "utf-8")
    narrative, narrative_candidate = extracted_candidate(tmp_path / "office_text.txt", modified=2.0)
    tables, tables_candidate = extracted_candidate(tmp_path / "office_tables.txt", modified=1.0)

    # One identity read from both files: the short forms 江南省委办公厅 and 中共江南省委办公厅 written out.
    assert narrative_candidate.identity == tables_candidate.identity == PARTY_OFFICE
    assert (narrative.document.document_part, tables.document.document_part) == ("narrative", "tables")
    assert not [f for f in narrative.findings if f.check == "core_table_missing"]
    assert [f.severity for f in narrative.findings if f.check == "narrative_part"] == ["info"]
    assert [
        (line.printed_code, line.amount_total) for line in tables.expenditure_lines if line.printed_code == "2013101"
    ] == [("2013101", Decimal("60.00"))]

    decisions = {d.document_id: d for d in decide([narrative_candidate, tables_candidate])}
    assert {d.status for d in decisions.values()} == {"loaded"}
    assert "office_tables.txt" in decisions[narrative_candidate.document_id].detail
