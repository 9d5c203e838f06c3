"""The dbt project the marts are built from, and its manifest (Dagster reads the dbt assets from it)."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from filelock import FileLock

from orchestration.warehouse import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
PROJECT_SUFFIXES = {".sql", ".yml", ".yaml", ".csv"}  # the files `dbt parse` reads

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()  # under `dagster dev`: parse again at every code reload


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's bin/ need not be on PATH)."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


# The dbt vars the manifest was last parsed with, beside it: dbt re-parses the whole project (~8 s) when a
# build's vars differ from its last parse's, so the command line parses with the vars its build will pass.
PARSED_VARS = dbt_project.manifest_path.with_name("parsed_vars.json")


def manifest_is_stale(build_args: list[str] = ()) -> bool:
    """No manifest yet, a project file changed after it was written, or it was parsed for other vars."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    if build_args and (not PARSED_VARS.exists() or PARSED_VARS.read_text("utf-8") != " ".join(build_args)):
        return True
    sources = (
        p
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.suffix in PROJECT_SUFFIXES and not {"target", "logs"} & set(p.relative_to(DBT_PROJECT_DIR).parts)
    )
    return any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources)


def prepare_outside_dev(build_args: list[str] = ()) -> None:
    """What ``prepare_if_dev`` does under ``dagster dev``, for the command line and the tests: a fresh manifest.

    Parses only when the manifest is stale, under the lock dagster-dbt's own preparer takes, so
    concurrent runs neither parse twice nor read a manifest another one is writing. ``build_args``:
    the vars the run's dbt build will pass; parsed with them, the build re-reads only what changed.
    """
    manifest = dbt_project.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(manifest.with_suffix(".concurrent-update-lock")):
        if manifest_is_stale(build_args):
            dbt = DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
            dbt.cli(["parse", "--quiet", *build_args], target_path=dbt_project.target_path).wait()
            PARSED_VARS.write_text(" ".join(build_args), encoding="utf-8")
