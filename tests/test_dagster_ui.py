"""The Dagster UI, started as the README says, serves the lineage and the gate's checks."""

import os
import sys
from pathlib import Path

import pytest

from tests._webserver_support import free_port, serving

REPO = Path(__file__).resolve().parent.parent

QUERY = """
{ assetNodes { assetKey { path } dependencyKeys { path }
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } } }
  workspaceOrError { ... on Workspace { locationEntries { name
    locationOrLoadError { ... on RepositoryLocation { repositories {
      schedules { name cronSchedule executionTimezone scheduleState { status } }
      sensors { name sensorState { status } } } } } } } } }
"""


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text((REPO / "orchestration" / "dagster.yaml").read_text())
    port = free_port()
    dagster = Path(sys.executable).with_name("dagster")
    # As scripts/ui.sh does: the venv's bin/ on PATH, where dagster-dbt's preparer looks for dbt.
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PATH": f"{dagster.parent}{os.pathsep}{os.environ['PATH']}",
        "BUDGET_WAREHOUSE": str(tmp_path_factory.mktemp("wh") / "budget.duckdb"),
    }
    command = [str(dagster), "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)]
    with serving(command, env, port, QUERY) as data:
        yield port, data


def test_ui_serves_lineage_from_raw_file_to_published(webserver):
    _, data = webserver
    deps = {tuple(n["assetKey"]["path"]): {tuple(d["path"]) for d in n["dependencyKeys"]} for n in data["assetNodes"]}

    def upstream(key):
        seen, todo = set(), [key]
        while todo:
            for dep in deps.get(todo.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    above_fact = upstream(("marts", "fact_expenditure"))
    assert ("source", "raw_documents") in above_fact
    assert ("extracted", "documents") in above_fact
    assert ("raw", "expenditure_lines") in above_fact
    assert any(key[0] == "staging" for key in above_fact)
    assert {
        ("marts", m) for m in ("dim_document", "dim_subject", "fact_expenditure", "fact_indicator", "quality_findings")
    } <= upstream(("published", "warehouse"))


def test_ui_shows_blocking_ge_checks_schedule_and_sensor(webserver):
    _, data = webserver
    checks = {
        tuple(n["assetKey"]["path"]): {c["name"]: c["blocking"] for c in n["assetChecksOrError"].get("checks", [])}
        for n in data["assetNodes"]
    }
    assert checks[("marts", "fact_expenditure")].get("ge_fact_expenditure") is True
    assert checks[("marts", "quality_findings")].get("ge_quality_findings") is True
    [location] = data["workspaceOrError"]["locationEntries"]
    [repository] = location["locationOrLoadError"]["repositories"]
    [schedule] = repository["schedules"]
    assert (schedule["cronSchedule"], schedule["executionTimezone"]) == ("0 2 * * *", "Asia/Shanghai")
    assert schedule["scheduleState"]["status"] == "RUNNING"
    assert [s["sensorState"]["status"] for s in repository["sensors"]] == ["RUNNING"]
