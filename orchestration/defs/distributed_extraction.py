"""Extraction past one machine: the documents of raw/ extracted by Celery workers, in batches.

The nightly job extracts in one step (its partitions fanned out over local worker processes). This
job runs the same per-document extraction (``extract_all``: size and time limits, quarantine, reuse
by content) as many steps, one per batch of documents, that dagster-celery hands to whichever worker
is free. It writes only the extraction store; the warehouse is then rebuilt by the one job, whose
extraction finds every document unchanged and reuses it, so the DuckDB file keeps its single writer.

Workers need what the launching process has: the same code, the same Dagster instance (run and
event storage) and the same extraction store. Here that is one machine's paths; on a cluster a
shared database for the instance and a shared file system or object store for the store.
"""

import math
import os
import socket

import dagster as dg
from dagster_celery import celery_executor

from orchestration import run_lock
from orchestration.celery_cluster import BROKER_ENV
from orchestration.defs.partitions import document_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.documents import scan_raw_dir
from orchestration.extraction_worker import extract_all

CELERY_JOB = "extract_on_celery"
EXTRACTED_ASSET = dg.AssetKey(["extracted", "documents"])
# A Celery step first loads the code location and opens the instance in its worker, about a second;
# at a few documents a second of extraction, batches of 20 keep that start-up a small part of a step.
DOCUMENTS_PER_STEP = 20
# A small corpus is still cut into this many steps (batches smaller than the above), so no worker idles.
MIN_STEPS = 8


class ExtractionPlan(dg.Config):
    documents_per_step: int = DOCUMENTS_PER_STEP  # at most


def batches(document_ids: list[str], most: int) -> list[list[str]]:
    """Consecutive batches of at most ``most`` documents, and at least MIN_STEPS of them when there are enough."""
    size = max(1, min(most, math.ceil(len(document_ids) / MIN_STEPS)))
    return [document_ids[start : start + size] for start in range(0, len(document_ids), size)]


@dg.op(out=dg.DynamicOut(list), description="Holds the warehouse for the run and splits raw/ into batches.")
def plan_extraction(context: dg.OpExecutionContext, config: ExtractionPlan, warehouse: WarehouseResource):
    run_lock.claim(warehouse.published, context.run.run_id, context.instance, context.log)
    document_ids = [f.document_id for f in scan_raw_dir(warehouse.raw_path) if not f.refused]
    known = set(context.instance.get_dynamic_partitions(document_partitions.name))
    new = [key for key in document_ids if key not in known]
    if new:  # the materialisations below name these partitions
        context.instance.add_dynamic_partitions(document_partitions.name, new)
    planned = batches(document_ids, config.documents_per_step)
    context.log.info(f"{len(document_ids)} documents in {warehouse.raw_path}, in {len(planned)} steps")
    for number, batch in enumerate(planned):
        yield dg.DynamicOutput(batch, mapping_key=f"batch_{number}")


@dg.op(description="Extracts one batch of documents into the shared store, in the worker that runs the step.")
def extract_batch(context: dg.OpExecutionContext, warehouse: WarehouseResource, document_ids: list):
    files = {f.document_id: f for f in scan_raw_dir(warehouse.raw_path)}
    raws = [files[key] for key in document_ids if key in files]
    where = {"worker_host": socket.gethostname(), "worker_pid": os.getpid()}
    statuses = []
    # One document at a time in its own child process: the step is the unit spread over the workers.
    for status, messages in extract_all(raws, str(warehouse.store.root), workers=1):
        for level, message in messages:
            getattr(context.log, level)(message)
        statuses.append({"document_id": status["document_id"], "status": status["status"], **where})
        yield dg.AssetMaterialization(
            asset_key=EXTRACTED_ASSET,
            partition=status["document_id"],
            metadata={"status": status["status"], "reused": bool(status.get("reused")), **where},
        )
    yield dg.Output(statuses)


@dg.op(description="Reports the run's extraction and lets go of the warehouse for the rebuild.")
def record_extraction(context: dg.OpExecutionContext, warehouse: WarehouseResource, batches: list) -> dict:
    statuses = [status for batch in batches for status in batch]
    quarantined = sorted(s["document_id"] for s in statuses if s["status"] == "quarantined")
    workers = sorted({f"{s['worker_host']}:{s['worker_pid']}" for s in statuses})
    context.log.info(f"{len(statuses)} documents extracted or reused by {len(workers)} worker processes")
    run_lock.release(warehouse.published, context.run.run_id)
    context.add_output_metadata(
        {
            "documents": len(statuses),
            "quarantined": dg.MetadataValue.json(quarantined),
            "workers": dg.MetadataValue.json(workers),
        }
    )
    return {"documents": len(statuses), "quarantined": quarantined, "workers": workers}


@dg.job(
    name=CELERY_JOB,
    executor_def=celery_executor,
    config={"execution": {"config": {"broker": {"env": BROKER_ENV}, "backend": {"env": BROKER_ENV}}}},
    description="Extract every document of raw/ on the Celery workers (then run rebuild_warehouse to load them).",
)
def extract_on_celery():
    record_extraction(plan_extraction().map(extract_batch).collect())
