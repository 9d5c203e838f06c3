"""The gate validates again only the documents whose rows differ from those the published warehouse passed with."""

import shutil

import duckdb
import pytest

from orchestration.quality.gate import (
    Suite,
    documents_to_validate,
    record_verdicts,
    run_gate,
)

FACTS = Suite(
    name="facts",
    asset="facts",
    query="select * from marts.facts",
    description="amounts present, not negative, one row per (document, line)",
    expectations=[
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "amount"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "amount", "min_value": 0}},
        {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["document_id", "line"]}},
    ],
)
PUBLISHED_ROWS = [("A", 1, 10), ("A", 2, 20), ("B", 1, 5), ("C", 1, 7), ("C", 2, 8)]


def warehouse(path, rows) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.facts (document_id varchar, line integer, amount integer, note varchar)")
    con.executemany("insert into marts.facts values (?, ?, ?, 'printed')", rows)
    con.close()


def change(path, sql: str) -> None:
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


@pytest.fixture
def published(tmp_path):
    """A published warehouse that passed FACTS, with the record of it its publication writes."""
    path = tmp_path / "budget.duckdb"
    warehouse(path, PUBLISHED_ROWS)
    [result] = run_gate(path, [FACTS])
    assert result.success and result.unchanged_documents == 0
    record_verdicts(path, [result])
    return path


def candidate_from(published, tmp_path, *statements: str):
    path = tmp_path / "budget.candidate.duckdb"
    shutil.copy(published, path)
    change(path, "drop schema gate cascade")  # a candidate is built fresh: it holds no record of its own
    for sql in statements:
        change(path, sql)
    return path


def test_only_changed_and_new_documents_are_validated_and_their_failures_found(published, tmp_path):
    candidate = candidate_from(
        published,
        tmp_path,
        "update marts.facts set amount = -5 where document_id = 'B'",
        "insert into marts.facts values ('D', 1, 3, 'printed'), ('D', 1, 4, 'printed')",  # a duplicate key
    )
    con = duckdb.connect(str(candidate), read_only=True)
    assert documents_to_validate(con, FACTS, published) == ({"B", "D"}, 2)
    con.close()
    [result] = run_gate(candidate, [FACTS], published=published)
    assert not result.success and result.unchanged_documents == 2
    failed = {f["type"]: f["unexpected_count"] for f in result.failures}
    assert failed == {"expect_column_values_to_be_between": 1, "expect_compound_columns_to_be_unique": 2}


def test_a_column_the_suite_does_not_read_changes_nothing_and_rows_as_published_pass_unvalidated(published, tmp_path):
    candidate = candidate_from(published, tmp_path, "update marts.facts set note = 'reworded'")
    [result] = run_gate(candidate, [FACTS], published=published)
    assert result.success and result.unchanged_documents == 3
    assert "3 documents' rows as published" in result.summary()


def test_every_document_is_validated_when_the_suite_or_the_record_differs(published, tmp_path):
    candidate = candidate_from(published, tmp_path, "update marts.facts set amount = null where document_id = 'C'")
    stricter = Suite(**{**FACTS.__dict__, "expectations": [*FACTS.expectations[:2]]})
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        assert documents_to_validate(con, stricter, published) == (None, 0)  # another suite than the one passed
        assert documents_to_validate(con, FACTS, None) == (None, 0)  # nothing published yet
        change(published, "drop schema gate cascade")  # published before verdicts were recorded
        assert documents_to_validate(con, FACTS, published) == (None, 0)
    finally:
        con.close()
    [result] = run_gate(candidate, [FACTS], published=published)
    assert not result.success and result.unchanged_documents == 0
    assert {f["type"]: f["unexpected_count"] for f in result.failures} == {
        "expect_column_values_to_not_be_null": 2
    }  # both of C


def test_rows_without_a_document_are_validated_when_they_change(published, tmp_path):
    candidate = candidate_from(published, tmp_path, "insert into marts.facts values (null, 1, -1, 'printed')")
    con = duckdb.connect(str(candidate), read_only=True)
    assert documents_to_validate(con, FACTS, published) == ({None}, 3)
    con.close()
    [result] = run_gate(candidate, [FACTS], published=published)
    assert not result.success
    assert [f["unexpected_count"] for f in result.failures] == [1]
