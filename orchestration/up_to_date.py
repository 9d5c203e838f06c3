"""A rerun with nothing changed rebuilds nothing: the inputs of the last publication, fingerprinted.

Every input that can change a published row, a verdict or the publication itself is in the fingerprint:

- each file of raw/: its name, its bytes and its modification time (of two versions of one document
  the newer file wins, so a touch alone can change what is published);
- the code that reads and decides: the parser (budget_extraction/) and orchestration/ (store, corpus
  decisions, raw layer, gate, publication);
- the dbt project (models, macros, tests, seeds, dbt_project.yml, profiles.yml) and the Great
  Expectations suites (expectations/, with the repository's reviewed list);
- the reviewed list of inconsistencies in use (its path and its bytes, $BUDGET_REVIEWED_INCONSISTENCIES);
- the settings that change a decision: strict publication and the size and time limits of extraction;
- the versions of Python and of the tools that compute rows (duckdb, dbt, Great Expectations, polars...).

The record is written beside the warehouse after a publication and names the published file it
describes (inode, size, modification time): a file replaced since, by another run or by hand, is
rebuilt. It is used only when every document of raw/ has a reusable extraction (a document that
timed out or crashed last time is read again, so the run is not skipped).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from .documents import RawFile
from .warehouse import REPO_ROOT

# Source trees whose every file is an input (their generated folders excluded below).
CODE_TREES = ("budget_extraction", "orchestration", "dbt_project", "expectations")
GENERATED_PARTS = {"__pycache__", "target", "logs", "dbt_packages", ".pytest_cache"}
# Settings read from the environment that change what is extracted or published.
SETTINGS_ENV = (
    "BUDGET_STRICT",
    "BUDGET_MAX_TEXT_MB",
    "BUDGET_MAX_PDF_MB",
    "BUDGET_MAX_EXTRACT_SECONDS",
    "BUDGET_REVIEWED_INCONSISTENCIES",
)
TOOLS = ("duckdb", "dbt-core", "dbt-duckdb", "great_expectations", "polars", "pyarrow", "dagster", "pypdfium2")


def _digest_file(digest, path: Path) -> None:
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)


def tree_files(root: Path) -> list[Path]:
    """The files of a source tree that are inputs, in a stable order."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not GENERATED_PARTS & set(p.relative_to(root).parts) and not p.name.startswith(".")
    )


def code_fingerprint(repo_root: Path = REPO_ROOT) -> str:
    """The parser, the orchestration, the dbt project and the suites, file by file."""
    digest = hashlib.sha256()
    for tree in CODE_TREES:
        root = repo_root / tree
        for path in tree_files(root) if root.exists() else []:
            digest.update(f"{tree}/{path.relative_to(root).as_posix()}\0".encode())
            _digest_file(digest, path)
            digest.update(b"\0")
    return digest.hexdigest()


def raw_fingerprint(files: list[RawFile]) -> str:
    """Each raw file's name, bytes and modification time (refused files by name)."""
    digest = hashlib.sha256()
    for raw in files:
        digest.update(f"{raw.path.name}\0{raw.refused}\0".encode())
        if raw.path.is_file() and not raw.path.is_symlink():
            digest.update(f"{raw.path.stat().st_mtime_ns}\0".encode())
            _digest_file(digest, raw.path)
        digest.update(b"\0")
    return digest.hexdigest()


def environment_fingerprint(reviewed: Path) -> str:
    """The reviewed list in use, the settings and the tools' versions."""
    digest = hashlib.sha256()
    digest.update(f"{reviewed}\0".encode())
    if reviewed.is_file():
        _digest_file(digest, reviewed)
    for name in SETTINGS_ENV:
        digest.update(f"\0{name}={os.environ.get(name, '')}".encode())
    digest.update(f"\0python={platform.python_version()}".encode())
    for tool in TOOLS:
        try:
            version = metadata.version(tool)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{tool}={version}".encode())
    return digest.hexdigest()


def inputs_fingerprint(files: list[RawFile], reviewed: Path, repo_root: Path = REPO_ROOT) -> str:
    parts = (raw_fingerprint(files), code_fingerprint(repo_root), environment_fingerprint(reviewed))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def record_path(published: Path) -> Path:
    return published.with_name(published.stem + ".inputs.json")


def _file_identity(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


@dataclass(frozen=True)
class Publication:
    """What the last publication was built from, and how its run ended."""

    fingerprint: str
    published_at: str
    run_id: str | None
    exit_code: int


def record_publication(published: Path, fingerprint: str, run_id: str | None, exit_code: int) -> None:
    """After a publication: the fingerprint of the inputs it was built from, bound to the file now published."""
    record = {
        "fingerprint": fingerprint,
        "published_file": _file_identity(published),
        "published_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "dagster_run_id": run_id,
        "exit_code": exit_code,
    }
    path = record_path(published)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    part.replace(path)


def unchanged_publication(published: Path, fingerprint: str) -> Publication | None:
    """The last publication, when it was built from exactly these inputs and its file is still in place."""
    try:
        record = json.loads(record_path(published).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if record.get("fingerprint") != fingerprint or record.get("published_file") != _file_identity(published):
        return None
    return Publication(fingerprint, record["published_at"], record.get("dagster_run_id"), record["exit_code"])
