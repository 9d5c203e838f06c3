"""Narrative claims in a real run: a planted wrong sentence is a warning with both figures; the tables still publish."""

from pathlib import Path

import duckdb
import pytest

from tests.test_pipeline import run_job

REPO = Path(__file__).resolve().parent.parent
SEED = "004_f083e30e185bc13b.txt"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Seed 004 alone, with a wrong percentage (16.87% -> 18.87%, line 916) and a wrong total (支出预算 895.62 ->
    985.62, line 920) in its 说明; the tables are untouched."""
    root = tmp_path_factory.mktemp("narrative")
    raw = root / "raw"
    raw.mkdir()
    text = (REPO / "raw" / SEED).read_text("utf-8")
    wrong = text.replace("减少181.81万元，下降16.87%", "减少181.81万元，下降18.87%", 1)
    wrong = wrong.replace("2024年部门支出预算895.62万元", "2024年部门支出预算985.62万元", 1)
    assert wrong.count("下降18.87%") == 1 and wrong.count("支出预算985.62") == 1
    (raw / SEED).write_text(wrong, "utf-8")
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    return completed, warehouse


def test_tables_still_publish(planted):
    completed, warehouse = planted
    assert completed.returncode == 0, completed.stdout[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.fact_expenditure").fetchone()[0] > 0
        assert con.execute("select count(*) from marts.quality_findings where severity = 'error'").fetchone()[0] == 0
    finally:
        con.close()


def test_each_planted_error_is_a_warning_with_both_figures(planted):
    _, warehouse = planted
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        findings = dict(
            con.execute("""
            select subject, (severity, printed_a, printed_b, detail) from marts.quality_findings
            where "check" = 'narrative_claim_inconsistent'""").fetchall()
        )
        claims = con.execute("""
            select source_line, subject, amount_check, rate_check, share_check from marts.fact_narrative_claim
            where verdict = 'inconsistent' order by source_line, subject""").fetchall()
    finally:
        con.close()
    # The rate: 181.81 ÷ (895.62 + 181.81) = 16.87%, printed 18.87%.
    severity, printed_a, printed_b, detail = findings["claim:all_funds.income:line:916"]
    assert (severity, printed_a, printed_b) == ("warning", "18.87", "16.87")
    assert "rate 18.87% vs change ÷ prior 16.87%" in detail
    # The total: 985.62 printed in the 说明, 895.62 in the 支出总表.
    severity, printed_a, printed_b, detail = findings["claim:all_funds.expenditure:line:920"]
    assert (severity, printed_a, printed_b) == ("warning", "985.62", "895.62")
    assert "amount 985.62 万元 vs" in detail and "895.62 万元" in detail
    # ... and the shares the same sentence gives of it (210.17 ÷ 985.62 = 21.32%, printed 23.47%) no longer hold.
    assert claims == [
        (916, "all_funds.income", "consistent", "inconsistent", None),
        (920, "all_funds.basic", "consistent", None, "inconsistent"),
        (920, "all_funds.expenditure", "inconsistent", "inconsistent", None),
        (920, "all_funds.project", "consistent", None, "inconsistent"),
    ]
    assert len(findings) == 4
