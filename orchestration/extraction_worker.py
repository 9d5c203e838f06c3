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
# Test hook, off by default: the worker given this document_id dies at once (to test a crash mid-run).
CRASH_ENV, CRASH_EXIT_CODE = "BUDGET_CRASH_DOCUMENT", 70
# A worker is replaced after this many documents, so that what its heap grew on large ones is given back:
# memory follows a document, not the corpus. A new worker costs milliseconds, a document ~0.1 s.
DOCUMENTS_PER_WORKER = 200
# How long a worker asked to stop may take to end before it is killed (it only has to leave its loop).
RETIRE_SECONDS = 5.0


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


def stored_result(raw: RawFile, store_root: str) -> tuple[dict, list[tuple[str, str]]] | None:
    """The stored result of a file whose bytes and parser are unchanged: no worker is started for it."""
    if raw.refused or too_large(raw):
        return None
    status = ExtractedStore(store_root).reusable_status(raw.document_id, content_fingerprint(raw.path))
    if status is None:
        return None
    return {**status, "reused": True}, [("debug", f"{raw.path.name}: unchanged, extraction reused")]


class WorkerIOError(OSError):
    """The machine failed a worker (disk full, unwritable store): the run fails, no document is blamed."""


def _extract_one(raw: RawFile, store_root: str):
    """The result of one document, or a WorkerIOError when the machine (not the document) failed."""
    if os.environ.get(CRASH_ENV) == raw.document_id:
        os._exit(CRASH_EXIT_CODE)
    try:
        return extract_file(raw, store_root)
    except Exception as error:  # re-raised unless it is the machine's
        # polars reports a full disk as its own ComputeError ("... (os error 28)"): still the machine's failure
        if not isinstance(error, OSError) and "os error" not in str(error):
            raise
        return WorkerIOError(f"{raw.path.name}: {type(error).__name__}: {error}")


def _serve(store_root: str, conn) -> None:
    """A worker's life: extract each document sent to it, until told to stop (None) or the parent goes.

    An exception that escapes ends the process: the parent quarantines that one document and
    starts a new worker for the rest.
    """
    try:
        while True:
            try:
                raw = conn.recv()
            except EOFError:
                return
            if raw is None:
                return
            result = _extract_one(raw, store_root)
            if isinstance(result, tuple):  # which process read it (not stored): a worker serves many documents
                status, messages = result
                result = {**status, "worker_pid": os.getpid()}, messages
            conn.send(result)
    finally:
        conn.close()


class _Worker:
    """One long-lived extraction process and the document it is working on (if any)."""

    def __init__(self, context, store_root: str):
        self.conn, child_end = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(store_root, child_end), daemon=True)
        self.process.start()
        child_end.close()
        self.raw: RawFile | None = None
        self.deadline = 0.0
        self.done = 0

    def give(self, waiting: list[RawFile], seconds: float) -> None:
        """Hand it the next waiting document; a worker found gone while idle is killed and the document waits on."""
        raw = waiting.pop()
        try:
            self.conn.send(raw)
        except OSError:
            waiting.append(raw)
            self.kill()
            return
        self.raw, self.deadline = raw, time.monotonic() + seconds

    def receive(self):
        """The worker's result, or None when it ended without sending one."""
        try:
            return self.conn.recv() if self.conn.poll() else None
        except (EOFError, OSError):
            return None

    def retire(self) -> None:
        """Ask the worker to end after its document (it frees what it grew); kill it if it does not answer."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=RETIRE_SECONDS)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


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


def _settle(worker: _Worker, store_root: str, seconds: float, ready: list):
    """What became of the worker's document: its result, its crash, its time-out, or None (still working)."""
    if worker.conn in ready or worker.process.sentinel in ready:
        result = worker.receive()
        if isinstance(result, WorkerIOError):
            raise result
        if result is not None:
            return result
        worker.kill()
        return _died(worker.raw, store_root, worker.process.exitcode)
    if time.monotonic() >= worker.deadline:
        worker.kill()
        return _timed_out(worker.raw, store_root, seconds)
    return None


def extract_all(raws: list[RawFile], store_root: str, workers: int):
    """Yield (status, log lines) per document, extracted by a few long-lived worker processes.

    Each worker takes document after document (starting a process per document cost more than
    reading most documents). The time limit is enforced per document: a worker past it is killed,
    its document quarantined and a new worker started, so a pathological file cannot hold the run
    (and the warehouse) for hours; a worker that dies quarantines only the document it held.
    """
    seconds = limit("seconds", MAX_EXTRACT_SECONDS)
    context = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has the parser imported: starting one costs milliseconds.
    context.set_forkserver_preload(["orchestration.extraction_worker"])
    waiting = []
    for raw in reversed(raws):
        reused = stored_result(raw, store_root)
        if reused is not None:
            yield reused
        else:
            waiting.append(raw)
    pool: list[_Worker] = []
    try:
        while waiting or any(w.raw is not None for w in pool):
            pool = [w for w in pool if w.process.is_alive() or w.raw is not None]
            idle = sum(1 for w in pool if w.raw is None)
            while len(pool) < max(1, workers) and len(waiting) > idle:
                pool.append(_Worker(context, store_root))
                idle += 1
            for worker in pool:
                if worker.raw is None and waiting and worker.process.is_alive():
                    worker.give(waiting, seconds)
            busy = [w for w in pool if w.raw is not None]
            if not busy:
                continue
            next_deadline = min(w.deadline for w in busy)
            ready = wait(
                [end for w in busy for end in (w.conn, w.process.sentinel)],
                timeout=max(0.0, next_deadline - time.monotonic()),
            )
            for worker in busy:
                result = _settle(worker, store_root, seconds, ready)
                if result is None:
                    continue
                worker.raw = None
                worker.done += 1
                if worker.done >= DOCUMENTS_PER_WORKER and worker.process.is_alive():
                    worker.retire()
                elif waiting and worker.process.is_alive():  # its next document first: it works while we log
                    worker.give(waiting, seconds)
                yield result
    finally:  # on an error (or the run ending early) no worker outlives the step
        for worker in pool:
            if worker.raw is None:
                worker.retire()
            else:
                worker.kill()
