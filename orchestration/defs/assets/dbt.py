"""dbt models as assets: staging and marts built in the candidate warehouse."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.project import dbt_project
from orchestration.defs.resources import DUCKDB_POOL, WarehouseResource


class BudgetDbtTranslator(DagsterDbtTranslator):
    """Models keyed by schema (staging/…, marts/…), sources by source name (raw/…)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("schema") or dbt_resource_props.get("config", {}).get("schema") or "dbt"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("schema") or "dbt"


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=BudgetDbtTranslator(), pool=DUCKDB_POOL)
def budget_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    yield from dbt.cli(["build", *warehouse.dbt_build_args()], context=context).stream()
