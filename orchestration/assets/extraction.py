"""Extraction: one partition per raw document, all of a rebuild's partitions in one run."""

import traceback

import dagster as dg

from ..documents import scan_raw_dir
from ..extraction import BadInputError, extract_document, read_source
from ..partitions import document_partitions
from ..resources import WarehouseResource
from ..warehouse import pause_point


def extract_one(warehouse: WarehouseResource, document_id: str, log) -> dict:
    """Extract one document into the store; a file that cannot be read is quarantined, not fatal."""
    store = warehouse.store
    files = {f.document_id: f for f in scan_raw_dir(warehouse.raw_path)}
    raw = files.get(document_id)
    if raw is None:
        log.warning(f"{document_id}: no such file in {warehouse.raw_path}; nothing extracted")
        return {"document_id": document_id, "status": "missing"}
    if raw.refused:
        return store.write_failure(document_id, raw.path.name, None, raw.refused, None)
    try:
        doc = read_source(raw.path)
    except BadInputError as error:
        log.warning(str(error))
        return store.write_failure(document_id, raw.path.name, None, error.reason, error.line)
    try:
        extraction = extract_document(doc)
    except BadInputError as error:  # not a disclosure, or cut short inside a table: the file's fault
        log.warning(str(error))
        return store.write_failure(document_id, raw.path.name, doc.sha256, error.reason, error.line)
    except Exception as error:  # a parser bug on one document must not stop the others
        log.error(f"{raw.path.name}: extraction failed:\n{traceback.format_exc()}")
        return store.write_failure(document_id, raw.path.name, doc.sha256,
                                   f"extraction failed: {type(error).__name__}: {error}", None)
    status = store.write_extraction(extraction)
    errors = sum(1 for f in extraction.findings if f.severity == "error")
    log.info(f"{raw.path.name}: {status['row_counts']} ({errors} error findings)")
    return status


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
    statuses = []
    for number, document_id in enumerate(keys, 1):
        statuses.append(extract_one(warehouse, document_id, context.log))
        pause_point("extract")
        if number % 50 == 0 or number == len(keys):
            context.log.info(f"extracted {number}/{len(keys)} documents")
    quarantined = [s["document_id"] for s in statuses if s.get("status") == "quarantined"]
    return dg.MaterializeResult(metadata={
        "documents": len(keys),
        "quarantined": dg.MetadataValue.json(quarantined),
    })
