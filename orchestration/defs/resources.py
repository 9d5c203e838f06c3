"""Where things live, as Dagster resources: the raw documents, the published warehouse, the dbt project.

Two environment variables configure a deployment: BUDGET_RAW_DIR (the raw documents) and
BUDGET_WAREHOUSE (the published warehouse; its candidate, gate results and extraction store
are derived from it). Either, when unset, falls back to the repository's raw/ and warehouse/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.project import dbt_executable, dbt_project
from orchestration.store import ExtractedStore
from orchestration.warehouse import (
    DEFAULT_RAW_DIR,
    DEFAULT_WAREHOUSE,
    RAW_DIR_ENV,
    WAREHOUSE_ENV,
    candidate_path,
    store_root,
)

DUCKDB_POOL = "duckdb_warehouse"  # every asset writing the DuckDB file runs in this one-slot pool
DBT_WAREHOUSE_VAR = "warehouse_path"  # the dbt var naming the DuckDB file dbt builds (dbt_project/profiles.yml)


class WarehouseResource(dg.ConfigurableResource):
    """Paths of one deployment: the raw documents and the published warehouse."""

    raw_dir: str = str(DEFAULT_RAW_DIR)
    warehouse: str = str(DEFAULT_WAREHOUSE)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).expanduser().resolve()

    @property
    def published(self) -> Path:
        return Path(self.warehouse).expanduser().resolve()

    @property
    def candidate(self) -> Path:
        return candidate_path(self.published)

    @property
    def store(self) -> ExtractedStore:
        return ExtractedStore(store_root(self.published))

    def dbt_build_args(self) -> list[str]:
        """dbt builds the candidate, never the published file: its path reaches the profile as a dbt var."""
        return ["--vars", json.dumps({DBT_WAREHOUSE_VAR: str(self.candidate)})]


def from_env(name: str, default: Path) -> str:
    """The variable when it is set (read at run time, shown by name in the UI), else the repository's default."""
    return dg.EnvVar(name) if os.environ.get(name) else str(default)


def warehouse_resource() -> WarehouseResource:
    return WarehouseResource(
        raw_dir=from_env(RAW_DIR_ENV, DEFAULT_RAW_DIR), warehouse=from_env(WAREHOUSE_ENV, DEFAULT_WAREHOUSE)
    )


defs = dg.Definitions(
    resources={
        "warehouse": warehouse_resource(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
)
