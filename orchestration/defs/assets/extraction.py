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

# Up to this many documents a run has a progress line per document; past it, one per 1/PROGRESS_STEPS of
# them (every 5%): at 10,000 documents a line per document drowns the terminal and costs an event each.
EACH_DOCUMENT_UP_TO, PROGRESS_STEPS = 50, 20
# Dagster records the step's metadata with each partition it materialises: a list of every document there
# would grow with the square of the run (10,000 partitions x 10,000 ids). Lists stop at this many ids.
IDS_LISTED = 20

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


def progress_milestone(number: int, total: int) -> bool:
    """Whether the n-th document extracted gets a progress line: each one in a small run, else every step."""
    if total <= EACH_DOCUMENT_UP_TO or number == total:
        return True
    return number * PROGRESS_STEPS // total != (number - 1) * PROGRESS_STEPS // total


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
            # Each log line is an event written to Dagster's event log (~10-30 ms here): only what needs
            # attention is logged per document; row counts are in each status and in the summary.
            if level in ("warning", "error"):
                getattr(context.log, level)(message)
        pause_point("extract")
        if progress_milestone(number, len(raws)):
            document = describe(warehouse.store, status)
            context.log.info(EXTRACTED.format(number=number, total=len(raws), document=document))
    quarantined = [s["document_id"] for s in statuses if s.get("status") == "quarantined"]
    extracted = sorted(s["document_id"] for s in statuses if not s.get("reused"))
    context.log.info(f"{len(extracted)} documents extracted, {len(statuses) - len(extracted)} unchanged and reused")
    return dg.MaterializeResult(
        metadata={
            "documents": len(keys),
            "extracted": len(extracted),
            "reused": len(statuses) - len(extracted),
            "quarantined": len(quarantined),
            # The first ids (sorted) of each list; the summary beside the warehouse names every document.
            "extracted_ids": dg.MetadataValue.json(extracted[:IDS_LISTED]),
            "quarantined_ids": dg.MetadataValue.json(sorted(quarantined)[:IDS_LISTED]),
        }
    )
