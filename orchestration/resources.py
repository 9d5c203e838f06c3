"""Where things live: raw documents, the published warehouse, its candidate and the dbt project.

One environment variable, BUDGET_WAREHOUSE, names the published warehouse for
Dagster and dbt alike; everything else is derived from it.
"""
from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from .store import ExtractedStore
from .warehouse import REPO_ROOT, WAREHOUSE_ENV, candidate_path, store_root, warehouse_path

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
RAW_DIR_ENV = "BUDGET_RAW_DIR"
DUCKDB_POOL = "duckdb_warehouse"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def raw_dir() -> Path:
    configured = os.environ.get(RAW_DIR_ENV)
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / "raw"


class WarehouseResource(dg.ConfigurableResource):
    """Paths of one deployment. Empty strings mean: the defaults, read from the environment."""

    raw_dir: str = ""
    warehouse: str = ""

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve() if self.raw_dir else raw_dir()

    @property
    def published(self) -> Path:
        return Path(self.warehouse).resolve() if self.warehouse else warehouse_path()

    @property
    def candidate(self) -> Path:
        return candidate_path(self.published)

    @property
    def store(self) -> ExtractedStore:
        return ExtractedStore(store_root(self.published))

    def dbt_env(self) -> dict[str, str]:
        """dbt builds the candidate: the shared variable points it there for its subprocess."""
        return {WAREHOUSE_ENV: str(self.candidate)}


def raw_files(folder: Path) -> list[Path]:
    """The documents of raw/: regular *.txt files directly inside it, names treated as data."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file() and not p.is_symlink()
                  and not p.name.startswith("."))


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's bin/ need not be on PATH)."""
    import sys

    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def prepare_dbt_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than any project file."""
    import subprocess

    manifest = dbt_project.manifest_path
    sources = [p for p in DBT_PROJECT_DIR.rglob("*")
               if p.is_file() and p.suffix in {".sql", ".yml", ".yaml"} and "target" not in p.parts
               and "logs" not in p.parts]
    newest = max((p.stat().st_mtime for p in sources), default=0)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return manifest
    dbt = dbt_executable()
    env = {**os.environ}
    env.setdefault(WAREHOUSE_ENV, str(warehouse_path()))
    completed = subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        capture_output=True, text=True, env=env,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{completed.stdout}\n{completed.stderr}")
    return manifest
