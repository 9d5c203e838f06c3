"""Speed and memory of the pipeline, measured rather than asserted in tests.

    .venv/bin/python scripts/benchmark.py               # extraction of the seeds, repeated
    .venv/bin/python scripts/benchmark.py --corpus 200  # plus a full run on a corpus of 200 documents

The synthetic corpus copies the seed documents under new names, each with a
different department name (医疗保障甲甲乙丙局 ...), so every copy is extracted, loaded and checked.
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


def make_corpus(folder: Path, count: int, reviewed: Path | None = None) -> None:
    """Copies of the seeds; the reviewed inconsistencies of a seed are reviewed for its copies too."""
    seeds = sorted((REPO / "raw").glob("*.txt"))
    source = (REPO / "expectations" / "known_source_inconsistencies.csv").read_text("utf-8").splitlines()
    header = [line for line in source if line.startswith(("#", "document_id,"))]
    entries = [line for line in source if line and line not in header]
    copies = []
    for number in range(count):
        seed = seeds[number % len(seeds)]
        marker = "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in f"{number:04d}")
        text = seed.read_text("utf-8").replace("医疗保障局", f"医疗保障{marker}局")
        (folder / f"bench_{number:05d}.txt").write_text(text, "utf-8")
        copies += [f"bench_{number:05d}" + e[len(seed.stem) :] for e in entries if e.startswith(seed.stem + ",")]
    if reviewed is not None:
        reviewed.write_text("\n".join(header + copies) + "\n", "utf-8")


def bench_pipeline(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "raw").mkdir()
        make_corpus(root / "raw", count, root / "reviewed.csv")
        env = {
            **os.environ,
            "BUDGET_RAW_DIR": str(root / "raw"),
            "BUDGET_WAREHOUSE": str(root / "wh" / "budget.duckdb"),
            "DAGSTER_HOME": str(root / "home"),
            "BUDGET_REVIEWED_INCONSISTENCIES": str(root / "reviewed.csv"),
        }
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.run"], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        tail = "\n".join(
            line
            for line in completed.stdout.strip().splitlines()
            if line.startswith(("Published", "NOT PUBLISHED", "Documents loaded", "Rows per mart", "Findings"))
        )
        warehouse = root / "wh" / "budget.duckdb"
        size = warehouse.stat().st_size / 1e6 if warehouse.exists() else 0
        print(
            f"full run: {count} documents in {seconds:.1f}s ({count / seconds:.2f} documents/s), exit "
            f"{completed.returncode}, warehouse {size:.1f} MB, peak RSS of the run "
            f"{peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB\n{tail}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="extraction passes over the seeds")
    parser.add_argument("--corpus", type=int, default=0, help="documents in a synthetic corpus for a full run")
    args = parser.parse_args()
    bench_extraction(args.repeat)
    bench_readers(args.repeat)
    if args.corpus:
        bench_pipeline(args.corpus)


if __name__ == "__main__":
    main()
