"""Per-document extraction results on disk, between the raw files and the warehouse.

Each document's rows are kept as one Parquet file per raw table where it has rows
(``extracted/<table>/<document_id>.parquet``; none for an empty table) plus a status record. This is
what lets a document be re-extracted alone (its own partition), lets the
warehouse be rebuilt from thousands of documents without re-reading them,
and keeps a document's last good facts when a later version fails.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import typing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from budget_extraction import Extraction
from budget_extraction.model import RAW_TABLES

AMOUNT = pl.Decimal(20, 6)
PARSER_PACKAGE = Path(__file__).resolve().parent.parent / "budget_extraction"


def parser_version() -> str:
    """A hash of the parser's source: results extracted by other parser code are not reused."""
    global _PARSER_VERSION
    if _PARSER_VERSION is None:
        digest = hashlib.sha256()
        for path in sorted(PARSER_PACKAGE.rglob("*.py")):
            digest.update(path.relative_to(PARSER_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
        _PARSER_VERSION = digest.hexdigest()[:16]
    return _PARSER_VERSION


_PARSER_VERSION: str | None = None


def content_fingerprint(path: Path) -> str:
    """What an extraction result depends on: the file's bytes and the parser that read them."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"{digest.hexdigest()}:{parser_version()}"


STATUS_DIR = "_status"
TEXT_DIR = "_text"
KEPT_DIR = "_kept"  # the version of each document last published, same layout (see ExtractedStore.kept)


def _polars_type(annotation) -> pl.DataType:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = args[0] if args else annotation
    return {str: pl.String, int: pl.Int64, float: pl.Float64, bool: pl.Boolean, Decimal: AMOUNT}[base]


def table_schema(row_type) -> dict[str, pl.DataType]:
    hints = typing.get_type_hints(row_type)
    return {f.name: _polars_type(hints[f.name]) for f in dataclasses.fields(row_type)}


def rows_to_frame(rows: list, row_type) -> pl.DataFrame:
    schema = table_schema(row_type)
    columns = {name: [getattr(row, name) for row in rows] for name in schema}
    return pl.DataFrame(columns, schema=schema)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_link(source: Path, path: Path) -> None:
    """path becomes a second name of source's bytes: no copy, no fsync of data already written.

    Safe because a stored file is never rewritten in place (a new version is a new file renamed
    over the old name), so the kept name goes on naming the bytes that were published.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.link")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _atomic_write_parquet(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        frame.write_parquet(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ExtractedStore:
    """The folder of per-document extraction results."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def table_glob(self, table: str) -> str:
        return str(self.root / table / "*.parquet")

    def status_path(self, document_id: str) -> Path:
        return self.root / STATUS_DIR / f"{document_id}.json"

    def read_status(self, document_id: str) -> dict | None:
        path = self.status_path(document_id)
        return json.loads(path.read_text("utf-8")) if path.exists() else None

    def statuses(self) -> dict[str, dict]:
        folder = self.root / STATUS_DIR
        if not folder.exists():
            return {}
        return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}

    def _write_status(self, document_id: str, status: dict) -> None:
        _atomic_write_bytes(self.status_path(document_id), json.dumps(status, ensure_ascii=False, indent=1).encode())

    def ensure_schemas(self) -> None:
        """An empty file per table, so every raw table exists even before any document has rows."""
        for table, row_type in RAW_TABLES.items():
            path = self.root / table / "_schema.parquet"
            if not path.exists():
                _atomic_write_parquet(rows_to_frame([], row_type), path)

    def reusable_status(self, document_id: str, fingerprint: str) -> dict | None:
        """The stored result of this very content under this parser, if there is one (nothing to redo)."""
        status = self.read_status(document_id)
        if status is None or status.get("fingerprint") != fingerprint:
            return None
        if status["status"] == "ok" and not self.has_rows(document_id):
            return None
        return status

    def write_extraction(self, extraction: Extraction, fingerprint: str | None = None) -> dict:
        """Replace one document's rows; the status is written last, so a crash leaves the old status."""
        self.ensure_schemas()
        document_id = extraction.document.document_id
        counts = {}
        for table, rows in extraction.rows().items():
            path = self.root / table / f"{document_id}.parquet"
            counts[table] = len(rows)
            if rows:
                _atomic_write_parquet(rows_to_frame(rows, RAW_TABLES[table]), path)
            else:  # no file for an empty table (the table's _schema.parquet holds its columns)
                path.unlink(missing_ok=True)
        _atomic_write_bytes(self.text_path(document_id), extraction.source_text.encode("utf-8"))
        status = {
            "document_id": document_id,
            "file_name": extraction.document.file_name,
            "source_sha256": extraction.document.source_sha256,
            "text_sha256": extraction.document.text_sha256,
            "status": "ok",
            "fingerprint": fingerprint,
            "error": None,
            "error_line": None,
            "good_sha256": extraction.document.source_sha256,
            "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "row_counts": counts,
        }
        self._write_status(document_id, status)
        return status

    def write_failure(
        self,
        document_id: str,
        file_name: str,
        sha256: str | None,
        error: str,
        line: int | None,
        fingerprint: str | None = None,
    ) -> dict:
        """Record a file that could not be read; its last good rows (if any) stay in place, flagged stale."""
        previous = self.read_status(document_id) or {}
        status = {
            "document_id": document_id,
            "file_name": file_name,
            "source_sha256": sha256,
            "status": "quarantined",
            "fingerprint": fingerprint,
            "error": error,
            "error_line": line,
            "good_sha256": previous.get("good_sha256"),
            "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "row_counts": previous.get("row_counts", {}),
        }
        self._write_status(document_id, status)
        return status

    def text_path(self, document_id: str) -> Path:
        """The text the parser read for a document (source_line counts its lines)."""
        return self.root / TEXT_DIR / f"{document_id}.txt"

    def document(self, document_id: str) -> dict | None:
        """The document's identity as extracted (region, department, year, stage...), or None."""
        path = self.root / "documents" / f"{document_id}.parquet"
        if not path.exists():
            return None
        rows = pl.read_parquet(path).to_dicts()
        return rows[0] if rows else None

    def has_rows(self, document_id: str) -> bool:
        return (self.root / "documents" / f"{document_id}.parquet").exists()

    def rows_sha256(self, document_id: str) -> str | None:
        """Which version the stored rows are of (a failed read keeps the rows of the last good one)."""
        status = self.read_status(document_id) or {}
        return status.get("good_sha256") if self.has_rows(document_id) else None

    @property
    def kept(self) -> ExtractedStore:
        """The rows of each document's version last published with its own facts.

        A later version held by the gate leaves this one published (stale) in its place.
        """
        return ExtractedStore(self.root / KEPT_DIR)

    def keep_published(self, document_id: str) -> bool:
        """After a publication of this document's current rows: they become its kept version."""
        sha = self.rows_sha256(document_id)
        kept = self.kept
        if sha is None or kept.rows_sha256(document_id) == sha:
            return False
        for table in RAW_TABLES:
            source = self.root / table / f"{document_id}.parquet"
            if source.exists():
                _atomic_link(source, kept.root / table / source.name)
            else:
                (kept.root / table / source.name).unlink(missing_ok=True)
        kept._write_status(document_id, self.read_status(document_id))
        return True

    def earlier_version(self, document_id: str) -> str | None:
        """The kept version's hash when it differs from the current rows (a new version not yet published)."""
        sha = self.kept.rows_sha256(document_id)
        return sha if sha is not None and sha != self.rows_sha256(document_id) else None

    def forget(self, document_id: str) -> None:
        """Drop a document's rows and status (a file removed from raw/ on purpose)."""
        for store in (self, self.kept):
            for table in RAW_TABLES:
                (store.root / table / f"{document_id}.parquet").unlink(missing_ok=True)
            store.text_path(document_id).unlink(missing_ok=True)
            store.status_path(document_id).unlink(missing_ok=True)
