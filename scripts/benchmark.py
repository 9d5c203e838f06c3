"""Speed and memory of the pipeline, measured rather than asserted in tests.

    .venv/bin/python scripts/benchmark.py               # extraction of the seeds, repeated
    .venv/bin/python scripts/benchmark.py --corpus 200  # plus full runs on a generated corpus of 200 documents

The corpus comes from benchmarks/generate_corpus.py (the seeds and the real PDFs' text layers
under generated regions, years, amounts and layouts). Full runs: the first, a rerun with nothing
changed (extraction reused by content), and one with one new document added.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from budget_extraction import extract_document, read_source  # noqa: E402 (after the path set-up above)
from budget_extraction.readers.expenditure import extract_expenditure  # noqa: E402 (after the path set-up above)
from budget_extraction.readers.indicators import parse_indicators  # noqa: E402 (after the path set-up above)
from budget_extraction.tables import find_tables  # noqa: E402 (after the path set-up above)


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def bench_extraction(repeat: int) -> None:
    paths = sorted((REPO / "raw").glob("*.txt"))
    size = sum(p.stat().st_size for p in paths)
    started = time.perf_counter()
    rows = 0
    for _ in range(repeat):
        for path in paths:
            extraction = extract_document(read_source(path))
            rows += sum(len(v) for v in extraction.rows().values())
    seconds = time.perf_counter() - started
    documents = repeat * len(paths)
    print(
        f"extraction: {documents} documents ({size * repeat / 1e6:.1f} MB) in {seconds:.2f}s = "
        f"{documents / seconds:.1f} documents/s, {size * repeat / 1e6 / seconds:.2f} MB/s, "
        f"{rows} rows; peak RSS {peak_rss_mb():.0f} MB"
    )


def bench_readers(repeat: int) -> None:
    """The two heaviest readers alone over the seeds (they were once timed inside tests)."""
    paths = sorted((REPO / "raw").glob("*.txt"))
    documents = [read_source(path) for path in paths]
    tables = {document.document_id: find_tables(document) for document in documents}

    def indicators(document):
        return parse_indicators(document, tables[document.document_id])

    for name, reader in (("expenditure", extract_expenditure), ("indicators", indicators)):
        started = time.perf_counter()
        for _ in range(repeat):
            for document in documents:
                reader(document)
        seconds = time.perf_counter() - started
        print(f"{name} reader: the {len(paths)} seeds in {seconds / repeat:.3f}s per pass ({repeat} passes)")


def bench_pdf(corpus: Path) -> None:
    """PDF -> text: pages per second of the source layer over the real PDFs."""
    pdfs = sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []
    if not pdfs:
        print(f"pdf: no PDFs in {corpus}; skipped")
        return
    started = time.process_time()
    pages = sum(read_source(pdf).page_count for pdf in pdfs)
    seconds = time.process_time() - started
    print(
        f"pdf -> text: {pages} pages of {len(pdfs)} PDFs in {seconds:.2f}s CPU = {pages / seconds:.0f} pages/s per core"
    )


def _run(root: Path, label: str) -> tuple[float, float]:
    """One run of the main job on root/raw; prints and returns (seconds, peak RSS MB of the run)."""
    env = {
        **os.environ,
        "BUDGET_RAW_DIR": str(root / "raw"),
        "BUDGET_WAREHOUSE": str(root / "wh" / "budget.duckdb"),
        "DAGSTER_HOME": str(root / "home"),
        "BUDGET_REVIEWED_INCONSISTENCIES": str(root / "reviewed.csv"),
    }
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "orchestration.run"]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak_mb = int(completed.stderr.strip().splitlines()[-1]) / 1024 if completed.stderr.strip() else 0.0
    documents = next((line for line in completed.stdout.splitlines() if line.startswith("Documents loaded")), "")
    print(f"{label}: {seconds:.1f}s, exit {completed.returncode}, peak RSS {peak_mb:.0f} MB; {documents}")
    return seconds, peak_mb


def bench_floor() -> None:
    """What any run costs before it reads a document: the tools' start-up."""
    for label, command in (
        ("dbt start-up (dbt --version)", [str(Path(sys.executable).with_name("dbt")), "--version"]),
        ("Dagster definitions load", [sys.executable, "-c", "import orchestration.definitions"]),
        ("Great Expectations import", [sys.executable, "-c", "import great_expectations"]),
    ):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, capture_output=True, check=False)
        print(f"floor, {label}: {time.perf_counter() - started:.1f}s")


def bench_pipeline(count: int, seed: int) -> None:
    """The main job on a generated corpus: first run, rerun with nothing changed, one new document."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_corpus import generate

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reviewed = generate(
            root,
            count + 1,
            seed,
            REPO / "raw",
            REPO.parent / "shared" / "corpus",
            REPO / "expectations" / "known_source_inconsistencies.csv",
        )
        reviewed.rename(root / "reviewed.csv")
        newest = sorted((root / "raw").glob("*.txt"))[-1]
        held_back = root / newest.name
        newest.rename(held_back)
        size = sum(p.stat().st_size for p in (root / "raw").glob("*.txt")) / 1e6
        print(f"generated corpus: {count} documents, {size:.1f} MB of text (seed {seed})")
        _run(root, f"full run, {count} documents")
        _run(root, f"rerun, {count} documents, nothing changed")
        held_back.rename(root / "raw" / held_back.name)
        _run(root, f"one new document added to {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="extraction passes over the seeds")
    parser.add_argument("--corpus", type=int, default=0, help="documents in a generated corpus for full runs")
    parser.add_argument("--seed", type=int, default=1, help="seed number of the generated corpus")
    parser.add_argument("--pdf-corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    bench_extraction(args.repeat)
    bench_readers(args.repeat)
    bench_pdf(args.pdf_corpus)
    bench_floor()
    if args.corpus:
        bench_pipeline(args.corpus, args.seed)


if __name__ == "__main__":
    main()
