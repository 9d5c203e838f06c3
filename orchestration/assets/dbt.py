"""dbt models as assets: staging and marts built in the candidate warehouse."""

import os
from contextlib import contextmanager
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from ..resources import DUCKDB_POOL, WarehouseResource, dbt_project
from ..warehouse import WAREHOUSE_ENV


class BudgetDbtTranslator(DagsterDbtTranslator):
    """Models keyed by schema (staging/…, marts/…), sources by source name (raw/…)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("schema") or dbt_resource_props.get("config", {}).get("schema") or "dbt"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("schema") or "dbt"


@contextmanager
def _building(path):
    """dbt reads the one shared variable; for its subprocess it names the candidate being built."""
    previous = os.environ.get(WAREHOUSE_ENV)
    os.environ[WAREHOUSE_ENV] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(WAREHOUSE_ENV, None)
        else:
            os.environ[WAREHOUSE_ENV] = previous


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=BudgetDbtTranslator(), pool=DUCKDB_POOL)
def budget_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    with _building(warehouse.candidate):
        yield from dbt.cli(["build"], context=context).stream()
