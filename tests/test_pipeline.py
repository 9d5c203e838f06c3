"""The whole job, as the README runs it: real extraction, DuckDB, dbt, Great Expectations and Dagster."""
import hashlib
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
CONTRACT_CHECK = REPO.parent / "shared" / "tools" / "check_contract.py"
SEED_IDS = sorted(p.stem for p in (REPO / "raw").glob("*.txt"))


def run_job(raw: Path, warehouse: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BUDGET_WAREHOUSE": str(warehouse), "BUDGET_RAW_DIR": str(raw), "DAGSTER_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=1200)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    raw = root / "raw"
    shutil.copytree(REPO / "raw", raw)
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return root, raw, warehouse, completed.stdout


@pytest.fixture()
def con(published):
    connection = duckdb.connect(str(published[2]), read_only=True)
    yield connection
    connection.close()


def test_summary_reports_documents_marts_findings_and_path(published):
    _, _, warehouse, stdout = published
    assert f"Documents loaded: {len(SEED_IDS)}" in stdout
    assert "Rows per mart: dim_document 5" in stdout
    assert "Findings by severity:" in stdout
    assert f"Warehouse: {warehouse}" in stdout


def test_contract_check_holds(published):
    completed = subprocess.run([sys.executable, str(CONTRACT_CHECK), str(published[2])], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout
    assert "contract: holds" in completed.stdout


def test_every_seed_document_is_identified(con):
    rows = con.execute("select document_id, stage, scope, fiscal_year from marts.dim_document order by 1").fetchall()
    assert [r[0] for r in rows] == SEED_IDS
    assert {r[0]: r[1] for r in rows}["003_305331944a1f3ba9"] == "final"
    assert all(r[3] in (2021, 2024, 2025, 2026) for r in rows)


def test_each_document_has_the_three_core_expenditure_tables(con):
    present = con.execute("""
        select document_id, fund_scope, classification, count(*) from marts.fact_expenditure
        group by all having count(*) > 0 order by all""").fetchall()
    kinds = {(d, f, c) for d, f, c, _ in present}
    for document_id in SEED_IDS:
        assert (document_id, "all_funds", "functional") in kinds, document_id
        assert (document_id, "general_public_budget", "functional") in kinds, document_id
        assert (document_id, "general_public_budget", "economic") in kinds, document_id


def test_leaf_sums_equal_printed_totals_or_are_reported(con):
    """Sum of the published leaves against the 合计 row printed in the same table."""
    rows = con.execute("""
        with leaves as (
          select document_id, fund_scope, classification, source_table, sum(amount_total) as leaf_sum
          from marts.fact_expenditure group by all),
        totals as (
          select document_id, fund_scope, classification, source_table, amount_total as printed_total, source_unit
          from raw.expenditure_lines where row_kind = 'total' and amount_total is not null)
        select l.*, t.printed_total, t.source_unit from leaves l join totals t using (document_id, fund_scope, classification, source_table)
    """).fetchall()
    # 003's 公开06表 prints no grand 合计 cell (only 人员经费合计 / 公用经费合计): 14 tables, not 15.
    assert len(rows) >= 3 * len(SEED_IDS) - 1
    reported = {(d, c) for d, c in con.execute(
        "select document_id, \"check\" from marts.quality_findings where severity in ('warning', 'error')").fetchall()}
    for document_id, _fund_scope, _classification, table, leaf_sum, printed, unit in rows:
        tolerance = Decimal("0.02") if unit == "万元" else Decimal("0.000002")
        if abs(leaf_sum - printed) > tolerance:
            assert any(d == document_id for d, _ in reported), (document_id, table, leaf_sum, printed)


def test_facts_keep_source_line_that_points_at_the_printed_code(con, published):
    raw = published[1]
    rows = con.execute("select document_id, subject_code, printed_subject_name, source_line from marts.fact_expenditure "
                       "where fund_scope = 'general_public_budget' and classification = 'functional'").fetchall()
    assert rows
    for document_id, code, name, line in rows:
        text = (raw / f"{document_id}.txt").read_text("utf-8").split("\n")
        window = "".join(text[line - 1:line + 3]).replace(" ", "")
        # The row starts there: its code, or (where the PDF lost the code cell) its name.
        assert code[:3] in window or name[:3] in window, (document_id, code, name, line)


def test_failing_gate_leaves_published_warehouse_untouched(published, tmp_path):
    root, raw, warehouse, _ = published
    before = sha256(warehouse)
    # A document whose printed total no longer matches its rows: an unreviewed identity error.
    seed = (raw / "000_df7f9757fe457667.txt").read_text("utf-8")
    broken = seed.replace("→合计→1442.99→261.83→1181.16".replace("→", "\t"),
                          "→合计→1942.99→261.83→1181.16".replace("→", "\t"), 1)
    assert broken != seed
    bad_raw = tmp_path / "raw"
    shutil.copytree(raw, bad_raw)
    (bad_raw / "000_df7f9757fe457667.txt").write_text(broken, "utf-8")
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        completed = run_job(bad_raw, warehouse, root / "home")
        assert completed.returncode == 1, completed.stdout[-3000:]
        assert "NOT PUBLISHED" in completed.stdout
        assert reader.execute("select count(*) from marts.dim_document").fetchone()[0] == len(SEED_IDS)
    finally:
        reader.close()
    assert sha256(warehouse) == before
    after = duckdb.connect(str(warehouse), read_only=True)
    assert after.execute("select count(*) from marts.fact_expenditure").fetchone()[0] > 0
    after.close()


def readme_queries() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("### Questions analysts ask, one query each", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```sql")[1:]]


def test_readme_analyst_queries_answer(con):
    queries = readme_queries()
    assert len(queries) == 3
    satisfaction, shortfalls, projects = (con.execute(q).fetchall() for q in queries)
    expected = con.execute("select count(*) from marts.fact_indicator where indicator_l1 = '满意度指标'").fetchone()[0]
    assert expected > 0 and len(satisfaction) == expected
    assert {row[1] for row in satisfaction} >= {"武汉市青山区医疗保障局", "武汉市汉阳区医疗保障局"}
    assert {row[0] for row in shortfalls} <= {"003_305331944a1f3ba9"}  # only the final account self-evaluates
    assert projects and projects[0][3] >= projects[-1][3]
