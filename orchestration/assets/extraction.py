"""Extraction: one partition per raw document, all of a rebuild's partitions in one run."""

import multiprocessing
import os
import time
import traceback
from multiprocessing.connection import wait

import dagster as dg

from .. import run_lock
from ..documents import RawFile, scan_raw_dir
from budget_extraction import BadInputError, extract_document, read_source
from ..partitions import document_partitions
from ..resources import WarehouseResource
from ..store import ExtractedStore
from ..warehouse import pause_point

MAX_WORKERS = 4
# Guards against one file stalling the run. Generous for a disclosure: the largest real ones are a
# few MB of text and tens of MB of PDF; extraction takes seconds. Each can be set by its variable.
MAX_TEXT_MB, MAX_PDF_MB, MAX_EXTRACT_SECONDS = 20, 200, 600
LIMIT_ENV = {"text": "BUDGET_MAX_TEXT_MB", "pdf": "BUDGET_MAX_PDF_MB", "seconds": "BUDGET_MAX_EXTRACT_SECONDS"}
# Test hook, off by default: extraction of this document_id sleeps first (to test the time limit).
SLOW_ENV = "BUDGET_SLOW_DOCUMENT"


def limit(name: str, default: float) -> float:
    configured = os.environ.get(LIMIT_ENV[name], "").strip()
    return float(configured) if configured else default


def too_large(raw: RawFile) -> str | None:
    """The reason a file is refused for its size, or None."""
    kind, default = ("pdf", MAX_PDF_MB) if raw.path.suffix.lower() == ".pdf" else ("text", MAX_TEXT_MB)
    allowed = limit(kind, default)
    size = raw.path.stat().st_size
    if size <= allowed * 1024 * 1024:
        return None
    return (f"file too large: {size / 1024 / 1024:.1f} MB of {kind}, over the limit of {allowed:g} MB "
            f"({LIMIT_ENV[kind]})")


def extract_file(raw: RawFile, store_root: str) -> tuple[dict, list[tuple[str, str]]]:
    """Extract one document into the store; a file that cannot be read is quarantined, not fatal.

    Plain arguments and results (no Dagster objects), so it can run in a worker process;
    returns the status record and the (level, message) lines to log.
    """
    store = ExtractedStore(store_root)
    document_id = raw.document_id
    if raw.refused:
        return store.write_failure(document_id, raw.path.name, None, raw.refused, None), [("warning", raw.refused)]
    oversized = too_large(raw)
    if oversized:
        return store.write_failure(document_id, raw.path.name, None, oversized, None), [("warning", oversized)]
    if os.environ.get(SLOW_ENV) == document_id:
        time.sleep(3600)
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


def _extract_in_child(raw: RawFile, store_root: str, conn) -> None:
    try:
        conn.send(extract_file(raw, store_root))
    finally:
        conn.close()


def _receive(receiving):
    """The worker's result, or None when it ended without sending one."""
    try:
        return receiving.recv() if receiving.poll() else None
    except EOFError:
        return None


def _timed_out(raw: RawFile, store_root: str, seconds: float) -> tuple[dict, list[tuple[str, str]]]:
    reason = (f"extraction took longer than {seconds:g} s ({LIMIT_ENV['seconds']}): stopped; "
              "the file is too large or a table defeats the parser")
    return ExtractedStore(store_root).write_failure(raw.document_id, raw.path.name, None, reason, None), \
        [("warning", f"{raw.path.name}: {reason}")]


def _died(raw: RawFile, store_root: str, exitcode) -> tuple[dict, list[tuple[str, str]]]:
    reason = f"extraction failed: its worker process ended without a result (exit code {exitcode})"
    return ExtractedStore(store_root).write_failure(raw.document_id, raw.path.name, None, reason, None), \
        [("error", f"{raw.path.name}: {reason}")]


def extract_all(raws: list[RawFile], store_root: str, workers: int):
    """Yield (status, log lines) per document, each extracted in its own worker process.

    The time limit is enforced on the worker: one past it is killed and its document
    quarantined, so a pathological file cannot hold the run (and the warehouse) for hours.
    """
    seconds = limit("seconds", MAX_EXTRACT_SECONDS)
    context = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has the parser imported: starting one costs milliseconds.
    context.set_forkserver_preload(["orchestration.assets.extraction"])
    waiting = list(reversed(raws))
    running: dict = {}  # process sentinel -> (process, receiving end, raw file, deadline)
    while waiting or running:
        while waiting and len(running) < max(1, workers):
            raw = waiting.pop()
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=_extract_in_child, args=(raw, store_root, sending), daemon=True)
            process.start()
            sending.close()
            running[process.sentinel] = (process, receiving, raw, time.monotonic() + seconds)
        next_deadline = min(deadline for *_, deadline in running.values())
        ready = wait([*running, *(r for _, r, _, _ in running.values())],
                     timeout=max(0.0, next_deadline - time.monotonic()))
        for sentinel, (process, receiving, raw, deadline) in list(running.items()):
            if receiving in ready or sentinel in ready:
                result = _receive(receiving)
                process.join()
                yield result if result is not None else _died(raw, store_root, process.exitcode)
            elif time.monotonic() >= deadline:
                process.kill()
                process.join()
                yield _timed_out(raw, store_root, seconds)
            else:
                continue
            receiving.close()
            del running[sentinel]


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
    # From here to its publication the run holds the warehouse: another run waits here, whatever started it.
    run_lock.claim(warehouse.published, context.run_id, context.instance, context.log)
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
