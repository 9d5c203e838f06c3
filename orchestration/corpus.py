"""Which extracted documents make up the warehouse: one decision per document.

Decisions across documents (a duplicate under two names, a revised
document for the same department, year and stage, a file removed from
``raw/``) are made here, as a pure function, so that they are the same
whatever order the files are listed in, and each is reported.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentDecision:
    document_id: str
    file_name: str
    status: str  # loaded | stale | quarantined | duplicate | superseded | removed
    load: bool  # its rows go into the warehouse
    detail: str | None
    error_line: int | None = None


@dataclass(frozen=True)
class Candidate:
    """What the corpus knows of one document: its extraction status and identity."""

    document_id: str
    file_name: str
    status: str  # ok | quarantined (from the extraction store)
    source_sha256: str | None
    error: str | None
    error_line: int | None
    has_rows: bool  # rows from this or an earlier good version exist
    identity: tuple | None  # (department_name, region, fiscal_year, stage, scope) of the rows
    modified: float  # raw file modification time, used only to order revisions
    present: bool  # the raw file is in raw/ now
    text_sha256: str | None = None  # the decoded text's hash: equal for one document in two encodings


def _where(c: Candidate) -> str:
    """The file, and the line where the problem is when there is one: ``name.txt:123``."""
    return f"{c.file_name}:{c.error_line}" if c.error_line else c.file_name


def decide(candidates: list[Candidate]) -> list[DocumentDecision]:
    """One decision per document, deterministic for any input order."""
    decisions: dict[str, DocumentDecision] = {}
    ordered = sorted(candidates, key=lambda c: c.document_id)
    for c in ordered:
        if not c.present:
            decisions[c.document_id] = DocumentDecision(
                c.document_id, c.file_name, "removed", False,
                f"{c.file_name} is no longer in raw/: its facts were removed from the warehouse")
        elif c.status != "ok" and c.has_rows:
            decisions[c.document_id] = DocumentDecision(
                c.document_id, c.file_name, "stale", True,
                f"{_where(c)}: {c.error}; keeping the facts of its last good version (stale)", c.error_line)
        elif c.status != "ok":
            decisions[c.document_id] = DocumentDecision(
                c.document_id, c.file_name, "quarantined", False, f"{_where(c)}: {c.error}", c.error_line)

    loadable = [c for c in ordered if c.document_id not in decisions]
    first_by_hash: dict[str, Candidate] = {}
    for c in loadable:
        original = first_by_hash.setdefault(c.text_sha256 or c.source_sha256, c)
        if original is not c:
            same = "bytes" if c.source_sha256 == original.source_sha256 else "text (in another encoding)"
            decisions[c.document_id] = DocumentDecision(
                c.document_id, c.file_name, "duplicate", False,
                f"{c.file_name} has the same {same} as {original.file_name}: loaded once, as {original.document_id}")

    by_identity: dict[tuple, list[Candidate]] = {}
    for c in loadable:
        if c.document_id in decisions or c.identity is None or None in c.identity[2:4]:
            continue
        by_identity.setdefault(c.identity, []).append(c)
    for group in by_identity.values():
        if len(group) < 2:
            continue
        newest = max(group, key=lambda c: (c.modified, c.document_id))
        for c in group:
            if c is not newest:
                decisions[c.document_id] = DocumentDecision(
                    c.document_id, c.file_name, "superseded", False,
                    f"{c.file_name} is an older version of {newest.file_name} "
                    f"(same department, year, stage and scope; newer file wins)")

    for c in loadable:
        decisions.setdefault(c.document_id, DocumentDecision(c.document_id, c.file_name, "loaded", True, None))
    return [decisions[c.document_id] for c in ordered]
