"""dbt as the tests run it: the project's own profile, output in the test's folder, on a given warehouse."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DBT_PROJECT = REPO / "dbt_project"


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def run_dbt(args: list[str], warehouse: Path, workdir: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run `dbt <args>` on `warehouse`, its target and logs under `workdir`; fail the test if dbt fails."""
    completed = subprocess.run(
        [
            dbt_executable(),
            *args,
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(workdir / "dbt_target"),
            "--log-path",
            str(workdir / "dbt_logs"),
        ],
        cwd=REPO,
        env={**os.environ, "BUDGET_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    return completed
