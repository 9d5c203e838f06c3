"""The warehouse file: building a candidate beside the published one, and swapping it in.

Analysts hold read-only connections to the published file while the nightly
run works, so the run never writes to it: it builds ``<name>.candidate.duckdb``
from scratch, checks it, and replaces the published file with one atomic
``rename`` only when the gate has passed. A reader keeps the file it opened
(the old inode) until it reconnects.
"""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

import duckdb

from budget_extraction.model import RAW_TABLES

from .corpus import DocumentDecision
from .store import ExtractedStore

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "budget.duckdb"
WAREHOUSE_ENV = "BUDGET_WAREHOUSE"
DEFAULT_RAW_DIR = REPO_ROOT / "raw"
RAW_DIR_ENV = "BUDGET_RAW_DIR"
REVIEWED_FILE = REPO_ROOT / "expectations" / "known_source_inconsistencies.csv"
REVIEWED_COLUMNS = ["document_id", "check", "subject", "printed_a", "printed_b", "reason"]
PAUSE_ENV = "BUDGET_PAUSE_AT"
PAUSE_POINTS = ("extract", "gate", "publish")


def pause_point(name: str) -> None:
    """Test hook, off by default: with BUDGET_PAUSE_AT=<name> the run announces ``paused at <name>``
    on stderr and sleeps there, so tests/test_safety.py can SIGKILL it at a known point.

    Points: ``extract`` (one document extracted, no candidate yet), ``gate`` (one suite's result
    recorded beside the candidate), ``publish`` (every suite passed, just before the rename).
    """
    if os.environ.get(PAUSE_ENV) == name:
        print(f"paused at {name} (pid {os.getpid()})", file=sys.stderr, flush=True)
        time.sleep(600)


def warehouse_path() -> Path:
    """The published warehouse: $BUDGET_WAREHOUSE, else warehouse/budget.duckdb in the repository."""
    configured = os.environ.get(WAREHOUSE_ENV)
    return Path(configured).expanduser().resolve() if configured else DEFAULT_WAREHOUSE


def raw_dir_path() -> Path:
    """The raw documents: $BUDGET_RAW_DIR, else raw/ in the repository."""
    configured = os.environ.get(RAW_DIR_ENV)
    return Path(configured).expanduser().resolve() if configured else DEFAULT_RAW_DIR


def candidate_path(published: Path) -> Path:
    return published.with_name(published.stem + ".candidate" + published.suffix)


def gate_dir(candidate: Path) -> Path:
    """Results of the quality gate for the candidate they were computed on."""
    return candidate.with_name(candidate.name + ".gate")


def store_root(published: Path) -> Path:
    """Per-document extraction results live beside the warehouse they feed."""
    return published.parent / (published.stem + ".extracted")


def reviewed_file() -> Path:
    """The reviewed list: expectations/known_source_inconsistencies.csv, or $BUDGET_REVIEWED_INCONSISTENCIES."""
    configured = os.environ.get("BUDGET_REVIEWED_INCONSISTENCIES")
    return Path(configured).expanduser().resolve() if configured else REVIEWED_FILE


def read_reviewed(path: Path | None = None) -> list[dict]:
    """The reviewed list of inconsistencies that are really in the source documents."""
    path = path or reviewed_file()
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    for number, row in enumerate(rows, 2):
        missing = [c for c in REVIEWED_COLUMNS if not (row.get(c) or "").strip()]
        if missing:
            raise ValueError(f"{path.name}: row {number} lacks {', '.join(missing)}")
    return rows


def wait_until_unlocked(path: Path, timeout: float = 300.0, readers_too: bool = True) -> bool:
    """Wait until no process holds DuckDB's lock on ``path``; False if one still does after ``timeout``.

    With ``readers_too=False`` only a writer's lock counts (enough for opening it read-only).

    A run killed by a signal does not take its dbt subprocess with it: that orphan keeps
    writing the old candidate (and its ``.wal``, by name) for a few seconds. The next run
    must not create its own candidate under the same names until the orphan has let go.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDWR if readers_too else os.O_RDONLY)
        except FileNotFoundError:
            return True
        try:
            fcntl.lockf(fd, (fcntl.LOCK_EX if readers_too else fcntl.LOCK_SH) | fcntl.LOCK_NB)  # freed by close
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
        finally:
            os.close(fd)
        time.sleep(0.2)


# The id a kept earlier version is loaded under, beside the new version (dbt macros/kept_versions.sql).
KEPT_VERSION_SUFFIX = "@kept"


# The raw layer is built in the run's own process: DuckDB's buffer pool (by default 80% of the machine's
# memory) is held to dbt's limit (dbt_project/profiles.yml), and the sort of 10,000 documents' rows spills
# to a temporary folder beside the candidate instead of growing the process past the run's 1 GiB.
RAW_LAYER_DUCKDB_CONFIG = {"memory_limit": "600MB"}  # insertion order kept: the tables are stored sorted


def build_raw_layer(
    candidate: Path,
    store: ExtractedStore,
    decisions: list[DocumentDecision],
    reviewed: list[dict],
    kept: list[str] = (),
) -> dict[str, int]:
    """A fresh candidate file whose ``raw`` schema holds the loaded documents' rows.

    For the documents in ``kept`` the version published before is loaded too, under
    ``<document_id>@kept``: should the gate hold the new version, that one stays published.
    """
    if not wait_until_unlocked(candidate):
        raise RuntimeError(
            f"{candidate} is still held by another process (a dbt left over from a killed run?); not building over it"
        )
    for stale in (candidate, candidate.with_name(candidate.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(gate_dir(candidate), ignore_errors=True)
    candidate.parent.mkdir(parents=True, exist_ok=True)
    store.ensure_schemas()
    loaded = sorted(d.document_id for d in decisions if d.load)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(candidate), config=RAW_LAYER_DUCKDB_CONFIG)
    try:
        con.execute("create schema raw")
        con.execute("create temp table loaded_documents (document_id varchar primary key)")
        if loaded:
            con.executemany("insert into loaded_documents values (?)", [[d] for d in loaded])
        con.execute("create temp table kept_documents (document_id varchar primary key)")
        if kept:
            con.executemany("insert into kept_documents values (?)", [[d] for d in sorted(kept)])
            store.kept.ensure_schemas()
        for table in RAW_TABLES:
            kept_rows = (
                "union all by name select * replace (document_id || ? as document_id) "
                "from read_parquet(?, union_by_name = true) "
                "where document_id in (select document_id from kept_documents) "
                if kept
                else ""
            )
            con.execute(
                f"create table raw.{table} as select * from read_parquet(?, union_by_name = true) "
                f"where document_id in (select document_id from loaded_documents) {kept_rows}order by all",
                [store.table_glob(table), *([KEPT_VERSION_SUFFIX, store.kept.table_glob(table)] if kept else [])],
            )
            counts[table] = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        con.execute(
            "create table raw.document_status (document_id varchar, file_name varchar, status varchar, "
            "loaded boolean, detail varchar, error_line integer)"
        )
        if decisions:
            con.executemany(
                "insert into raw.document_status values (?, ?, ?, ?, ?, ?)",
                [[d.document_id, d.file_name, d.status, d.load, d.detail, d.error_line] for d in decisions],
            )
        con.execute(
            'create table raw.reviewed_inconsistencies (document_id varchar, "check" varchar, subject varchar, '
            "printed_a varchar, printed_b varchar, reason varchar)"
        )
        if reviewed:
            con.executemany(
                "insert into raw.reviewed_inconsistencies values (?, ?, ?, ?, ?, ?)",
                [[r[c].strip() for c in REVIEWED_COLUMNS] for r in reviewed],
            )
        con.execute("checkpoint")
    finally:
        con.close()
    return counts


def publish(candidate: Path, published: Path) -> None:
    """Swap the checked candidate in: one rename, after the candidate is flushed to disk.

    The rename moves the ``.duckdb`` file alone, so anything still in the candidate's
    write-ahead log (which the gate's read-only connections did see) is checkpointed into
    it first; the published file is complete without a ``.wal`` beside it.
    """
    if candidate.with_name(candidate.name + ".wal").exists():
        con = duckdb.connect(str(candidate))
        try:
            con.execute("checkpoint")
        finally:
            con.close()
    with open(candidate, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(candidate, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def decision_rows(decisions: list[DocumentDecision]) -> list[dict]:
    return [asdict(d) for d in decisions]
