"""Break each safeguard on purpose, one at a time, and check that a test notices.

    .venv/bin/python scripts/mutations.py             # every mutation, then a table caught / not caught
    .venv/bin/python scripts/mutations.py tolerance   # only the mutations whose name contains a word

The working tree is never touched: the tracked files (and new, not yet ignored ones) are copied
to ``<tmp>/repo`` with ``.venv`` symlinked and ``<tmp>/shared`` pointing at the shared folder, so
``../shared`` resolves from the copy as from the worktree. First every selection of tests runs on
the unbroken copy (a mutation is only caught by tests that pass without it); then each break is
applied, its few tests run, and the file restored. A break is found by its text wherever the file
now lives, so moving a module does not invalidate the list; the text must occur exactly once.
Exit status 1 when any mutation is not caught.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Where a break may be applied: the product, never the tests.
PRODUCT = ("budget_extraction", "orchestration", "dbt_project", "scripts/ui.sh")
GENERATED = {"target", "logs", "__pycache__"}  # written by dbt and Python while the tests run: never mutated


@dataclass(frozen=True)
class Mutation:
    name: str
    edits: tuple[tuple[str, str], ...]  # (text as it is, text as broken)
    tests: tuple[str, ...]  # pytest arguments: files, ``-k`` expressions


MUTATIONS = [
    # The eight breaks the issue describes: publication, the swap, bad input and the corpus decisions.
    Mutation(
        "publish despite a failing gate result",
        (("    if failing:\n        raise GateNotPassed", "    if False:\n        raise GateNotPassed"),),
        ("tests/test_publish_refusal.py",),
    ),
    Mutation(
        "a failing result on disk read as passing",
        (('if not path.exists() or not json.loads(path.read_text("utf-8"))["success"]:', "if not path.exists():"),),
        ("tests/test_publish_refusal.py", "-k", "failing_gate_result"),
    ),
    Mutation(
        "publication overwrites the published file in place",
        (
            (
                "    os.replace(candidate, published)\n",
                ("    shutil.copyfile(candidate, published)\n    candidate.unlink()\n"),
            ),
        ),
        ("tests/test_safety_units.py", "-k", "reader_keeps_the_old_file"),
    ),
    Mutation(
        "the candidate's write-ahead log left out of the published file",
        (('    if candidate.with_name(candidate.name + ".wal").exists():', "    if False:"),),
        ("tests/test_safety_units.py", "-k", "write_ahead_log"),
    ),
    Mutation(
        "binary (NUL) content read as text",
        (('    if b"\\x00" in data[:65536] or b"\\x00" in data:', "    if False:"),),
        ("tests/extraction/test_source.py", "-k", "binary"),
    ),
    Mutation(
        "an unsafe file name accepted as a document id",
        (("refused = None if SAFE_ID.match(document_id) else (", "refused = None if True else ("),),
        ("tests/test_safety_units.py", "-k", "unsafe_names_are_refused"),
    ),
    Mutation(
        "a stale document's last good facts dropped",
        (('c.document_id, c.file_name, "stale", True,', 'c.document_id, c.file_name, "stale", False,'),),
        ("tests/test_safety_units.py", "-k", "every_decision_is_the_same"),
    ),
    Mutation(
        "a new candidate built while a killed run's writer still holds it",
        (("    if not wait_until_unlocked(candidate):", "    if False:"),),
        ("tests/test_safety_units.py", "-k", "leftover_writer"),
    ),
    # The breaks the brief adds.
    Mutation(
        "repair_code returns the printed code unchanged",
        (
            ('        return found, "document"', '        return printed, "document"'),
            ('        return found, "national"', '        return printed, "national"'),
        ),
        (
            "tests/extraction/test_codes.py",
            "tests/extraction/test_expenditure.py",
            "-k",
            "repair or truncated or grouped",
        ),
    ),
    Mutation(
        "rounding tolerance of the parser widened 0.02 -> 2",
        (
            (
                'def tolerance_wan(unit: str, printed: Decimal = Decimal("0.02"))',
                'def tolerance_wan(unit: str, printed: Decimal = Decimal("2"))',
            ),
        ),
        ("tests/extraction/test_numbers.py", "-k", "tolerance"),
    ),
    Mutation(
        "rounding tolerance of the gate widened 0.02 -> 2",
        (("  rounding_tolerance_printed: 0.02", "  rounding_tolerance_printed: 2"),),
        ("tests/test_dbt_models.py", "-k", "tolerance_is_in_the_printed_unit"),
    ),
    Mutation(
        "the safety net unaccounted_lines returns nothing",
        (
            (
                "    covered = {(line.source_line) for line in coverage}\n",
                "    return []\n    covered = {(line.source_line) for line in coverage}\n",
            ),
        ),
        ("tests/extraction/test_unit_expenditure.py", "-k", "planted or net"),
    ),
    Mutation(
        "元 -> 万元 conversion off by 10",
        (("    return amount.scaleb(-4)", "    return amount.scaleb(-3)"),),
        ("tests/extraction/test_numbers.py", "-k", "to_wan"),
    ),
    Mutation(
        "GB18030 decoding removed",
        (
            (
                '            return data.decode("gb18030"), "gb18030"',
                '            return data.decode("utf-8"), "gb18030"',
            ),
        ),
        ("tests/extraction/test_source.py", "-k", "gb18030"),
    ),
    Mutation(
        "a duplicate not detected",
        (("        if original is not c:", "        if False:"),),
        ("tests/test_safety_units.py", "-k", "every_decision_is_the_same"),
    ),
    Mutation(
        "a superseded revision wins over the newer file",
        (
            (
                "        newest = max(group, key=lambda c: (c.modified, c.document_id))",
                "        newest = min(group, key=lambda c: (c.modified, c.document_id))",
            ),
        ),
        ("tests/test_safety_units.py", "-k", "revision_rule"),
    ),
    Mutation(
        "the UI bound to every interface",
        (('-h "${DAGSTER_HOST:-127.0.0.1}"', '-h "${DAGSTER_HOST:-0.0.0.0}"'),),
        ("tests/test_safety_units.py", "-k", "ui_binds"),
    ),
]


def tracked_files(repo: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [name for name in listed.split("\0") if name and name != ".venv"]


def make_copy(root: Path, shared: Path) -> Path:
    """<root>/repo with the project's files, its venv linked, and <root>/shared beside it."""
    copy = root / "repo"
    for name in tracked_files(REPO):
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    (copy / ".venv").symlink_to((REPO / ".venv").resolve())
    (root / "shared").symlink_to(shared.resolve())
    return copy


def product_files(copy: Path) -> list[Path]:
    files = []
    for entry in PRODUCT:
        path = copy / entry
        files += (
            [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not GENERATED & set(p.parts)]
        )
    return files


def locate(copy: Path, text: str) -> Path:
    """The one product file that holds ``text``, exactly once."""
    hits = []
    for path in product_files(copy):
        try:
            count = path.read_text("utf-8").count(text)
        except UnicodeDecodeError:
            continue
        hits += [path] * count
    if len(hits) != 1:
        raise SystemExit(f"mutation text found {len(hits)} times (expected once): {text!r}")
    return hits[0]


def run_tests(copy: Path, arguments: tuple[str, ...]) -> subprocess.CompletedProcess:
    command = [str(copy / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *arguments]
    return subprocess.run(command, cwd=copy, capture_output=True, text=True, check=False)


def last_line(completed: subprocess.CompletedProcess) -> str:
    lines = [line for line in completed.stdout.strip().splitlines() if line.strip()]
    return lines[-1] if lines else completed.stderr.strip()[-200:]


def baseline(copy: Path, mutations: list[Mutation]) -> None:
    """Every selection passes on the unbroken copy, or nothing the mutations show means anything."""
    for arguments in dict.fromkeys(m.tests for m in mutations):
        completed = run_tests(copy, arguments)
        if completed.returncode != 0:
            raise SystemExit(
                f"baseline fails for {' '.join(arguments)}: {last_line(completed)}\n{completed.stdout[-3000:]}"
            )


def try_mutation(copy: Path, mutation: Mutation) -> tuple[str, str, float]:
    originals: dict[Path, str] = {}
    try:
        for before, after in mutation.edits:
            path = locate(copy, before)
            originals.setdefault(path, path.read_text("utf-8"))
            path.write_text(path.read_text("utf-8").replace(before, after), "utf-8")
        started = time.perf_counter()
        completed = run_tests(copy, mutation.tests)
        seconds = time.perf_counter() - started
    finally:
        for path, text in originals.items():
            path.write_text(text, "utf-8")
    # pytest: 1 = some test failed (caught); 0 = all passed; anything else = the run itself broke.
    verdict = {0: "NOT CAUGHT", 1: "caught"}.get(completed.returncode, f"error (pytest exit {completed.returncode})")
    return verdict, last_line(completed), seconds


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="run only mutations whose name contains one of these")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if not args.words or any(w in m.name for w in args.words)]
    with tempfile.TemporaryDirectory(prefix="mutations.") as tmp:
        copy = make_copy(Path(tmp), args.shared)
        baseline(copy, chosen)
        rows = []
        for mutation in chosen:
            verdict, summary, seconds = try_mutation(copy, mutation)
            rows.append((mutation.name, verdict, " ".join(mutation.tests), summary, seconds))
            print(f"{verdict:>10}  {mutation.name}  ({seconds:.0f}s)", file=sys.stderr, flush=True)
    width = max(display_width(r[0]) for r in rows)
    print(f"{pad('mutation', width)}  {'result':<10}  tests (pytest outcome)")
    for name, verdict, tests, summary, _ in rows:
        print(f"{pad(name, width)}  {verdict:<10}  {tests}  ({summary})")
    missed = [r for r in rows if r[1] != "caught"]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} mutations caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
