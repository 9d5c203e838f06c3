"""The command line as the user sees it: progress, a summary naming documents, saved beside the warehouse,
a run log without colour codes, and the run shown by the UI's webserver like a scheduled one."""

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests._job_support import run_job
from tests._webserver_support import free_port, graphql, serving

REPO = Path(__file__).resolve().parent.parent
LOCATION = "orchestration.definitions"  # scripts/ui.sh: dagster dev -m orchestration.definitions

# The seeds as their title pages print them: region, department, fiscal year and stage (预算 budget, 决算 final).
SEEDS = {
    "000_df7f9757fe457667": ("武汉市青山区", "武汉市青山区医疗保障局", 2026, "budget"),
    "001_6727838b316e5f85": ("随州市曾都区", "曾都区医疗保障局", 2025, "budget"),
    "002_59fd46f20b32f4cf": ("武汉市江汉区", "江汉区医疗保障局", 2021, "budget"),
    "003_305331944a1f3ba9": ("武汉市江夏区", "武汉市江夏区医疗保障局", 2024, "final"),
    "004_f083e30e185bc13b": ("武汉市汉阳区", "武汉市汉阳区医疗保障局", 2024, "budget"),
}


def label(document_id: str) -> str:
    return " ".join(str(part) for part in SEEDS[document_id])


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeds_run")
    raw = root / "raw"
    shutil.copytree(REPO / "raw", raw)
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return {"root": root, "warehouse": warehouse, "home": root / "home", "stdout": completed.stdout}


def test_progress_names_each_document_and_counts_models_checks_and_publication(seeds_run):
    stdout = seeds_run["stdout"]
    progress = stdout[: stdout.index("=" * 72)]
    for document_id in SEEDS:
        assert re.search(rf"extracted [1-5]/5: {label(document_id)} \({document_id}\.txt", progress), document_id
    assert "raw layer:" in progress
    assert re.search(r"dbt: building (\d+) models", progress)
    total = re.search(r"dbt: building (\d+) models", progress).group(1)
    assert f"dbt models {total}/{total} built" in progress
    finished = re.findall(r"checks (\d+)/(\d+): ge_\w+ (passed|FAILED)", progress)
    assert finished and finished[-1][0] == finished[-1][1] and {f[2] for f in finished} == {"passed"}
    assert "ge_fact_expenditure passed" in progress
    assert progress.rstrip().endswith("published")


def test_saved_summary_names_documents_and_counts_findings_by_check(seeds_run):
    warehouse = seeds_run["warehouse"]
    text = warehouse.with_name("budget.summary.txt").read_text("utf-8")
    assert text in seeds_run["stdout"]  # what was printed, kept
    assert f"Published: {warehouse}" in text
    for document_id in SEEDS:
        assert f"  {label(document_id)}  [loaded]  {document_id}.txt  ({document_id})" in text
    # The example: the 113 repaired codes are all of one document, named by check.
    findings = re.search(r"^  warning: (.*)$", text, re.MULTILINE).group(1)
    assert "code_repaired 113 (1 document)" in findings
    coverage = re.search(
        r"^Coverage: all (\d+) lines with figures in the tables accounted for: (\d+) as facts, (\d+) as findings$",
        text,
        re.MULTILINE,
    )
    assert coverage, text
    lines, facts, found = map(int, coverage.groups())
    assert lines == facts + found and facts > 0
    assert "/ 0 /" not in text  # no bare "facts / findings / candidates" triple that reads as a percentage


def test_saved_summary_json_holds_the_same_facts(seeds_run):
    warehouse = seeds_run["warehouse"]
    data = json.loads(warehouse.with_name("budget.summary.json").read_text("utf-8"))
    assert data["published"] is True and data["exit_code"] == 0 and data["warehouse"] == str(warehouse)
    named = {d["document_id"]: (d["region"], d["department"], d["fiscal_year"], d["stage"]) for d in data["documents"]}
    assert named == SEEDS
    repaired = [f for f in data["findings"] if f["check"] == "code_repaired"]
    assert repaired == [{"severity": "warning", "check": "code_repaired", "findings": 113, "documents": 1}]
    assert {c["document_id"] for c in data["coverage"]} == set(SEEDS)
    assert all(c["unaccounted"] == 0 for c in data["coverage"])
    assert not list(warehouse.parent.glob("*.part"))  # replaced whole, no half-written file left


def test_run_log_has_no_colour_codes(seeds_run):
    log = seeds_run["warehouse"].with_name("budget.run.log").read_text("utf-8")
    assert "Completed successfully" in log  # dbt's output is there
    assert "\x1b[" not in log


def test_summary_is_saved_when_nothing_is_published(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = tmp_path / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, tmp_path / "home")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    text = warehouse.with_name("budget.summary.txt").read_text("utf-8")
    assert text.startswith(f"NOT PUBLISHED: no readable documents in {raw}")
    data = json.loads(warehouse.with_name("budget.summary.json").read_text("utf-8"))
    assert (data["published"], data["exit_code"]) == (False, 1)


RUNS_QUERY = """
{ pipelineOrError(params: {pipelineName: "rebuild_warehouse", repositoryName: "__repository__",
                           repositoryLocationName: "LOCATION"}) {
    ... on Pipeline { runs { runId status repositoryOrigin { repositoryLocationName repositoryName } } } }
  assetOrError(assetKey: {path: ["marts", "fact_expenditure"]}) {
    ... on Asset { assetMaterializations(limit: 10) { runId } } } }
""".replace("LOCATION", LOCATION)


@pytest.fixture()
def webserver(seeds_run):
    """The UI's webserver on the instance the command line used (no daemon: nothing else starts a run)."""
    port = free_port()
    webserver = Path(sys.executable).with_name("dagster-webserver")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(seeds_run["home"]),
        "BUDGET_WAREHOUSE": str(seeds_run["warehouse"]),
        "PATH": f"{webserver.parent}{os.pathsep}{os.environ['PATH']}",
    }
    command = [str(webserver), "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)]
    with serving(command, env, port, "{ assetNodes { id } }"):
        yield port


def test_command_line_run_shows_on_the_jobs_page_and_the_asset(seeds_run, webserver):
    run_id = re.search(r"Dagster run ([0-9a-f-]{36}) of rebuild_warehouse", seeds_run["stdout"]).group(1)
    data = graphql(webserver, RUNS_QUERY)
    runs = {run["runId"]: run for run in data["pipelineOrError"]["runs"]}
    assert runs[run_id]["status"] == "SUCCESS"
    assert runs[run_id]["repositoryOrigin"] == {"repositoryLocationName": LOCATION, "repositoryName": "__repository__"}
    assert run_id in {m["runId"] for m in data["assetOrError"]["assetMaterializations"]}
    saved = json.loads(seeds_run["warehouse"].with_name("budget.summary.json").read_text("utf-8"))
    assert saved["dagster_run_id"] == run_id
