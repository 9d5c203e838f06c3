"""The extraction pool: a few long-lived workers read many documents; one bad document costs only itself.

Runs extract_all in a fresh interpreter (its forkserver then starts with this test's environment:
the test hooks for a stuck and a crashing document are read by the workers).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "raw").glob("*.txt"))
STUCK, CRASHING = "050_stuck", "051_crashing"
# The stuck document sleeps an hour; a good one takes well under a second, so even on a loaded machine
# it stays far below this limit (a tight limit would make the test depend on the load).
TIME_LIMIT_SECONDS = "30"
WORKERS = 2

EXTRACT = """
import json, sys
from pathlib import Path
from orchestration.documents import scan_raw_dir
from orchestration.extraction_worker import extract_all
results = [
    {"status": status, "messages": messages}
    for status, messages in extract_all(scan_raw_dir(Path(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
]
print(json.dumps(results))
"""


def _extract(raw: Path, store: Path) -> list[dict]:
    env = {
        **os.environ,
        "BUDGET_MAX_EXTRACT_SECONDS": TIME_LIMIT_SECONDS,
        "BUDGET_SLOW_DOCUMENT": STUCK,
        "BUDGET_CRASH_DOCUMENT": CRASHING,
    }
    completed = subprocess.run(
        [sys.executable, "-c", EXTRACT, str(raw), str(store), str(WORKERS)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(completed.stdout.splitlines()[-1])


def test_workers_read_many_documents_and_a_stuck_or_crashing_one_is_quarantined_alone(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    copies = [f"{prefix}{seed.stem}" for prefix in ("a", "b") for seed in SEEDS]  # 10 good documents
    for copy, seed in zip(copies, SEEDS * 2, strict=True):
        shutil.copy(seed, raw / f"{copy}.txt")
    shutil.copy(SEEDS[0], raw / f"{STUCK}.txt")
    shutil.copy(SEEDS[1], raw / f"{CRASHING}.txt")

    results = _extract(raw, tmp_path / "store")

    statuses = {r["status"]["document_id"]: r["status"] for r in results}
    assert len(results) == len(statuses) == 12  # each document once
    assert statuses[STUCK]["status"] == "quarantined"
    assert statuses[STUCK]["error"].startswith("extraction took longer than 30 s")
    assert statuses[CRASHING]["status"] == "quarantined"
    assert "ended without a result (exit code 70)" in statuses[CRASHING]["error"]
    assert {d for d, s in statuses.items() if s["status"] == "ok"} == set(copies), statuses
    # Two workers, one replaced after the crash and one after the time-out: at most four processes
    # read the ten good documents, so workers took document after document.
    readers = {r["status"]["worker_pid"] for r in results if "worker_pid" in r["status"]}
    assert 1 <= len(readers) <= WORKERS + 2
    # Only the good documents come back from a worker (the stuck and the crashing one never answer).
    assert len([r for r in results if "worker_pid" in r["status"]]) == len(copies)
