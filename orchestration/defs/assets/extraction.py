"""Extraction: one partition per raw document, all of a rebuild's partitions in one run."""

import os

import dagster as dg

from orchestration import run_lock
from orchestration.defs.partitions import document_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.documents import scan_raw_dir
from orchestration.extraction_worker import MAX_WORKERS, extract_all
from orchestration.progress import EXTRACTED, document_label
from orchestration.store import ExtractedStore
from orchestration.warehouse import pause_point

raw_document_files = dg.AssetSpec(
    key=["source", "raw_documents"],
    partitions_def=document_partitions,
    group_name="extraction",
    kinds={"file"},
    description="The disclosure texts in raw/ (one partition per file, keyed by document_id); added by the sensor.",
)


def describe(store: ExtractedStore, status: dict) -> str:
    """The document as people name it, with its file (and what became of it when it was not read)."""
    row = store.document(status["document_id"]) if status.get("status") == "ok" else None
    name = status.get("file_name") or status["document_id"]
    if row is None:
        return f"{name} ({status.get('status', 'not read')})"
    label = document_label(row["region"], row["department_name"], row["fiscal_year"], row["stage"])
    reused = ", unchanged" if status.get("reused") else ""
    return f"{label} ({name}{reused})"


@dg.asset(
    key=["extracted", "documents"],
    deps=[raw_document_files],
    partitions_def=document_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="extraction",
    kinds={"python", "polars"},
    description="Tables of each raw disclosure read into typed rows (Parquet per document and raw table).",
)
def extracted_documents(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    # From here to its publication the run holds the warehouse: another run waits here, whatever started it.
    run_lock.claim(warehouse.published, context.run.run_id, context.instance, context.log)
    keys = sorted(context.partition_keys)
    files = {f.document_id: f for f in scan_raw_dir(warehouse.raw_path)}  # one scan for the whole run
    for key in keys:
        if key not in files:
            context.log.warning(f"{key}: no such file in {warehouse.raw_path}; nothing extracted")
    raws = [files[key] for key in keys if key in files]
    statuses = []
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    for number, (status, messages) in enumerate(extract_all(raws, str(warehouse.store.root), workers), 1):
        statuses.append(status)
        for level, message in messages:
            getattr(context.log, level)(message)
        pause_point("extract")
        document = describe(warehouse.store, status)
        context.log.info(EXTRACTED.format(number=number, total=len(raws), document=document))
    quarantined = [s["document_id"] for s in statuses if s.get("status") == "quarantined"]
    extracted = sorted(s["document_id"] for s in statuses if not s.get("reused"))
    context.log.info(f"{len(extracted)} documents extracted, {len(statuses) - len(extracted)} unchanged and reused")
    return dg.MaterializeResult(
        metadata={
            "documents": len(keys),
            "extracted": dg.MetadataValue.json(extracted),
            "reused": len(statuses) - len(extracted),
            "quarantined": dg.MetadataValue.json(quarantined),
        }
    )
