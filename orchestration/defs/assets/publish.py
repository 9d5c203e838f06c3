"""Publication: the checked candidate replaces the published warehouse in one atomic rename."""

import json
import os

import dagster as dg
import duckdb

from orchestration import run_lock
from orchestration.defs.resources import DUCKDB_POOL, WarehouseResource
from orchestration.quality.gate import load_suites
from orchestration.report import write_report
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


STRICT_ENV = "BUDGET_STRICT"


def strict() -> bool:
    """All-or-nothing (``--strict`` or BUDGET_STRICT=1): one held document blocks the publication."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes")


def _column(path, sql: str) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def removed_documents(published) -> list[str]:
    return _column(published, "select document_id from raw.document_status where status = 'removed'")


def held_documents(warehouse_file) -> list[str]:
    return _column(warehouse_file, "select document_id from marts.dim_document where is_held order by 1")


def passed_documents(published) -> list[str]:
    """Documents published with the facts of their current rows (not held)."""
    return _column(published, "select document_id from marts.dim_document where not is_held order by 1")


@dg.asset(
    key=["published", "warehouse"],
    deps=[dg.AssetKey(["marts", s.asset]) for s in load_suites()],
    group_name="publish",
    pool=DUCKDB_POOL,
    kinds={"duckdb"},
    description="Swaps the checked candidate in for the published warehouse (atomic rename).",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    run_lock.claim_now(warehouse.published, context.run.run_id, context.instance)  # held since extraction
    try:
        return _publish(context, warehouse)
    finally:
        run_lock.release(warehouse.published, context.run.run_id)


def _publish(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    failing = unpassed_suites(warehouse)
    if failing:
        raise GateNotPassed(
            f"not published: no passing gate result for {', '.join(failing)}; {warehouse.published} is unchanged"
        )
    held = held_documents(warehouse.candidate)
    if held and strict():
        raise GateNotPassed(
            f"not published (strict): held documents {', '.join(held)}; {warehouse.published} is unchanged"
        )
    pause_point("publish")
    publish(warehouse.candidate, warehouse.published)
    context.log.info(f"published {warehouse.published}")
    try:  # the report is read from the published file; a failure to draw it never undoes the publication
        context.log.info(f"report {write_report(warehouse.published)}")
    except Exception as error:  # noqa: BLE001
        context.log.warning(f"the HTML report could not be written: {type(error).__name__}: {error}")
    for document_id in held:
        context.log.warning(f"{document_id}: held (error findings); none of its new facts are published")
    for document_id in passed_documents(warehouse.published):
        # Its current rows are published: they become the version kept should a later one be held.
        warehouse.store.keep_published(document_id)
    for document_id in removed_documents(warehouse.published):
        # Reported in this publication; its extraction results are no longer needed.
        warehouse.store.forget(document_id)
    return dg.MaterializeResult(metadata={"path": str(warehouse.published), "held": dg.MetadataValue.json(held)})
