"""Safe publication, fast: bad bytes, corpus decisions, unsafe names, the swap and readers, locks.

Real files, real DuckDB, real processes; the slow whole-job runs are in tests/test_safety.py.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from budget_extraction import BadInputError, extract_document, read_source
from orchestration.corpus import Candidate, decide
from orchestration.documents import scan_raw_dir
from orchestration.store import ExtractedStore
from orchestration.warehouse import (
    PAUSE_ENV,
    build_raw_layer,
    candidate_path,
    gate_dir,
    publish,
    wait_until_unlocked,
    warehouse_path,
)

from . import _safety_support as inputs

REPO = Path(__file__).resolve().parent.parent


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- 3. bad input: refused by the reader with the file (and line) named -------------------------


@pytest.mark.parametrize(
    "name, data, line, words",
    [
        ("012_empty.txt", b"", None, "empty file"),
        ("012_blank.txt", b" \n\n\t\n", None, "empty file"),
        ("013_binary.txt", inputs.BINARY, 3, "binary content"),
        ("014_not_a_disclosure.txt", inputs.NOT_A_DISCLOSURE.encode(), None, "not a recognisable"),
        ("011_truncated.txt", inputs.truncated_in_table(), inputs.TRUNCATED_AT, "truncated"),
    ],
)
def test_bad_input_is_refused_naming_file_and_line(tmp_path, name, data, line, words):
    path = write(tmp_path, name, data)
    with pytest.raises(BadInputError) as raised:
        extract_document(read_source(path))
    error = raised.value
    assert error.file_name == name and error.line == line and words in error.reason
    assert str(error).startswith(f"{name}:{line}:" if line else f"{name}:")


@pytest.mark.parametrize(
    "data, encoding",
    [
        (inputs.gb18030(inputs.SEED_B), "gb18030"),
        (inputs.with_bom(inputs.SEED_B), "utf-8-sig"),
    ],
)
def test_gb18030_and_bom_copies_give_the_seed_s_rows(tmp_path, data, encoding):
    copy = read_source(write(tmp_path, f"{inputs.SEED_B}.txt", data))
    seed = read_source(inputs.SEEDS / f"{inputs.SEED_B}.txt")
    assert copy.encoding == encoding and copy.lines == seed.lines
    rows, seed_rows = extract_document(copy).rows(), extract_document(seed).rows()
    for table in ("expenditure_lines", "indicator_lines", "income_lines", "findings"):
        assert rows[table] == seed_rows[table], table


def test_document_without_a_core_table_loads_with_a_finding(tmp_path):
    extraction = extract_document(read_source(write(tmp_path, "010_missing_core.txt", inputs.missing_core_table())))
    missing = [f for f in extraction.findings if f.check == "core_table_missing"]
    assert [f.severity for f in missing] == ["warning"]
    assert "010_missing_core.txt" in missing[0].detail and "general_public_basic_economic" in missing[0].detail
    assert extraction.expenditure_lines


def test_revision_keeps_the_identity_and_changes_the_bytes(tmp_path):
    older = extract_document(read_source(inputs.SEEDS / f"{inputs.SEED_A}.txt")).document
    newer = extract_document(read_source(write(tmp_path, "rev.txt", inputs.revised()))).document
    identity = ("department_name", "region", "fiscal_year", "stage", "scope")
    assert [getattr(older, k) for k in identity] == [getattr(newer, k) for k in identity]
    assert older.source_sha256 != newer.source_sha256


# --- 3/5. corpus decisions: each reported, the same for any order --------------------------------

IDENTITY = ("某区医疗保障局", "某市某区", 2025, "budget", "entity")


def candidate(
    document_id,
    sha=None,
    status="ok",
    identity=IDENTITY,
    modified=1.0,
    present=True,
    has_rows=True,
    error=None,
    line=None,
):
    return Candidate(
        document_id,
        f"{document_id}.txt",
        status,
        sha or document_id,
        error,
        line,
        has_rows,
        identity,
        modified,
        present,
    )


CORPUS = [
    candidate("a_original", sha="same", identity=("甲", "r", 2025, "budget", "entity")),
    candidate("b_copy", sha="same", identity=("甲", "r", 2025, "budget", "entity")),
    candidate("c_v1", modified=100.0),
    candidate("d_v2", modified=200.0),
    candidate(
        "e_broken_before",
        status="quarantined",
        error="truncated",
        line=290,
        has_rows=True,
        identity=("乙", "r", 2025, "budget", "entity"),
    ),
    candidate("f_broken_new", status="quarantined", error="binary content", line=3, has_rows=False, identity=None),
    candidate("g_gone", present=False, identity=("丙", "r", 2025, "budget", "entity")),
]
EXPECTED = {
    "a_original": ("loaded", True),
    "b_copy": ("duplicate", False),
    "c_v1": ("superseded", False),
    "d_v2": ("loaded", True),
    "e_broken_before": ("stale", True),
    "f_broken_new": ("quarantined", False),
    "g_gone": ("removed", False),
}


def test_every_decision_is_the_same_for_every_input_order():
    for order in itertools.permutations(CORPUS):
        decisions = decide(list(order))
        assert [d.document_id for d in decisions] == sorted(EXPECTED)
        assert {d.document_id: (d.status, d.load) for d in decisions} == EXPECTED


def test_every_decision_but_loaded_names_its_file_and_line():
    decisions = {d.document_id: d for d in decide(CORPUS)}
    for document_id, decision in decisions.items():
        if decision.status != "loaded":
            assert f"{document_id}.txt" in decision.detail, decision
    assert decisions["e_broken_before"].detail.startswith("e_broken_before.txt:290: truncated")
    assert decisions["f_broken_new"].detail.startswith("f_broken_new.txt:3: binary content")
    assert decisions["f_broken_new"].error_line == 3
    assert "d_v2.txt" in decisions["c_v1"].detail and "a_original" in decisions["b_copy"].detail


def test_revision_rule_newest_file_wins_then_the_larger_name():
    older, newer = candidate("z_old", modified=1.0), candidate("a_new", modified=2.0)
    assert {d.document_id: d.status for d in decide([older, newer])} == {"z_old": "superseded", "a_new": "loaded"}
    tie = [candidate("x", modified=5.0), candidate("y", modified=5.0)]
    assert {d.document_id: d.status for d in decide(tie)} == {"x": "superseded", "y": "loaded"}


# --- 7. names: nothing escapes raw/, nothing reaches SQL ----------------------------------------

UNSAFE_NAMES = [
    "a'; drop table x;--.txt",
    "with space.txt",
    'quote".txt',
    "back`tick.txt",
    "-dash.txt",
    "semi;colon.txt",
    "tab\tname.txt",
    "new\nline.txt",
]


def test_unsafe_names_are_refused_and_nothing_outside_raw_is_seen(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    outside = write(tmp_path, "outside.txt", inputs.seed_bytes(inputs.SEED_B))
    # "../x.txt" is not a file name: opening it inside raw/ lands beside raw/, where the scan never looks.
    write(raw, "../x.txt", b"escaped")
    assert (tmp_path / "x.txt").exists() and not any(p.name == "x.txt" for p in raw.iterdir())
    for name in UNSAFE_NAMES:
        write(raw, name, inputs.seed_bytes(inputs.SEED_B))
    write(raw, "..txt", b"hidden")  # dot files (editor and temp files) are not documents: never read
    (raw / "link.txt").symlink_to(outside)
    (raw / "folder.txt").mkdir()
    write(raw, f"{inputs.SEED_B}.txt", inputs.seed_bytes(inputs.SEED_B))
    files = {f.path.name: f for f in scan_raw_dir(raw)}
    assert set(files) == {*UNSAFE_NAMES, "link.txt", "folder.txt", f"{inputs.SEED_B}.txt"}
    assert all(f.path.parent == raw for f in files.values())
    assert [name for name, f in files.items() if not f.refused] == [f"{inputs.SEED_B}.txt"]
    assert "link or folder" in files["link.txt"].refused and "link or folder" in files["folder.txt"].refused
    assert "not a safe document id" in files["a'; drop table x;--.txt"].refused


def test_unsafe_names_are_plain_data_in_the_raw_layer(tmp_path):
    """Decisions for hostile names go into DuckDB as parameters: the text is stored, nothing is run."""
    hostile = "a'; drop table x;--"
    decisions = decide(
        [
            Candidate(
                hostile,
                f"{hostile}.txt",
                "quarantined",
                None,
                "file name is not a safe document id",
                None,
                False,
                None,
                0.0,
                True,
            )
        ]
    )
    candidate_file = tmp_path / "wh" / "budget.candidate.duckdb"
    store = ExtractedStore(tmp_path / "wh" / "budget.extracted")
    build_raw_layer(candidate_file, store, decisions, [])
    con = duckdb.connect(str(candidate_file), read_only=True)
    try:
        assert con.execute("select document_id, file_name, status from raw.document_status").fetchall() == [
            (hostile, f"{hostile}.txt", "quarantined")
        ]
        assert len(con.execute("select * from raw.documents").fetchall()) == 0
    finally:
        con.close()


def run_ui_script(tmp_path: Path, **env: str) -> str:
    """scripts/ui.sh run for real, with set-up, Python and dagster stubbed: the dagster command it would start."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "ui.sh", tmp_path / "scripts" / "ui.sh")
    (tmp_path / "scripts" / "setup.sh").write_text("exit 0\n")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    stubs = {"python": "#!/bin/sh\nexit 0\n", "dagster": '#!/bin/sh\necho "$@"\n'}
    for name, text in stubs.items():
        (tmp_path / ".venv" / "bin" / name).write_text(text)
        (tmp_path / ".venv" / "bin" / name).chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_")}
    completed = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "ui.sh")],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return completed.stdout.strip()


def test_ui_binds_localhost_by_default(tmp_path):
    assert run_ui_script(tmp_path) == "dev -m orchestration.definitions -h 127.0.0.1 -p 3000"


def test_ui_binds_another_host_only_when_asked(tmp_path):
    assert run_ui_script(tmp_path, DAGSTER_HOST="10.0.0.5") == "dev -m orchestration.definitions -h 10.0.0.5 -p 3000"


def test_warehouse_path_comes_from_configuration_only(tmp_path, monkeypatch):
    import dagster as dg

    from orchestration.defs.resources import warehouse_resource

    configured = tmp_path / "somewhere" / "wh.duckdb"
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(configured))
    monkeypatch.chdir(tmp_path)
    assert warehouse_path() == configured
    with dg.build_resources({"warehouse": warehouse_resource()}) as built:
        resource = built.warehouse
    assert resource.published == configured
    assert resource.candidate == tmp_path / "somewhere" / "wh.candidate.duckdb"
    assert resource.store.root == tmp_path / "somewhere" / "wh.extracted"
    # dbt builds the candidate: its path reaches the profile as a dbt var, not through the environment.
    candidate = tmp_path / "somewhere" / "wh.candidate.duckdb"
    assert resource.dbt_build_args() == ["--vars", '{"warehouse_path": "' + str(candidate) + '"}']
    monkeypatch.delenv("BUDGET_WAREHOUSE")
    assert warehouse_path() == REPO / "warehouse" / "budget.duckdb"
    # That dbt too builds where BUDGET_WAREHOUSE says is shown by tests/test_dbt_models.py: it builds
    # into a temporary file named only by that variable and reads the marts back from it.


# --- 1/2. the swap: atomic, readers keep their view, nothing of the candidate is lost ------------


def make_warehouse(path: Path, label: str, rows: int = 3) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_document as select ? || '_' || i as document_id from range(?) t(i)", [label, rows]
    )
    con.execute("create table marts.fact_expenditure as select i as amount from range(?) t(i)", [rows * 1000])
    con.close()


COUNT_IN_ANOTHER_PROCESS = (
    "import duckdb, sys\n"
    "c = duckdb.connect(sys.argv[1], read_only=True)\n"
    "print(c.execute('select count(*) from marts.dim_document').fetchone()[0])"
)


def test_reader_keeps_the_old_file_until_it_reconnects(tmp_path):
    published = tmp_path / "budget.duckdb"
    make_warehouse(published, "old", 3)
    candidate = candidate_path(published)
    make_warehouse(candidate, "new", 5)
    old_bytes, checked_file = published.read_bytes(), candidate.stat().st_ino
    held = tmp_path / "held_by_a_reader.duckdb"
    os.link(published, held)  # a second name for the old file, as an open reader keeps it alive
    reader = duckdb.connect(str(published), read_only=True)
    try:
        assert reader.execute("select count(*) from marts.dim_document").fetchone()[0] == 3
        publish(candidate, published)
        assert not candidate.exists()
        # The published file is the very file the gate checked, moved; the old one is not written to.
        assert published.stat().st_ino == checked_file
        assert held.read_bytes() == old_bytes
        # Tables not read before the swap come from the old file too: the reader holds the old inode.
        assert reader.execute("select count(*) from marts.fact_expenditure").fetchone()[0] == 3000
        assert reader.execute("select min(document_id) from marts.dim_document").fetchone()[0] == "old_0"
        # Anyone opening the file now gets the new one (another process: within one process DuckDB
        # hands out the database that is still open under that path).
        other = subprocess.run(
            [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, str(published)], capture_output=True, text=True, check=True
        )
        assert other.stdout.strip() == "5"
    finally:
        reader.close()
    reader = duckdb.connect(str(published), read_only=True)
    assert reader.execute("select count(*), min(document_id) from marts.dim_document").fetchone() == (5, "new_0")
    reader.close()


def test_publish_folds_the_candidate_write_ahead_log_in(tmp_path):
    published = tmp_path / "budget.duckdb"
    make_warehouse(published, "old", 1)
    candidate = candidate_path(published)
    con = duckdb.connect(str(candidate))
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("create schema marts")
    con.execute("create table marts.dim_document as select 'in_wal_' || i as document_id from range(4) t(i)")
    con.close()
    wal = candidate.with_name(candidate.name + ".wal")
    assert wal.exists(), "set-up: the candidate's last writes are only in its WAL"
    publish(candidate, published)
    assert not wal.exists() and not published.with_name(published.name + ".wal").exists()
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from marts.dim_document").fetchone()[0] == 4
    con.close()


def test_publication_refuses_a_candidate_without_a_passing_result_for_every_suite(tmp_path):
    from orchestration.defs.assets.publish import gate_results, unpassed_suites
    from orchestration.defs.resources import WarehouseResource
    from orchestration.quality.gate import load_suites

    warehouse = WarehouseResource(warehouse=str(tmp_path / "budget.duckdb"))
    names = [s.name for s in load_suites()]
    assert unpassed_suites(gate_results(warehouse)) == names
    folder = gate_dir(warehouse.candidate)
    folder.mkdir(parents=True)
    for name in names:
        (folder / f"{name}.json").write_text(json.dumps({"suite": name, "success": True}))
    assert unpassed_suites(gate_results(warehouse)) == []
    (folder / f"{names[0]}.json").write_text(json.dumps({"suite": names[0], "success": False}))
    assert unpassed_suites(gate_results(warehouse)) == [names[0]]


HOLDER = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])
con.execute("create table if not exists t as select 1 as x")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("insert into t values (2)")
con.close()
"""


def hold(path: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_new_candidate_waits_for_a_leftover_writer_of_the_old_one(tmp_path):
    """A dbt orphaned by a killed run still writes the old candidate: the next build waits for it."""
    candidate = tmp_path / "wh" / "budget.candidate.duckdb"
    candidate.parent.mkdir()
    holder = hold(candidate, 3.0)
    try:
        build_raw_layer(candidate, ExtractedStore(tmp_path / "wh" / "budget.extracted"), [], [])
        assert holder.poll() is not None, "the candidate was rebuilt while another process still wrote it"
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(candidate), read_only=True)
    assert con.execute("select count(*) from raw.document_status").fetchone()[0] == 0
    assert con.execute("select count(*) from information_schema.tables where table_name = 't'").fetchone()[0] == 0
    con.close()


def test_a_reader_does_not_hold_up_opening_the_published_file_read_only(tmp_path):
    published = tmp_path / "budget.duckdb"
    make_warehouse(published, "old")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys, time\n"
                "c = duckdb.connect(sys.argv[1], read_only=True)\nprint('reading', flush=True)\n"
                "time.sleep(30)"
            ),
            str(published),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        # A timeout of 0 tries the lock once: True means a reader's lock did not stand in the way.
        assert wait_until_unlocked(published, timeout=0, readers_too=False)
        assert not wait_until_unlocked(published, timeout=0.5)  # but it is not free to be rebuilt
    finally:
        reader.kill()
        reader.wait()


PASS_EVERY_POINT = (
    "from orchestration.warehouse import PAUSE_POINTS, pause_point\n"
    "for point in PAUSE_POINTS:\n    pause_point(point)\n"
    "print('went through', ' '.join(PAUSE_POINTS))"
)


def test_pause_hook_does_nothing_unless_asked():
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    completed = subprocess.run(
        [sys.executable, "-c", PASS_EVERY_POINT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert completed.stdout.strip() == "went through extract gate publish"
    assert "paused" not in completed.stderr


def test_pause_hook_stops_at_the_point_asked_for():
    run = subprocess.Popen(
        [sys.executable, "-c", PASS_EVERY_POINT],
        cwd=REPO,
        env={**os.environ, PAUSE_ENV: "gate"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = next(line for line in run.stderr if "paused" in line)
        assert said.startswith(f"paused at gate (pid {run.pid})")
        assert run.poll() is None
    finally:
        run.kill()
        run.wait()
    assert run.stdout.read() == ""
