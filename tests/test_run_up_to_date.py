"""A rerun with nothing changed rebuilds nothing; a change of any input rebuilds (real runs on the seeds).

The fingerprint's inputs (orchestration/up_to_date.py): raw files by name, bytes and modification time;
the parser, orchestration, dbt project and suites; the reviewed list; the settings; the tools' versions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.documents import scan_raw_dir
from orchestration.up_to_date import CODE_TREES, inputs_fingerprint
from tests._job_support import run_job

REPO = Path(__file__).resolve().parent.parent
SEED_IDS = sorted(p.stem for p in (REPO / "raw").glob("*.txt"))
UP_TO_DATE = "Warehouse up to date: nothing changed since"


def run_cli(root: Path) -> subprocess.CompletedProcess:
    return run_job(
        root / "raw",
        root / "wh" / "budget.duckdb",
        root / "home",
        BUDGET_REVIEWED_INCONSISTENCIES=str(root / "reviewed.csv"),
    )


def identity(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """First run; rerun unchanged; rerun after a reviewed-list edit; rerun after one raw file's edit."""
    root = tmp_path_factory.mktemp("up_to_date")
    shutil.copytree(REPO / "raw", root / "raw")
    shutil.copy(REPO / "expectations" / "known_source_inconsistencies.csv", root / "reviewed.csv")
    published = root / "wh" / "budget.duckdb"
    outcomes = {"published": published}
    outcomes["first"] = run_cli(root)
    outcomes["first_identity"] = identity(published)
    outcomes["unchanged"] = run_cli(root)
    outcomes["unchanged_identity"] = identity(published)
    outcomes["unchanged_summary"] = published.with_name("budget.summary.txt").read_text("utf-8")
    outcomes["unchanged_json"] = json.loads(published.with_name("budget.summary.json").read_text("utf-8"))
    with open(root / "reviewed.csv", "a", encoding="utf-8") as handle:
        handle.write("# reviewed again: no new entry\n")
    outcomes["reviewed"] = run_cli(root)
    outcomes["reviewed_identity"] = identity(published)
    outcomes["reviewed_gate"] = gate_record(published)
    changed = root / "raw" / f"{SEED_IDS[2]}.txt"
    changed.write_bytes(changed.read_bytes() + b"\n")
    outcomes["raw"] = run_cli(root)
    outcomes["raw_identity"] = identity(published)
    outcomes["raw_gate"] = gate_record(published)
    return outcomes


def gate_record(published: Path) -> dict[str, int]:
    """Per suite, how many documents' rows the published warehouse's gate found as published before."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        return dict(con.execute("select suite, unchanged_documents from gate.suite_results").fetchall())
    finally:
        con.close()


def test_first_run_publishes(runs):
    assert runs["first"].returncode == 0, runs["first"].stdout[-3000:] + runs["first"].stderr[-3000:]
    assert f"({len(SEED_IDS)} to extract)" in runs["first"].stdout


def test_unchanged_rerun_rebuilds_nothing_and_keeps_the_published_file(runs):
    completed = runs["unchanged"]
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert UP_TO_DATE in completed.stdout
    assert "Rebuilding" not in completed.stdout and "of rebuild_warehouse in code location" not in completed.stdout
    assert runs["unchanged_identity"] == runs["first_identity"]


def test_unchanged_rerun_saves_a_summary_with_the_publishing_run_s(runs):
    text = runs["unchanged_summary"]
    assert text.startswith(UP_TO_DATE)
    assert "Summary of the run that published it:" in text
    for document_id in SEED_IDS:
        assert f"({document_id})" in text
    assert runs["unchanged_json"]["up_to_date"] is True
    assert runs["unchanged_json"]["exit_code"] == 0
    assert len(runs["unchanged_json"]["documents"]) == len(SEED_IDS)


def test_an_edited_reviewed_list_rebuilds_without_extracting(runs):
    completed = runs["reviewed"]
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert UP_TO_DATE not in completed.stdout
    assert "(0 to extract)" in completed.stdout
    assert runs["reviewed_identity"] != runs["unchanged_identity"]
    # Every mart row is as published: the gate validated none of them again (dim_subject's suite reads the
    # whole table, so it always runs).
    gate = runs["reviewed_gate"]
    assert gate["dim_document"] == len(SEED_IDS) and gate["dim_subject"] == 0
    assert all(unchanged > 0 for suite, unchanged in gate.items() if suite != "dim_subject")


def test_an_edited_raw_file_is_the_only_one_extracted(runs):
    completed = runs["raw"]
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "(1 to extract)" in completed.stdout
    assert "extracted 1/1: " in completed.stdout and f"({SEED_IDS[2]}.txt)" in completed.stdout
    assert runs["raw_identity"] != runs["reviewed_identity"]
    # The edit (a trailing line) changes no value a suite checks (dim_document's suite reads whether the hash
    # is well formed, not the hash): every document's rows are as published, none is validated again.
    assert runs["raw_gate"] == runs["reviewed_gate"]


@pytest.fixture
def inputs(tmp_path):
    """A copy of the project's source trees and of the seeds, and the reviewed list."""
    for tree in CODE_TREES:
        shutil.copytree(REPO / tree, tmp_path / tree, ignore=shutil.ignore_patterns("target", "logs", "__pycache__"))
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    shutil.copy(REPO / "expectations" / "known_source_inconsistencies.csv", tmp_path / "reviewed.csv")
    return tmp_path


def fingerprint(root: Path) -> str:
    return inputs_fingerprint(scan_raw_dir(root / "raw"), root / "reviewed.csv", root)


@pytest.mark.parametrize(
    "changed",
    [
        "budget_extraction/__init__.py",
        "orchestration/store.py",
        "dbt_project/models/marts/coverage_report.sql",
        "dbt_project/dbt_project.yml",
        "expectations/suites/dim_document.json",
        "reviewed.csv",
        f"raw/{SEED_IDS[0]}.txt",
    ],
)
def test_a_changed_file_of_any_input_changes_the_fingerprint(inputs, changed):
    before = fingerprint(inputs)
    assert fingerprint(inputs) == before  # the same inputs, the same fingerprint
    path = inputs / changed
    original = path.read_bytes()
    path.write_bytes(original + b"\n")
    assert fingerprint(inputs) != before
    path.write_bytes(original)
    if changed.startswith("raw/"):  # the same bytes, a newer time: it counts (the newer version of a document wins)
        assert fingerprint(inputs) != before
    else:
        assert fingerprint(inputs) == before


def test_a_raw_file_touched_added_or_removed_changes_the_fingerprint(inputs):
    before = fingerprint(inputs)
    seed = inputs / "raw" / f"{SEED_IDS[1]}.txt"
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 1_000_000_000))
    touched = fingerprint(inputs)
    assert touched != before
    shutil.copy(seed, inputs / "raw" / "new_copy.txt")
    assert fingerprint(inputs) != touched
    (inputs / "raw" / "new_copy.txt").unlink()
    seed.unlink()
    assert fingerprint(inputs) not in (before, touched)


def test_a_setting_changes_the_fingerprint(inputs, monkeypatch):
    monkeypatch.delenv("BUDGET_STRICT", raising=False)
    before = fingerprint(inputs)
    monkeypatch.setenv("BUDGET_STRICT", "1")
    assert fingerprint(inputs) != before
