"""Safe publication, end to end: the real job in a subprocess, real signals, real DuckDB readers.

Few whole runs (each ~30-60 s), shared by module-scoped fixtures:

* ``base``: the good seeds, published once (exit 0); the kill tests then SIGKILL four runs at
  known points and one more run recovers; ``evolution`` then makes one document fail (stale),
  removes another on purpose while an analyst holds a read-only connection, and finally
  restores everything from a copy of raw/ written in another order with other mtimes.
* ``bad_run``: every kind of bad input beside good documents, in one run (exit 3).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from . import _safety_support as inputs
from ._job_support import JOB, job_env, run_job

REPO = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 600  # a run that waits forever (e.g. for a pool slot a killed run held) fails the test
KILL_POINTS = ["extract", "dbt", "gate", "publish"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def explain(completed: subprocess.CompletedProcess) -> str:
    return f"exit {completed.returncode}\n{completed.stdout[-6000:]}\n{completed.stderr[-3000:]}"


def mart_checksums(path: Path) -> dict[str, tuple]:
    """Per mart: its columns and an order-independent (row count, sum of row hashes)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        result = {}
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            count, total = con.execute(
                f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from marts.{table} t"
            ).fetchone()
            result[table] = (tuple(columns), count, int(total))
        return result
    finally:
        con.close()


def query(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, or a pid that is gone, is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def kill_at(point: str, raw: Path, warehouse: Path, home: Path, log: Path) -> dict:
    """Start the job and SIGKILL it at ``point``; returns what was seen at that moment.

    extract/gate/publish: the job's own pause hook (BUDGET_PAUSE_AT) announces the point on
    stderr and waits there. dbt: no hook; the job is killed once dbt has created its first
    table in the candidate (its output, in the run log, says so) and the dbt process is alive.
    """
    extra = {} if point == "dbt" else {"BUDGET_PAUSE_AT": point}
    run_log = warehouse.parent / (warehouse.stem + ".run.log")
    run_log.unlink(missing_ok=True)
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            # --rebuild: nothing changed since the base run, and a run with nothing to do would end
            # before reaching the point to kill it at.
            [*JOB, "--rebuild"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=job_env(raw, warehouse, home, **extra),
        )
        deadline = time.monotonic() + RUN_TIMEOUT
        try:
            while True:
                assert process.poll() is None, (
                    f"the run ended (exit {process.returncode}) before {point}: {log.read_text()[-3000:]}"
                )
                assert time.monotonic() < deadline, f"{point} never reached"
                if point == "dbt":
                    dbt = (
                        [c for c in children_of(process.pid) if b"dbt" in Path(f"/proc/{c}/cmdline").read_bytes()]
                        if run_log.exists()
                        else []
                    )
                    if dbt and "OK created sql table model" in run_log.read_text(errors="replace"):
                        break
                elif f"paused at {point}" in log.read_text(errors="replace"):
                    break
                time.sleep(0.02)
            seen = {
                "children": children_of(process.pid),
                "candidate": warehouse.with_name(warehouse.stem + ".candidate.duckdb").exists(),
                "gate": sorted(p.name for p in warehouse.parent.glob("*.gate/*.json")),
            }
            os.kill(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    return seen


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("safety")
    raw = root / "raw"
    raw.mkdir()
    for document_id in inputs.GOOD_SEEDS:
        shutil.copy(inputs.SEEDS / f"{document_id}.txt", raw)
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    assert completed.returncode == 0, explain(completed)
    return {
        "root": root,
        "raw": raw,
        "warehouse": warehouse,
        "home": root / "home",
        "first": completed,
        "checksums": mart_checksums(warehouse),
    }


# --- 1. atomic publication -----------------------------------------------------------------------


def test_killed_runs_leave_the_published_file_identical_and_the_next_run_publishes(base):
    warehouse, root = base["warehouse"], base["root"]
    before = sha256(warehouse)
    inode = warehouse.stat().st_ino
    seen = {}
    for point in KILL_POINTS:
        seen[point] = kill_at(point, base["raw"], warehouse, base["home"], root / f"kill_{point}.log")
        assert sha256(warehouse) == before, f"killed at {point}: the published file changed"
        assert query(warehouse, "select count(*) from marts.dim_document") == [(len(inputs.GOOD_SEEDS),)], point
    # Each kill happened where it was meant to.
    assert not seen["extract"]["candidate"]
    assert seen["dbt"]["candidate"]
    assert seen["gate"]["gate"] and seen["publish"]["candidate"]
    assert len(seen["publish"]["gate"]) == len(list((REPO / "expectations" / "suites").glob("*.json")))
    # Leftovers of the last killed run: a fully checked candidate and its gate results.
    assert warehouse.with_name("budget.candidate.duckdb").exists()

    completed = run_job(base["raw"], warehouse, base["home"])
    assert completed.returncode == 0, explain(completed)
    assert "was killed before it finished" in completed.stdout
    assert warehouse.stat().st_ino != inode, "the next run did not publish"
    assert not warehouse.with_name("budget.candidate.duckdb").exists()
    assert not warehouse.with_name("budget.candidate.duckdb.wal").exists()
    # Same raw/, same marts: the killed runs left nothing behind that changes the result (5).
    assert mart_checksums(warehouse) == base["checksums"]
    # No process of the killed runs is still running (a dbt orphan finishes or dies on its own).
    for point in KILL_POINTS:
        assert not [pid for pid in seen[point]["children"] if alive(pid)], point


# --- 2, 4, 5: readers, stale and removed documents, idempotence and order ----------------------


def per_document(con, document_id: str) -> dict[str, tuple]:
    """What each fact mart holds for one document: (rows, order-independent hash)."""
    return {
        table: con.execute(
            f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from marts.{table} t where document_id = ?",
            [document_id],
        ).fetchone()
        for table in ("fact_expenditure", "fact_indicator", "fact_income", "fact_project", "fact_three_public")
    }


@pytest.fixture(scope="module")
def evolution(base):
    """Run 2: SEED_A now fails (cut inside a table), SEED_C removed on purpose, a reader open throughout.
    Run 3: a fresh copy of every seed, written in reverse order with shuffled mtimes."""
    raw, warehouse, home = base["raw"], base["warehouse"], base["home"]
    seen: dict = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    seen["good"] = {d: per_document(con, d) for d in inputs.GOOD_SEEDS}
    con.close()
    (raw / f"{inputs.SEED_A}.txt").write_bytes(inputs.truncated_in_table())
    (raw / f"{inputs.SEED_C}.txt").unlink()
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        seen["reader_before"] = reader.execute("select count(*) from marts.dim_document").fetchone()[0]
        started = time.monotonic()
        broken = run_job(raw, warehouse, home)
        seen["seconds"] = time.monotonic() - started
        # The same connection, after the swap: still the old file, whole and consistent.
        seen["reader_after"] = reader.execute(
            "select document_id, is_stale from marts.dim_document order by 1"
        ).fetchall()
        seen["reader_facts"] = reader.execute("select count(*) from marts.fact_expenditure").fetchone()[0]
        seen["reader_old_seed_c"] = per_document(reader, inputs.SEED_C)
    finally:
        reader.close()
    # Reconnected: the new file.
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        seen["documents"] = con.execute(
            "select document_id, status, is_stale from marts.dim_document order by 1"
        ).fetchall()
        seen["facts"] = {d: per_document(con, d) for d in inputs.GOOD_SEEDS}
        seen["status_findings"] = con.execute(
            "select document_id, severity, source_line, detail from marts.quality_findings "
            "where \"check\" = 'document_status' order by 1"
        ).fetchall()
    finally:
        con.close()
    seen["broken_checksums"] = mart_checksums(warehouse)

    shuffled = base["root"] / "raw_shuffled"
    shuffled.mkdir()
    stamps = list(range(len(inputs.GOOD_SEEDS)))
    random.Random(5).shuffle(stamps)
    for stamp, document_id in zip(stamps, reversed(inputs.GOOD_SEEDS)):
        target = shuffled / f"{document_id}.txt"
        shutil.copy(inputs.SEEDS / f"{document_id}.txt", target)
        os.utime(target, (1_700_000_000 + stamp * 3600, 1_700_000_000 + stamp * 3600))
    restored = run_job(shuffled, warehouse, home)
    return {**base, "broken": broken, "restored": restored, "seen": seen}


def test_reader_keeps_a_consistent_old_view_and_the_run_is_not_blocked(evolution):
    seen, broken = evolution["seen"], evolution["broken"]
    assert broken.returncode == 3, explain(broken)  # published; one file could not be read (stale)
    assert "Published:" in broken.stdout
    assert seen["reader_before"] == len(inputs.GOOD_SEEDS)
    assert seen["reader_after"] == [(d, False) for d in inputs.GOOD_SEEDS], "the open reader saw the new file"
    assert seen["reader_facts"] == evolution["checksums"]["fact_expenditure"][1]
    assert seen["reader_old_seed_c"] == seen["good"][inputs.SEED_C]


def test_reconnecting_reader_sees_the_new_file(evolution):
    documents = evolution["seen"]["documents"]
    assert [d for d, _, _ in documents] == [d for d in inputs.GOOD_SEEDS if d != inputs.SEED_C]


def test_failed_document_keeps_its_last_good_facts_flagged_stale(evolution):
    seen = evolution["seen"]
    assert {d: (status, stale) for d, status, stale in seen["documents"]}[inputs.SEED_A] == ("stale", True)
    assert all(not stale for d, _, stale in seen["documents"] if d != inputs.SEED_A)
    assert seen["facts"][inputs.SEED_A] == seen["good"][inputs.SEED_A]
    assert seen["facts"][inputs.SEED_A]["fact_expenditure"][0] > 0
    findings = {d: (severity, line, detail) for d, severity, line, detail in seen["status_findings"]}
    severity, line, detail = findings[inputs.SEED_A]
    assert line == inputs.TRUNCATED_AT and f"{inputs.SEED_A}.txt:{inputs.TRUNCATED_AT}: truncated" in detail
    assert "stale" in detail
    broken = evolution["broken"].stdout
    assert f"[stale] {inputs.SEED_A}.txt:{inputs.TRUNCATED_AT}: truncated" in broken


def test_removed_document_is_reported_and_its_facts_leave(evolution):
    seen = evolution["seen"]
    assert all(rows == (0, 0) for rows in seen["facts"][inputs.SEED_C].values())
    assert seen["good"][inputs.SEED_C]["fact_expenditure"][0] > 0
    severity, _, detail = {d: (s, line, t) for d, s, line, t in seen["status_findings"]}[inputs.SEED_C]
    assert f"{inputs.SEED_C}.txt is removed" in detail
    assert f"[removed] {inputs.SEED_C}.txt is no longer in raw/" in evolution["broken"].stdout


def test_a_good_version_ends_staleness_and_idempotent_whatever_the_file_order(evolution):
    restored = evolution["restored"]
    assert restored.returncode == 0, explain(restored)
    # Back to the same documents (another folder, other order and mtimes): the same marts, row for row.
    assert mart_checksums(evolution["warehouse"]) == evolution["checksums"]
    assert query(evolution["warehouse"], "select count(*) from marts.dim_document where is_stale") == [(0,)]
    # The checksum does see a change: run 2's marts differ wherever a document's rows are.
    changed = {t for t, v in evolution["seen"]["broken_checksums"].items() if v != evolution["checksums"][t]}
    assert {"dim_document", "fact_expenditure", "quality_findings"} <= changed


# --- 3, 6, 7: bad input beside good documents, in one run --------------------------------------

HOSTILE = ["a'; drop table x;--.txt", "with space.txt", 'quote".txt']
REVISED = f"{inputs.SEED_A}_rev2.txt"
COPY = f"{inputs.SEED_D}_copy.txt"
QUARANTINED = {  # file -> words its finding must hold (and the line, where there is one)
    "011_truncated.txt": (f"011_truncated.txt:{inputs.TRUNCATED_AT}: truncated", inputs.TRUNCATED_AT),
    "012_empty.txt": ("012_empty.txt: empty file", None),
    "013_binary.txt": ("013_binary.txt:3: binary content", 3),
    "014_not_a_disclosure.txt": ("014_not_a_disclosure.txt: not a recognisable", None),
    "link.txt": ("not a regular file inside raw/", None),
    **{name: ("file name is not a safe document id", None) for name in HOSTILE},
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_input")
    raw = root / "raw"
    raw.mkdir()
    files = {
        f"{inputs.SEED_A}.txt": inputs.seed_bytes(inputs.SEED_A),
        REVISED: inputs.revised(),
        f"{inputs.SEED_B}.txt": inputs.gb18030(inputs.SEED_B),
        f"{inputs.SEED_C}.txt": inputs.with_bom(inputs.SEED_C),
        f"{inputs.SEED_D}.txt": inputs.seed_bytes(inputs.SEED_D),
        COPY: inputs.seed_bytes(inputs.SEED_D),
        "010_missing_core.txt": inputs.missing_core_table(),
        "011_truncated.txt": inputs.truncated_in_table(),
        "012_empty.txt": b"",
        "013_binary.txt": inputs.BINARY,
        "014_not_a_disclosure.txt": inputs.NOT_A_DISCLOSURE.encode("utf-8"),
        **{name: inputs.seed_bytes(inputs.SEED_B) for name in HOSTILE},
    }
    for name, data in files.items():
        (raw / name).write_bytes(data)
    (root / "outside.txt").write_bytes(inputs.seed_bytes(inputs.SEED_B))
    (raw / "link.txt").symlink_to(root / "outside.txt")
    # The revision rule: of two versions of one department/year/stage/scope, the newer file wins.
    os.utime(raw / f"{inputs.SEED_A}.txt", (1_700_000_000, 1_700_000_000))
    os.utime(raw / REVISED, (1_700_086_400, 1_700_086_400))
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    return {"root": root, "raw": raw, "warehouse": warehouse, "completed": completed}


def test_bad_input_is_quarantined_and_the_rest_publishes_with_exit_3(bad_run):
    completed, warehouse = bad_run["completed"], bad_run["warehouse"]
    assert completed.returncode == 3, explain(completed)
    assert warehouse.exists()
    documents = query(warehouse, "select document_id, encoding from marts.dim_document order by 1")
    assert documents == sorted(
        [
            ("002_59fd46f20b32f4cf", "gb18030"),
            ("003_305331944a1f3ba9", "utf-8-sig"),
            ("004_f083e30e185bc13b", "utf-8"),
            ("010_missing_core", "utf-8"),
            (REVISED[:-4], "utf-8"),
        ]
    )


def test_each_bad_file_has_a_finding_naming_it(bad_run):
    findings = query(
        bad_run["warehouse"],
        "select document_id, severity, source_line, detail "
        "from marts.quality_findings where \"check\" = 'document_status'",
    )
    stdout = bad_run["completed"].stdout
    for name, (words, line) in QUARANTINED.items():
        matching = [f for f in findings if name in f[3]]
        assert [(severity, source_line) for _, severity, source_line, _ in matching] == [("quarantine", line)], name
        assert words in matching[0][3], matching
        assert f"[quarantined] {name}" in stdout, name
    by_id = {d: (severity, detail) for d, severity, _, detail in findings}
    assert by_id[COPY[:-4]][0] == "warning" and "duplicate" in by_id[COPY[:-4]][1]
    assert f"has the same bytes as {inputs.SEED_D}.txt" in by_id[COPY[:-4]][1]
    assert by_id[inputs.SEED_A][0] == "warning" and "superseded" in by_id[inputs.SEED_A][1]
    assert f"older version of {REVISED}" in by_id[inputs.SEED_A][1]
    assert f"[duplicate] {COPY}" in stdout and f"[superseded] {inputs.SEED_A}.txt" in stdout


def test_document_without_a_core_table_is_loaded_with_a_finding(bad_run):
    rows = query(
        bad_run["warehouse"],
        "select severity, detail from marts.quality_findings "
        "where document_id = '010_missing_core' and \"check\" = 'core_table_missing'",
    )
    assert rows and all(severity == "warning" and "010_missing_core.txt" in detail for severity, detail in rows)
    assert query(
        bad_run["warehouse"], "select count(*) > 0 from marts.fact_expenditure where document_id = '010_missing_core'"
    ) == [(True,)]


def test_other_encodings_load_the_same_facts_as_the_seed(bad_run, base):
    for document_id in (inputs.SEED_B, inputs.SEED_C):
        sql = (
            "select fund_scope, classification, subject_code, amount_total, source_line "
            "from marts.fact_expenditure where document_id = ? order by all"
        )
        assert query(bad_run["warehouse"], sql, [document_id]) == query(base["warehouse"], sql, [document_id])


def test_hostile_names_neither_escape_raw_nor_reach_sql(bad_run):
    root, warehouse = bad_run["root"], bad_run["warehouse"]
    status = query(
        warehouse,
        "select file_name, status, loaded from raw.document_status where file_name in (select unnest(?))",
        [HOSTILE + ["link.txt"]],
    )
    assert sorted(status) == sorted((name, "quarantined", False) for name in HOSTILE + ["link.txt"])
    tables = query(warehouse, "select table_schema, table_name from information_schema.tables")
    assert ("main", "x") not in tables and len([t for t in tables if t[0] == "marts"]) >= 8
    # Nothing was written outside the configured folders.
    assert sorted(p.name for p in root.iterdir()) == ["home", "outside.txt", "raw", "wh"]
    assert sorted(p.name for p in (root / "wh").iterdir() if not p.name.startswith("budget.")) == []


def test_summary_is_quiet_and_puts_problems_first(bad_run):
    stdout = bad_run["completed"].stdout
    problems = stdout.index("Documents not loaded as they are:")
    assert problems < stdout.index("Published:") < stdout.index("Documents loaded:") < stdout.index("Rows per mart:")
    # Quarantined files come first, before the duplicate and the superseded version.
    lines = [line.strip() for line in stdout[problems:].splitlines()[1:] if line.startswith("  [")]
    kinds = [re.match(r"\[(\w+)\]", line).group(1) for line in lines]
    assert kinds[0] == "quarantined" and kinds == sorted(kinds, key=lambda k: k != "quarantined")
    # Quiet: no dbt or Dagster event lines, just progress lines and the summary (the rest is in the run log).
    assert "OK created" not in stdout and "PASS" not in stdout and "STEP_" not in stdout
    assert len(stdout[stdout.index("=" * 72) :].splitlines()) < 80
    log = bad_run["warehouse"].with_name("budget.run.log")
    assert f"Run log (dbt and Dagster output): {log}" in stdout and "OK created" in log.read_text()
