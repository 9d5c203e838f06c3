"""Extracting documents in worker processes, each under a size and a time limit.

Plain arguments and results (no Dagster objects), so that a worker forks from a small server
process that has only the parser imported, and so that a worker past its time can be killed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from multiprocessing.connection import wait

from budget_extraction import BadInputError, extract_document, read_source

from .documents import RawFile
from .store import ExtractedStore, content_fingerprint

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
    return (
        f"file too large: {size / 1024 / 1024:.1f} MB of {kind}, over the limit of {allowed:g} MB ({LIMIT_ENV[kind]})"
    )


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
    fingerprint = content_fingerprint(raw.path)
    try:
        doc = read_source(raw.path)
    except BadInputError as error:
        status = store.write_failure(document_id, raw.path.name, None, error.reason, error.line, fingerprint)
        return status, [("warning", str(error))]
    try:
        extraction = extract_document(doc)
    except BadInputError as error:  # not a disclosure, or cut short inside a table: the file's fault
        status = store.write_failure(document_id, raw.path.name, doc.sha256, error.reason, error.line, fingerprint)
        return status, [("warning", str(error))]
    except Exception as error:  # a parser bug on one document must not stop the others
        status = store.write_failure(
            document_id, raw.path.name, doc.sha256, f"extraction failed: {type(error).__name__}: {error}", None
        )
        return status, [("error", f"{raw.path.name}: extraction failed:\n{traceback.format_exc()}")]
    status = store.write_extraction(extraction, fingerprint)
    errors = sum(1 for f in extraction.findings if f.severity == "error")
    return status, [("info", f"{raw.path.name}: {status['row_counts']} ({errors} error findings)")]


def _reused(raw: RawFile, store_root: str) -> tuple[dict, list[tuple[str, str]]] | None:
    """The stored result of a file whose bytes and parser are unchanged: no worker is started for it."""
    if raw.refused or too_large(raw):
        return None
    status = ExtractedStore(store_root).reusable_status(raw.document_id, content_fingerprint(raw.path))
    if status is None:
        return None
    return {**status, "reused": True}, [("debug", f"{raw.path.name}: unchanged, extraction reused")]


class WorkerIOError(OSError):
    """The machine failed a worker (disk full, unwritable store): the run fails, no document is blamed."""


def _extract_in_child(raw: RawFile, store_root: str, conn) -> None:
    try:
        conn.send(extract_file(raw, store_root))
    except Exception as error:  # re-raised unless it is the machine's
        # polars reports a full disk as its own ComputeError ("... (os error 28)"): still the machine's failure
        if not isinstance(error, OSError) and "os error" not in str(error):
            raise
        conn.send(WorkerIOError(f"{raw.path.name}: {type(error).__name__}: {error}"))
    finally:
        conn.close()


def _receive(receiving):
    """The worker's result, or None when it ended without sending one."""
    try:
        return receiving.recv() if receiving.poll() else None
    except EOFError:
        return None


def _timed_out(raw: RawFile, store_root: str, seconds: float) -> tuple[dict, list[tuple[str, str]]]:
    reason = (
        f"extraction took longer than {seconds:g} s ({LIMIT_ENV['seconds']}): stopped; "
        "the file is too large or a table defeats the parser"
    )
    return ExtractedStore(store_root).write_failure(raw.document_id, raw.path.name, None, reason, None), [
        ("warning", f"{raw.path.name}: {reason}")
    ]


def _died(raw: RawFile, store_root: str, exitcode) -> tuple[dict, list[tuple[str, str]]]:
    reason = f"extraction failed: its worker process ended without a result (exit code {exitcode})"
    return ExtractedStore(store_root).write_failure(raw.document_id, raw.path.name, None, reason, None), [
        ("error", f"{raw.path.name}: {reason}")
    ]


def extract_all(raws: list[RawFile], store_root: str, workers: int):
    """Yield (status, log lines) per document, each extracted in its own worker process.

    The time limit is enforced on the worker: one past it is killed and its document
    quarantined, so a pathological file cannot hold the run (and the warehouse) for hours.
    """
    seconds = limit("seconds", MAX_EXTRACT_SECONDS)
    context = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has the parser imported: starting one costs milliseconds.
    context.set_forkserver_preload(["orchestration.extraction_worker"])
    waiting = []
    for raw in reversed(raws):
        reused = _reused(raw, store_root)
        if reused is not None:
            yield reused
        else:
            waiting.append(raw)
    running: dict = {}  # process sentinel -> (process, receiving end, raw file, deadline)
    try:
        while waiting or running:
            while waiting and len(running) < max(1, workers):
                raw = waiting.pop()
                receiving, sending = context.Pipe(duplex=False)
                process = context.Process(target=_extract_in_child, args=(raw, store_root, sending), daemon=True)
                process.start()
                sending.close()
                running[process.sentinel] = (process, receiving, raw, time.monotonic() + seconds)
            next_deadline = min(deadline for *_, deadline in running.values())
            ready = wait(
                [*running, *(r for _, r, _, _ in running.values())], timeout=max(0.0, next_deadline - time.monotonic())
            )
            for sentinel, (process, receiving, raw, deadline) in list(running.items()):
                if receiving in ready or sentinel in ready:
                    result = _receive(receiving)
                    process.join()
                    if isinstance(result, WorkerIOError):
                        raise result
                    yield result if result is not None else _died(raw, store_root, process.exitcode)
                elif time.monotonic() >= deadline:
                    process.kill()
                    process.join()
                    yield _timed_out(raw, store_root, seconds)
                else:
                    continue
                receiving.close()
                del running[sentinel]
    finally:  # on an error (or the run ending early) no worker outlives the step
        for process, *_ in running.values():
            process.kill()
