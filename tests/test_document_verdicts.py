"""One document never holds back the others: verdicts per document, guards per file (real whole runs).

Three runs share one warehouse and one Dagster instance, in order:
  A. the seeds, an altered new document, an oversized file and a file whose extraction is too slow;
  B. a new version of a published seed, altered the same way;
  C. the same state with --strict.
"""

import hashlib
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests._job_support import run_job
from tests._safety_support import SEED_A, SEED_B, seed_text

REPO = Path(__file__).resolve().parent.parent
SEED_IDS = sorted(p.stem for p in (REPO / "raw").glob("*.txt"))
# Seed A prints 21013 医疗救助 900.00 on line 228 and its one child 2101301 城乡医疗救助 900.00 on
# line 229 (表 3, 支出总表). The altered copy prints the child as 912.34: the parent no longer adds up.
PARENT_LINE, CHILD_LINE = 228, 229
PRINTED, WRONG = "900.00\t0.00\t900.00", "912.34\t0.00\t912.34"
ALTERED = "010_altered"
OVERSIZED = "020_oversized"
SLOW = "030_slow"
CONFLICT = "040_conflict"
# Every seed is under 0.12 MB; the oversized file is 0.3 MB.
TEXT_LIMIT_MB = "0.2"
SLOW_LIMIT_SECONDS = "90"


def altered(text: str) -> str:
    lines = text.split("\n")
    assert lines[CHILD_LINE - 1].startswith("2101301\t城乡医疗救助\t" + PRINTED)
    lines[CHILD_LINE - 1] = lines[CHILD_LINE - 1].replace(PRINTED, WRONG)
    return "\n".join(lines)


def run(raw: Path, warehouse: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    return run_job(
        raw,
        warehouse,
        home,
        *args,
        BUDGET_MAX_TEXT_MB=TEXT_LIMIT_MB,
        BUDGET_MAX_EXTRACT_SECONDS=SLOW_LIMIT_SECONDS,
        BUDGET_SLOW_DOCUMENT=SLOW,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("verdicts")
    raw, warehouse, home = root / "raw", root / "wh" / "budget.duckdb", root / "home"
    raw.mkdir()
    for document_id in SEED_IDS:
        (raw / f"{document_id}.txt").write_text(seed_text(document_id), "utf-8")
    # Another department (renamed), so it is neither a duplicate nor a revision of seed A.
    (raw / f"{ALTERED}.txt").write_text(
        altered(seed_text(SEED_A)).replace("青山区医疗保障局", "青山区医疗保障试点局"), "utf-8"
    )
    (raw / f"{OVERSIZED}.txt").write_text(seed_text(SEED_B) + "\n说明" * 150_000, "utf-8")
    (raw / f"{SLOW}.txt").write_text(seed_text(SEED_B).replace("医疗保障局", "慢速测试局"), "utf-8")
    for suffix in (".txt", ".TXT"):  # one document id for two files
        (raw / f"{CONFLICT}{suffix}").write_text(seed_text(SEED_B).replace("医疗保障局", "重名测试局"), "utf-8")
    first = run(raw, warehouse, home)
    snapshot_a = {
        "facts": query(warehouse, "select document_id, count(*) from marts.fact_expenditure group by 1 order by 1"),
        "documents": query(
            warehouse, "select document_id, status, is_stale, is_held, status_detail from marts.dim_document order by 1"
        ),
        "wrong": query(warehouse, "select count(*) from marts.fact_expenditure where amount_total = 912.34"),
        "findings": query(
            warehouse,
            'select document_id, "check", severity, source_line from marts.quality_findings '
            "where document_id = '010_altered' order by all",
        ),
        "status": query(warehouse, "select document_id, status, detail from raw.document_status order by 1"),
    }
    (raw / f"{SLOW}.txt").unlink()  # it would cost the time limit again
    (raw / f"{SEED_A}.txt").write_text(altered(seed_text(SEED_A)), "utf-8")
    second = run(raw, warehouse, home)
    published_b = sha256(warehouse)
    strict = run(raw, warehouse, home, "--strict")
    return {
        "first": first,
        "a": snapshot_a,
        "second": second,
        "warehouse": warehouse,
        "published_b": published_b,
        "strict": strict,
    }


def _out(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout[-6000:] + completed.stderr[-3000:]


def test_altered_document_is_held_and_the_seeds_publish(runs):
    first, a = runs["first"], runs["a"]
    assert first.returncode == 3, _out(first)
    assert [d for d, _ in a["facts"]] == SEED_IDS
    assert a["wrong"] == [(0,)]
    documents = {row[0]: row[1:] for row in a["documents"]}
    assert all(documents[d][:3] == ("loaded", False, False) for d in SEED_IDS)
    status, is_stale, is_held, detail = documents[ALTERED]
    assert (status, is_stale, is_held) == ("held", False, True)
    assert f"{ALTERED}.txt:" in detail and "none of its facts are published" in detail
    assert (ALTERED, "parent_vs_children", "error", PARENT_LINE) in a["findings"]
    assert "[held]" in first.stdout and f"{ALTERED}.txt:" in first.stdout


def test_oversized_and_slow_files_are_quarantined_with_their_reason(runs):
    status = {d: (s, detail) for d, s, detail in runs["a"]["status"]}
    assert status[OVERSIZED][0] == "quarantined" and "file too large" in status[OVERSIZED][1]
    assert "BUDGET_MAX_TEXT_MB" in status[OVERSIZED][1]
    assert status[SLOW][0] == "quarantined" and f"longer than {SLOW_LIMIT_SECONDS} s" in status[SLOW][1]


def test_two_files_for_one_document_id_are_both_named_in_conflict(runs):
    status = {d: (s, detail) for d, s, detail in runs["a"]["status"]}
    kind, detail = status[CONFLICT]
    assert kind == "conflict"
    assert f"{CONFLICT}.TXT" in detail and f"{CONFLICT}.txt" in detail
    assert CONFLICT not in [d for d, _ in runs["a"]["facts"]]


def test_a_held_new_version_keeps_the_published_one_stale(runs):
    second, warehouse = runs["second"], runs["warehouse"]
    assert second.returncode == 3, _out(second)
    [(status, is_stale, is_held, detail)] = query(
        warehouse,
        f"select status, is_stale, is_held, status_detail from marts.dim_document where document_id = '{SEED_A}'",
    )
    assert (status, is_stale, is_held) == ("stale", True, True)
    assert f"{SEED_A}.txt:" in detail and "kept (stale)" in detail
    # The figure printed by the version published before, not the altered one.
    assert query(
        warehouse,
        f"select distinct amount_total from marts.fact_expenditure "
        f"where document_id = '{SEED_A}' and subject_code = '2101301'",
    ) == [(900,)]
    assert query(warehouse, "select count(*) from marts.fact_expenditure where amount_total = 912.34") == [(0,)]
    assert query(
        warehouse,
        f"select count(*) from marts.quality_findings where document_id = '{SEED_A}' "
        f"and severity = 'error' and source_line = {PARENT_LINE}",
    ) != [(0,)]
    assert "[stale] held" in second.stdout


def test_strict_publishes_nothing(runs):
    strict = runs["strict"]
    assert strict.returncode == 1, _out(strict)
    assert sha256(runs["warehouse"]) == runs["published_b"]
    assert "strict" in strict.stdout
