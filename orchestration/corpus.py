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
    status: str  # loaded | stale | quarantined | conflict | duplicate | superseded | removed
    load: bool  # its rows go into the warehouse
    detail: str | None
    error_line: int | None = None


@dataclass(frozen=True)
class Candidate:
    """What the corpus knows of one document: its extraction status and identity."""

    document_id: str
    file_name: str
    status: str  # ok | quarantined (from the extraction store) | conflict (its name, from raw/)
    source_sha256: str | None
    error: str | None
    error_line: int | None
    has_rows: bool  # rows from this or an earlier good version exist
    identity: tuple | None  # (department_name, region, fiscal_year, stage, scope) of the rows
    modified: float  # raw file modification time, used only to order revisions
    present: bool  # the raw file is in raw/ now
    text_sha256: str | None = None  # the decoded text's hash: equal for one document in two encodings
    document_part: str = "complete"  # complete | narrative | tables (a document published as two files)


# A document published as two files: its narrative part (说明, "公开表附后") and its tables part.
COMPANION_PART = {"narrative": "tables", "tables": "narrative"}


def _where(c: Candidate) -> str:
    """The file, and the line where the problem is when there is one: ``name.txt:123``."""
    return f"{c.file_name}:{c.error_line}" if c.error_line else c.file_name


def _recency(c: Candidate) -> tuple:
    return (c.modified, c.document_id)


def _edition(group: list[Candidate]) -> list[Candidate]:
    """The files of the newest version: the newest file and, when it is one part of a document
    published in two files, the newest file of the other part (its companion), never a revision."""
    newest = max(group, key=_recency)
    other = COMPANION_PART.get(newest.document_part)
    companions = [c for c in group if c.document_part == other]
    return [newest, max(companions, key=_recency)] if companions else [newest]


def _lone_part_note(c: Candidate) -> str | None:
    """One part of a two-file document loaded without the other: say what is missing."""
    other = COMPANION_PART.get(c.document_part)
    if other is None:
        return None
    return (
        f"{c.file_name} is the {c.document_part} part of a document published in two files; "
        f"no {other} part of it (same department, region, year, stage and scope) is in raw/"
    )


def decide(candidates: list[Candidate]) -> list[DocumentDecision]:
    """One decision per document, deterministic for any input order."""
    decisions: dict[str, DocumentDecision] = {}
    ordered = sorted(candidates, key=lambda c: c.document_id)
    for c in ordered:
        if c.status == "conflict":  # two files for one id: neither is loaded, both are named
            decisions[c.document_id] = DocumentDecision(c.document_id, c.file_name, "conflict", False, c.error)
        elif not c.present:
            decisions[c.document_id] = DocumentDecision(
                c.document_id,
                c.file_name,
                "removed",
                False,
                f"{c.file_name} is no longer in raw/: its facts were removed from the warehouse",
            )
        elif c.status != "ok" and c.has_rows:
            decisions[c.document_id] = DocumentDecision(
                c.document_id,
                c.file_name,
                "stale",
                True,
                f"{_where(c)}: {c.error}; keeping the facts of its last good version (stale)",
                c.error_line,
            )
        elif c.status != "ok":
            decisions[c.document_id] = DocumentDecision(
                c.document_id, c.file_name, "quarantined", False, f"{_where(c)}: {c.error}", c.error_line
            )

    loadable = [c for c in ordered if c.document_id not in decisions]
    first_by_hash: dict[str, Candidate] = {}
    for c in loadable:
        original = first_by_hash.setdefault(c.text_sha256 or c.source_sha256, c)
        if original is not c:
            same = "bytes" if c.source_sha256 == original.source_sha256 else "text (in another encoding)"
            decisions[c.document_id] = DocumentDecision(
                c.document_id,
                c.file_name,
                "duplicate",
                False,
                f"{c.file_name} has the same {same} as {original.file_name}: loaded once, as {original.document_id}",
            )

    by_identity: dict[tuple, list[Candidate]] = {}
    for c in loadable:
        if c.document_id in decisions or c.identity is None or None in c.identity[2:4]:
            continue
        by_identity.setdefault(c.identity, []).append(c)
    for group in by_identity.values():
        if len(group) < 2:
            continue
        edition = _edition(group)
        for c in group:
            if all(c is not kept for kept in edition):
                newer = next((kept for kept in edition if kept.document_part == c.document_part), edition[0])
                decisions[c.document_id] = DocumentDecision(
                    c.document_id,
                    c.file_name,
                    "superseded",
                    False,
                    f"{c.file_name} is an older version of {newer.file_name} "
                    f"(same department, year, stage and scope; newer file wins)",
                )
        if len(edition) == 2:
            for part, companion in (edition, edition[::-1]):
                decisions[part.document_id] = DocumentDecision(
                    part.document_id,
                    part.file_name,
                    "loaded",
                    True,
                    f"{part.file_name} is the {part.document_part} part of a document published in two "
                    f"files; its companion {companion.file_name} is the {companion.document_part} part",
                )

    for c in loadable:
        decisions.setdefault(
            c.document_id, DocumentDecision(c.document_id, c.file_name, "loaded", True, _lone_part_note(c))
        )
    return [decisions[c.document_id] for c in ordered]
