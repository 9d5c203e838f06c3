"""The main job as a user starts it (`python -m orchestration.run`), for the tests that run it whole."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JOB = [sys.executable, "-m", "orchestration.run"]
JOB_TIMEOUT = 1800  # a run that waits forever (e.g. for a lock a killed run held) fails its test
# Settings a developer's shell may carry that would change what a test's run does: a test sets them itself.
AMBIENT_SETTINGS = ("BUDGET_PAUSE_AT", "BUDGET_STRICT", "BUDGET_WAREHOUSE", "BUDGET_RAW_DIR", "DAGSTER_HOME")


def job_env(raw: Path, warehouse: Path | None, home: Path, **settings: str) -> dict[str, str]:
    """The environment of a run on raw/ into warehouse (None: the test passes --warehouse), in its own Dagster home."""
    env = {key: value for key, value in os.environ.items() if key not in AMBIENT_SETTINGS}
    env.update(BUDGET_RAW_DIR=str(raw), DAGSTER_HOME=str(home), **settings)
    if warehouse is not None:
        env["BUDGET_WAREHOUSE"] = str(warehouse)
    return env


def run_job(
    raw: Path, warehouse: Path | None, home: Path, *args: str, timeout: int = JOB_TIMEOUT, **settings: str
) -> subprocess.CompletedProcess:
    """One run to its end; its exit code and output are the test's to check."""
    return subprocess.run(
        [*JOB, *args],
        cwd=REPO,
        env=job_env(raw, warehouse, home, **settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
