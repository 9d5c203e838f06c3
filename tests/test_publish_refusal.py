"""The publish step's own refusal: the last line of defence when a gate result on disk is failing.

The blocking GE checks normally stop a run before the publish step; these tests start that step
alone (a real in-process Dagster materialisation of ``published/warehouse``) against a temporary
warehouse whose candidate carries gate results written beside it, so the refusal itself is exercised.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.resources import WarehouseResource
from orchestration.warehouse import gate_dir

# The suites of expectations/suites/, listed by hand: a suite added or dropped must be seen here.
SUITES = [
    "coverage_report",
    "dim_document",
    "dim_subject",
    "fact_expenditure",
    "fact_income",
    "fact_indicator",
    "fact_narrative_claim",
    "fact_prior_year_figure",
    "fact_project",
    "fact_three_public",
    "fact_unit_expenditure",
    "quality_findings",
    "quality_identity_checks",
]


def make_warehouse(path: Path, label: str) -> None:
    """A small DuckDB file with the tables publication reads around the swap (statuses, held documents)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema raw")
        con.execute("create table raw.document_status (document_id varchar, status varchar)")
        con.execute("insert into raw.document_status values (?, 'loaded')", [label])
        con.execute("create schema marts")
        con.execute("create table marts.dim_document (document_id varchar, is_held boolean)")
        con.execute("insert into marts.dim_document values (?, false)", [label])
        con.execute("checkpoint")
    finally:
        con.close()


def write_gate_results(candidate: Path, failing: set[str]) -> None:
    folder = gate_dir(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    for suite in SUITES:
        outcome = {
            "suite": suite,
            "asset": suite,
            "success": suite not in failing,
            "evaluated": 3,
            "failures": [],
            "error": None,
        }
        (folder / f"{suite}.json").write_text(json.dumps(outcome), encoding="utf-8")


def publish_step(warehouse: WarehouseResource) -> dg.ExecuteInProcessResult:
    """Materialise the publish asset alone, in process, as a run would reach it."""
    from orchestration.definitions import defs

    asset = defs.get_assets_def(dg.AssetKey(["published", "warehouse"]))
    with dg.instance_for_test() as instance:
        return dg.materialize([asset], resources={"warehouse": warehouse}, instance=instance, raise_on_error=False)


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    """What the run reports for the failed step: its error and the errors that caused it."""
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    error, messages = failure.step_failure_data.error, []
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)


def query_published(warehouse: WarehouseResource, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse.published), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture()
def warehouse(tmp_path) -> WarehouseResource:
    resource = WarehouseResource(warehouse=str(tmp_path / "wh" / "budget.duckdb"), raw_dir=str(tmp_path / "raw"))
    make_warehouse(resource.published, "published_before")
    make_warehouse(resource.candidate, "candidate")
    return resource


def test_suites_listed_here_are_the_gate_s_suites():
    assert (
        sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "expectations" / "suites").glob("*.json"))
        == SUITES
    )


def test_a_failing_gate_result_on_disk_is_refused_and_the_published_file_is_untouched(warehouse):
    write_gate_results(warehouse.candidate, failing={"fact_expenditure"})
    before = warehouse.published.read_bytes()
    result = publish_step(warehouse)
    assert not result.success
    message = failure_message(result)
    assert "GateNotPassed" in message and "not published" in message
    assert "fact_expenditure" in message and "dim_document" not in message
    assert f"{warehouse.published} is unchanged" in message
    assert warehouse.published.read_bytes() == before
    assert warehouse.candidate.exists()


def test_a_missing_gate_result_is_refused_like_a_failing_one(warehouse):
    write_gate_results(warehouse.candidate, failing=set())
    (gate_dir(warehouse.candidate) / "dim_subject.json").unlink()
    before = warehouse.published.read_bytes()
    result = publish_step(warehouse)
    assert not result.success and "dim_subject" in failure_message(result)
    assert warehouse.published.read_bytes() == before


def test_every_suite_passing_publishes_the_candidate(warehouse):
    """The control: the same step with every result passing does swap the candidate in."""
    write_gate_results(warehouse.candidate, failing=set())
    result = publish_step(warehouse)
    assert result.success
    assert not warehouse.candidate.exists()
    con = duckdb.connect(str(warehouse.published), read_only=True)
    try:
        assert con.execute("select document_id from raw.document_status").fetchall() == [("candidate",)]
        # The published file carries the verdicts it was published on (the next gate reads them).
        recorded = con.execute("select suite, success from gate.suite_results order by suite").fetchall()
        assert recorded == [(suite, True) for suite in SUITES]
    finally:
        con.close()


def test_a_held_document_in_strict_mode_is_refused_and_the_published_file_is_untouched(warehouse, monkeypatch):
    """All or nothing: every suite passes, but the candidate holds a document the gate held."""
    write_gate_results(warehouse.candidate, failing=set())
    con = duckdb.connect(str(warehouse.candidate))
    try:
        con.execute("insert into marts.dim_document values ('held_document', true)")
        con.execute("checkpoint")
    finally:
        con.close()
    monkeypatch.setenv("BUDGET_STRICT", "1")
    before = warehouse.published.read_bytes()
    result = publish_step(warehouse)
    assert not result.success
    message = failure_message(result)
    assert "not published (strict)" in message and "held_document" in message
    assert warehouse.published.read_bytes() == before


def test_a_held_document_without_strict_mode_does_not_stop_the_others(warehouse):
    """Per document: the candidate (with the held document's findings, without its facts) is published."""
    write_gate_results(warehouse.candidate, failing=set())
    con = duckdb.connect(str(warehouse.candidate))
    try:
        con.execute("insert into marts.dim_document values ('held_document', true)")
        con.execute("checkpoint")
    finally:
        con.close()
    result = publish_step(warehouse)
    assert result.success
    assert not warehouse.candidate.exists()
    assert query_published(warehouse, "select document_id, is_held from marts.dim_document order by 1") == [
        ("candidate", False),
        ("held_document", True),
    ]
