"""The raw folder as a set of documents: which files are candidates, which names are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from budget_extraction.source import SOURCE_SUFFIXES, document_id_for

# A document_id becomes a partition key, a file name and a value in SQL: letters, digits, CJK, '-', '_' and '.' only.
SAFE_ID = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_.\-]{0,127}$")


@dataclass(frozen=True)
class RawFile:
    path: Path
    document_id: str
    refused: str | None  # why the name cannot be used, None when it can
    refused_as: str = "quarantined"  # the decision for a refused name: quarantined, or conflict


def scan_raw_dir(folder: Path) -> list[RawFile]:
    """Every *.txt and *.pdf directly in raw/ (no links, no sub-folders), in name order."""
    if not folder.exists():
        return []
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.suffix.lower() not in SOURCE_SUFFIXES or path.name.startswith("."):
            continue
        if path.is_symlink() or not path.is_file():
            files.append(RawFile(path, document_id_for(path), "not a regular file inside raw/ (link or folder)"))
            continue
        document_id = document_id_for(path)
        refused = (
            None
            if SAFE_ID.fullmatch(document_id)
            else ("file name is not a safe document id (letters, digits, CJK, '-', '_', '.')")
        )
        files.append(RawFile(path, document_id, refused))
    return with_conflicts(files)


def with_conflicts(files: list[RawFile]) -> list[RawFile]:
    """Files whose ids are equal but for case (a.txt, a.TXT, A.txt) are all refused as ``conflict``, none dropped.

    Ids are compared case-insensitively: on a case-insensitive disk, or for an analyst, they are one document.
    """
    by_id: dict[str, list[RawFile]] = {}
    for raw in files:
        by_id.setdefault(raw.document_id.casefold(), []).append(raw)
    resolved = []
    for raw in files:
        group = by_id[raw.document_id.casefold()]
        if len(group) < 2:
            resolved.append(raw)
            continue
        names = ", ".join(other.path.name for other in group)
        resolved.append(
            RawFile(
                raw.path,
                raw.document_id,
                f"conflict: {names} map to one document id (compared case-insensitively); rename or remove all but one",
                "conflict",
            )
        )
    return resolved
