"""Speed and memory of the pipeline, measured rather than asserted in tests: one table.

    .venv/bin/python scripts/benchmark.py               # extraction, PDF text, a full run on the seeds
    .venv/bin/python scripts/benchmark.py --corpus 200  # plus full runs on a generated corpus of 200 documents
    .venv/bin/python scripts/benchmark.py --corpus 1000 --larger 10000   # and one full run on 10,000

The corpus comes from benchmarks/generate_corpus.py (the seeds and the real PDFs' text layers
under generated regions, years, amounts and layouts). Full runs: on the seeds; on the corpus; a
rerun with nothing changed (extraction reused by content); one new document added. Beside each
full run, its floor, measured in the same invocation: the start-up of dbt, Great Expectations and
Dagster, and a bare DuckDB load of the rows that run loaded (see the README's Benchmark section).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from budget_extraction import extract_document, read_source  # noqa: E402 (after the path set-up above)
from budget_extraction.model import RAW_TABLES  # noqa: E402 (after the path set-up above)
from budget_extraction.readers.expenditure import extract_expenditure  # noqa: E402 (after the path set-up above)
from budget_extraction.readers.indicators import parse_indicators  # noqa: E402 (after the path set-up above)
from budget_extraction.tables import find_tables  # noqa: E402 (after the path set-up above)
from orchestration.store import ExtractedStore  # noqa: E402 (after the path set-up above)
from orchestration.warehouse import store_root  # noqa: E402 (after the path set-up above)


@dataclass
class Row:
    """One line of the table."""

    work: str
    size: str
    seconds: float
    rate: str = ""
    peak_mb: float | None = None
    floor: str = ""
    note: str = ""
    published: bool = True  # a main job run that published (exit 0, or 3 with documents held)
    tree_mb: float | None = None  # the summed memory of all the run's processes at its peak


@dataclass
class Floor:
    """What any full run costs beyond its own work: the tools' start-up (seconds, once per invocation)."""

    dbt: float
    ge: float
    dagster: float

    def beside(self, load_seconds: float) -> str:
        total = self.dbt + self.ge + self.dagster + load_seconds
        return f"{total:.1f} = {self.dbt:.1f}+{self.ge:.1f}+{self.dagster:.1f}+{load_seconds:.1f}"


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


# How often the run's processes are sampled for their summed memory: often enough to see each step
# (the shortest, a GE suite, lasts about a second), rarely enough to cost nothing measurable.
TREE_SAMPLE_SECONDS = 0.2


def tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants now (from /proc), in MB."""
    parents, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * resource.getpagesize()
        except (OSError, IndexError, ValueError):  # the process ended while we read it
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree) / 1e6


class TreeMemory(threading.Thread):
    """The peak of a running process tree's summed resident memory, sampled in the background."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(TREE_SAMPLE_SECONDS):
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))


def bench_extraction(repeat: int) -> Row:
    """The parser alone over the seeds' text, on one core (CPU time of this process)."""
    paths = sorted((REPO / "raw").glob("*.txt"))
    size = sum(p.stat().st_size for p in paths) * repeat / 1e6
    started = time.process_time()
    rows = 0
    for _ in range(repeat):
        for path in paths:
            extraction = extract_document(read_source(path))
            rows += sum(len(v) for v in extraction.rows().values())
    seconds = time.process_time() - started
    documents = repeat * len(paths)
    return Row(
        "extraction, seeds' text (1 core)",
        f"{documents} docs, {size:.1f} MB",
        seconds,
        f"{size / seconds:.2f} MB/s, {documents / seconds:.1f} docs/s",
        peak_rss_mb(),
        note=f"{rows} rows",
    )


def bench_readers(repeat: int) -> list[Row]:
    """The two heaviest readers alone over the seeds (they were once timed inside tests)."""
    paths = sorted((REPO / "raw").glob("*.txt"))
    documents = [read_source(path) for path in paths]
    tables = {document.document_id: find_tables(document) for document in documents}

    def indicators(document):
        return parse_indicators(document, tables[document.document_id])

    rows = []
    for name, reader in (("expenditure", extract_expenditure), ("indicators", indicators)):
        started = time.process_time()
        for _ in range(repeat):
            for document in documents:
                reader(document)
        seconds = time.process_time() - started
        rows.append(
            Row(
                f"{name} reader alone (1 core)",
                f"{len(paths)} docs x {repeat}",
                seconds,
                f"{seconds / repeat:.3f} s/pass",
            )
        )
    return rows


def bench_pdf(corpus: Path) -> Row | None:
    """PDF -> text: pages per second of the source layer over the real PDFs, on one core."""
    pdfs = sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []
    if not pdfs:
        print(f"pdf: no PDFs in {corpus}; skipped")
        return None
    started = time.process_time()
    pages = sum(read_source(pdf).page_count for pdf in pdfs)
    seconds = time.process_time() - started
    return Row("PDF -> text (1 core)", f"{len(pdfs)} PDFs, {pages} pages", seconds, f"{pages / seconds:.0f} pages/s")


def _timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def bench_floor() -> Floor:
    """The tools' start-up: dbt listing the project's models (it loads the project, parsing what changed
    since its last parse, and touches no data), a Great Expectations context, and the Dagster code
    location loaded."""
    dbt = str(Path(sys.executable).with_name("dbt"))
    with tempfile.TemporaryDirectory() as target:
        # As a run does: dbt re-reads only what changed since the project's last parse.
        partial_parse = REPO / "dbt_project" / "target" / "partial_parse.msgpack"
        if partial_parse.exists():
            shutil.copy(partial_parse, target)
        dbt_seconds = _timed(
            [dbt, "ls", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project", "--target-path", target, "-q"]
        )
    ge_seconds = _timed([sys.executable, "-c", "import great_expectations as gx; gx.get_context(mode='ephemeral')"])
    dagster_seconds = _timed([sys.executable, "-c", "import orchestration.definitions"])
    return Floor(dbt_seconds, ge_seconds, dagster_seconds)


# The main job's exit codes when it published: 0, or 3 with some documents held (see the README).
PUBLISHED_EXIT_CODES = (0, 3)
BARE_LOAD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
for table, pattern in zip(sys.argv[2::2], sys.argv[3::2]):
    con.execute(f"create table {table} as select * from read_parquet(?, union_by_name = true)", [pattern])
con.close()
"""


def bare_load_seconds(root: Path) -> float:
    """The same rows the run loaded, put into a fresh DuckDB file by DuckDB alone (a new process)."""
    store = ExtractedStore(store_root(root / "wh" / "budget.duckdb"))
    target = root / "bare.duckdb"
    target.unlink(missing_ok=True)
    arguments = [value for table in RAW_TABLES for value in (table, store.table_glob(table))]
    return _timed([sys.executable, "-c", BARE_LOAD, str(target), *arguments])


def run_job(root: Path, label: str, size: str, floor: Floor, reviewed: Path) -> Row:
    """One run of the main job on root/raw, as a user starts it; its wall time and peak RSS."""
    env = {
        **os.environ,
        "BUDGET_RAW_DIR": str(root / "raw"),
        "BUDGET_WAREHOUSE": str(root / "wh" / "budget.duckdb"),
        "DAGSTER_HOME": str(root / "home"),
        "BUDGET_REVIEWED_INCONSISTENCIES": str(reviewed),
    }
    env.pop("BUDGET_STRICT", None)
    (root / "home").mkdir(exist_ok=True)
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "orchestration.run"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    memory.start()
    stdout, stderr = process.communicate()
    memory.done.set()
    memory.join()
    completed = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    seconds = time.perf_counter() - started
    last = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else ""
    peak_mb = int(last) / 1024 if last.isdigit() else None
    held = sum("[held]" in line or "[stale]" in line for line in completed.stdout.splitlines())
    note = f"exit {completed.returncode}" + (f", {held} held" if held else "")
    if completed.returncode not in PUBLISHED_EXIT_CODES:
        note += ": " + (completed.stdout.strip().splitlines() or [""])[-1][:80]
    published = completed.returncode in PUBLISHED_EXIT_CODES
    print(  # progress; the table comes last
        f"{label}: {seconds:.1f}s, peak RSS {peak_mb or 0:.0f} MB (largest process), "
        f"{memory.peak_mb:.0f} MB (all processes), {note}",
        file=sys.stderr,
        flush=True,
    )
    floor_seconds = floor.beside(bare_load_seconds(root))
    return Row(label, size, seconds, "", peak_mb, floor_seconds, note, published, tree_mb=memory.peak_mb)


def bench_seeds(floor: Floor) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "raw").mkdir()
        for seed in sorted((REPO / "raw").glob("*.txt")):
            shutil.copy(seed, root / "raw" / seed.name)
        return run_job(
            root, "full run, the seeds", "5 docs", floor, REPO / "expectations" / "known_source_inconsistencies.csv"
        )


def generated_corpus(root: Path, count: int, seed: int) -> Path:
    """count generated documents in root/raw; the path of their reviewed-inconsistencies list."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_corpus import generate

    print(f"generating {count} documents ...", file=sys.stderr, flush=True)
    return generate(
        root,
        count,
        seed,
        REPO / "raw",
        REPO.parent / "shared" / "corpus",
        REPO / "expectations" / "known_source_inconsistencies.csv",
    )


def corpus_size(root: Path, count: int) -> str:
    return f"{count} docs, {sum(p.stat().st_size for p in (root / 'raw').glob('*.txt')) / 1e6:.1f} MB"


def bench_pipeline(count: int, seed: int, floor: Floor) -> list[Row]:
    """The main job on a generated corpus: first run, rerun with nothing changed, one new document."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reviewed = generated_corpus(root, count + 1, seed)
        newest = sorted((root / "raw").glob("*.txt"))[-1]
        held_back = root / newest.name
        newest.rename(held_back)
        size = corpus_size(root, count)
        rows = [
            run_job(root, f"full run, {count} generated (seed {seed})", size, floor, reviewed),
            run_job(root, "rerun, nothing changed", size, floor, reviewed),
        ]
        held_back.rename(root / "raw" / held_back.name)
        rows.append(run_job(root, f"one new document added to {count}", f"{count + 1} docs", floor, reviewed))
        return rows


def bench_larger(count: int, seed: int, floor: Floor) -> Row:
    """One full run on a larger generated corpus, for the growth with the number of documents."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reviewed = generated_corpus(root, count, seed)
        return run_job(root, f"full run, {count} generated (seed {seed})", corpus_size(root, count), floor, reviewed)


def print_growth(rows: list[Row]) -> None:
    """Seconds per document of each full run on a generated corpus: equal figures mean linear growth."""
    full = [(int(r.size.split()[0]), r) for r in rows if r.work.startswith("full run,") and "generated" in r.work]
    if len(full) < 2:
        return
    smallest, first = min(full, key=lambda pair: pair[0])
    per_document = first.seconds / smallest
    for count, row in sorted(full, key=lambda pair: pair[0]):
        print(
            f"growth: {count} documents {row.seconds:.0f} s = {row.seconds / count * 1000:.0f} ms per document "
            f"({row.seconds / count / per_document:.2f}x the per-document time at {smallest})"
        )


def print_table(rows: list[Row], floor: Floor) -> None:
    header = (
        "work",
        "size",
        "seconds",
        "rate",
        "peak RSS MB (largest process)",
        "peak RSS MB (all processes)",
        "floor s (dbt+GE+Dagster+load)",
        "note",
    )
    cells = [
        (
            r.work,
            r.size,
            f"{r.seconds:.1f}",
            r.rate,
            f"{r.peak_mb:.0f}" if r.peak_mb is not None else "",
            f"{r.tree_mb:.0f}" if r.tree_mb is not None else "",
            r.floor,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [header, *cells]) for i in range(len(header))]
    for line in [header, tuple("-" * w for w in widths), *cells]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
    print(
        f"floor: dbt start-up {floor.dbt:.1f}s, Great Expectations {floor.ge:.1f}s, Dagster {floor.dagster:.1f}s, "
        f"plus the bare DuckDB load of each run's rows; {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="extraction passes over the seeds")
    parser.add_argument("--corpus", type=int, default=0, help="documents in a generated corpus for full runs")
    parser.add_argument(
        "--larger", type=int, nargs="*", default=[], help="documents in larger generated corpora: one full run each"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed number of the generated corpus")
    parser.add_argument("--pdf-corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    rows = [bench_extraction(args.repeat), *bench_readers(args.repeat)]
    pdf = bench_pdf(args.pdf_corpus)
    rows += [pdf] if pdf else []
    floor = bench_floor()
    rows.append(bench_seeds(floor))
    if args.corpus:
        rows += bench_pipeline(args.corpus, args.seed, floor)
    rows += [bench_larger(count, args.seed, floor) for count in args.larger]
    print_table(rows, floor)
    print_growth(rows)
    if not all(row.published for row in rows):
        sys.exit("a run of the main job did not publish: see its note")


if __name__ == "__main__":
    main()
