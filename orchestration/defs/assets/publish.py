"""Publication: the checked candidate replaces the published warehouse in one atomic rename."""

import os

import dagster as dg
import duckdb

from orchestration import run_lock
from orchestration.defs.resources import DUCKDB_POOL, WarehouseResource
from orchestration.quality.gate import SuiteResult, load_suites, record_verdicts
from orchestration.report import write_report
from orchestration.warehouse import gate_dir, pause_point, publish


class GateNotPassed(Exception):
    """The candidate lacks a passing result for some suite: it is not published."""


def gate_results(warehouse: WarehouseResource) -> dict[str, SuiteResult | None]:
    """Each suite's result on the candidate, as the gate wrote it beside the candidate (None: none written)."""
    folder = gate_dir(warehouse.candidate)
    results = {}
    for suite in load_suites():
        path = folder / f"{suite.name}.json"
        results[suite.name] = SuiteResult.from_json(path.read_text("utf-8")) if path.exists() else None
    return results


def unpassed_suites(results: dict[str, SuiteResult | None]) -> list[str]:
    return [name for name, result in results.items() if result is None or not result.success]


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
    results = gate_results(warehouse)
    failing = unpassed_suites(results)
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
    # The suites it passed go with the file: the next run's gate validates only rows that differ from its.
    record_verdicts(warehouse.candidate, list(results.values()))
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
