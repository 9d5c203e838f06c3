"""Extraction: one partition per raw document, all of a rebuild's partitions in one run."""

import os
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed

import dagster as dg

from orchestration.documents import RawFile, scan_raw_dir
from budget_extraction import BadInputError, extract_document, read_source
from orchestration.defs.partitions import document_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.store import ExtractedStore
from orchestration.warehouse import pause_point

PARALLEL_FROM = 16  # documents; below this a process pool costs more than it saves
MAX_WORKERS = 4


def extract_file(raw: RawFile, store_root: str) -> tuple[dict, list[tuple[str, str]]]:
    """Extract one document into the store; a file that cannot be read is quarantined, not fatal.

    Plain arguments and results (no Dagster objects), so it can run in a worker process;
    returns the status record and the (level, message) lines to log.
    """
    store = ExtractedStore(store_root)
    document_id = raw.document_id
    if raw.refused:
        return store.write_failure(document_id, raw.path.name, None, raw.refused, None), [("warning", raw.refused)]
    try:
        doc = read_source(raw.path)
    except BadInputError as error:
        return store.write_failure(document_id, raw.path.name, None, error.reason, error.line), [("warning", str(error))]
    try:
        extraction = extract_document(doc)
    except BadInputError as error:  # not a disclosure, or cut short inside a table: the file's fault
        status = store.write_failure(document_id, raw.path.name, doc.sha256, error.reason, error.line)
        return status, [("warning", str(error))]
    except Exception as error:  # a parser bug on one document must not stop the others
        status = store.write_failure(document_id, raw.path.name, doc.sha256,
                                     f"extraction failed: {type(error).__name__}: {error}", None)
        return status, [("error", f"{raw.path.name}: extraction failed:\n{traceback.format_exc()}")]
    status = store.write_extraction(extraction)
    errors = sum(1 for f in extraction.findings if f.severity == "error")
    return status, [("info", f"{raw.path.name}: {status['row_counts']} ({errors} error findings)")]


def extract_all(raws: list[RawFile], store_root: str, workers: int):
    """Yield (status, log lines) per document, in parallel worker processes for a large corpus."""
    if workers <= 1 or len(raws) < PARALLEL_FROM:
        for raw in raws:
            yield extract_file(raw, store_root)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(extract_file, raw, store_root) for raw in raws]
        for future in as_completed(futures):
            yield future.result()


raw_document_files = dg.AssetSpec(
    key=["source", "raw_documents"],
    partitions_def=document_partitions,
    group_name="extraction",
    kinds={"file"},
    description="The disclosure texts in raw/ (one partition per file, keyed by document_id); added by the sensor.",
)


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
        if number % 50 == 0 or number == len(raws):
            context.log.info(f"extracted {number}/{len(raws)} documents")
    quarantined = [s["document_id"] for s in statuses if s.get("status") == "quarantined"]
    return dg.MaterializeResult(metadata={
        "documents": len(keys),
        "quarantined": dg.MetadataValue.json(quarantined),
    })
