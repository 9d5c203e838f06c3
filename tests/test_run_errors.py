"""Honest errors and names: set-up errors, a full disk, file names, UTF-16 (real runs where it matters)."""

import hashlib
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from budget_extraction.source import read_source
from orchestration.documents import scan_raw_dir
from orchestration.run import rotate_run_logs
from tests._job_support import run_job
from tests._safety_support import SEED_A, SEED_B, seed_bytes, seed_text

REPO = Path(__file__).resolve().parent.parent


def run(raw: Path, warehouse: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    """The warehouse named by the flag, as a user types it (no BUDGET_WAREHOUSE)."""
    return run_job(raw, None, home, "--warehouse", str(warehouse), *args)


def test_an_impossible_warehouse_path_is_a_setup_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / f"{SEED_A}.txt").write_bytes(seed_bytes(SEED_A))
    completed = run(raw, Path("/proc/nope/x.duckdb"), tmp_path / "home")
    assert completed.returncode == 2, completed.stdout + completed.stderr
    [line] = completed.stderr.strip().splitlines()
    assert "/proc/nope" in line and "Traceback" not in completed.stderr
    assert "No such file or directory" in line


def test_an_unwritable_warehouse_folder_is_a_setup_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / f"{SEED_A}.txt").write_bytes(seed_bytes(SEED_A))
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    completed = run(raw, blocked / "wh" / "budget.duckdb", tmp_path / "home")
    assert completed.returncode == 2, completed.stdout + completed.stderr
    [line] = completed.stderr.strip().splitlines()
    assert str(blocked) in line and "Not a directory" in line


@pytest.fixture()
def small_disk(tmp_path):
    """A 4 MB tmpfs (needs the right to mount; skipped without it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=False, capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_says_so_and_leaves_the_published_file(tmp_path, small_disk):
    raw = tmp_path / "raw"
    raw.mkdir()
    for document_id in (SEED_A, SEED_B):
        (raw / f"{document_id}.txt").write_bytes(seed_bytes(document_id))
    warehouse = small_disk / "budget.duckdb"
    con = duckdb.connect(str(warehouse))  # the published file: whatever an earlier run left there
    con.execute("create table t as select 1 as x")
    con.close()
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    free = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 64 * 1024))  # leave 64 KB
    completed = run(raw, warehouse, tmp_path / "home")
    assert completed.returncode == 1, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "NOT PUBLISHED: the run failed for I/O" in completed.stdout, completed.stdout[-3000:]
    assert "No space left on device" in completed.stdout
    assert "the gate did not pass" not in completed.stdout
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


def test_file_names_differing_only_in_case_are_both_conflicts(tmp_path):
    for name in (f"{SEED_A}.txt", f"{SEED_A}.TXT", "Other.txt", "other.txt", f"{SEED_B}.txt"):
        (tmp_path / name).write_text("x", "utf-8")
    files = {f.path.name: f for f in scan_raw_dir(tmp_path)}
    assert {name for name, f in files.items() if f.refused_as == "conflict"} == {
        f"{SEED_A}.txt",
        f"{SEED_A}.TXT",
        "Other.txt",
        "other.txt",
    }
    assert files[f"{SEED_B}.txt"].refused is None
    assert "Other.txt" in files["other.txt"].refused and "other.txt" in files["other.txt"].refused


def test_a_name_ending_in_a_newline_is_not_a_safe_id(tmp_path):
    (tmp_path / "abc\n.txt").write_text("x", "utf-8")
    [raw] = scan_raw_dir(tmp_path)
    assert raw.refused and "safe document id" in raw.refused


def test_utf16_with_a_bom_is_read_as_text(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(seed_text(SEED_B).encode("utf-16"))  # little-endian, with its BOM
    document = read_source(path)
    assert document.encoding == "utf-16"
    assert "\n".join(document.lines).startswith("\n".join(read_source(REPO / "raw" / f"{SEED_B}.txt").lines)[:200])
    assert len(document.lines) == seed_text(SEED_B).count("\n") + 1


def test_run_logs_are_rotated_not_truncated(tmp_path):
    log = tmp_path / "budget.run.log"
    for number in range(3):
        rotate_run_logs(log)
        log.write_text(f"run {number}")
    assert log.read_text() == "run 2"
    assert log.with_name("budget.run.log.1").read_text() == "run 1"
    assert log.with_name("budget.run.log.2").read_text() == "run 0"
