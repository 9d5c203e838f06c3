"""Publication: the checked candidate replaces the published warehouse in one atomic rename."""

import json

import dagster as dg
import duckdb

from orchestration.quality.gate import load_suites
from orchestration.defs.resources import DUCKDB_POOL, WarehouseResource
from orchestration.warehouse import gate_dir, pause_point, publish


class GateNotPassed(Exception):
    """The candidate lacks a passing result for some suite: it is not published."""


def unpassed_suites(warehouse: WarehouseResource) -> list[str]:
    folder = gate_dir(warehouse.candidate)
    missing = []
    for suite in load_suites():
        path = folder / f"{suite.name}.json"
        if not path.exists() or not json.loads(path.read_text("utf-8"))["success"]:
            missing.append(suite.name)
    return missing


def removed_documents(published) -> list[str]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "select document_id from raw.document_status where status = 'removed'").fetchall()]
    finally:
        con.close()


@dg.asset(
    key=["published", "warehouse"],
    deps=[dg.AssetKey(["marts", s.asset]) for s in load_suites()],
    group_name="publish",
    pool=DUCKDB_POOL,
    kinds={"duckdb"},
    description="Swaps the checked candidate in for the published warehouse (atomic rename).",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    failing = unpassed_suites(warehouse)
    if failing:
        raise GateNotPassed(f"not published: no passing gate result for {', '.join(failing)}; "
                            f"{warehouse.published} is unchanged")
    pause_point("publish")
    publish(warehouse.candidate, warehouse.published)
    context.log.info(f"published {warehouse.published}")
    for document_id in removed_documents(warehouse.published):
        # Reported in this publication; its extraction results are no longer needed.
        warehouse.store.forget(document_id)
    return dg.MaterializeResult(metadata={"path": str(warehouse.published)})
