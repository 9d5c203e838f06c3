"""A row of one document that a gate suite would refuse holds that document, not the corpus.

The per-row rules of the Great Expectations suites are also findings of the document whose row
breaks them (dbt_project/models/intermediate/int_gate_rules.sql): the verdict holds it before the
marts are built, so the suites, run last on the published marts, pass, and the others publish.
"""

import json
import re
from pathlib import Path

import duckdb
import pytest

from budget_extraction import Extraction
from budget_extraction.model import DocumentRow, IndicatorLine
from orchestration.corpus import DocumentDecision
from orchestration.quality.gate import run_gate
from orchestration.store import ExtractedStore
from orchestration.warehouse import build_raw_layer
from tests._dbt_support import run_dbt
from tests._job_support import run_job
from tests._safety_support import SEED_A, SEED_B, SEED_D, seed_text

REPO = Path(__file__).resolve().parent.parent
DBT_PROJECT = REPO / "dbt_project"
GATE_RULES = DBT_PROJECT / "models" / "intermediate" / "int_gate_rules.sql"
SUITES = REPO / "expectations" / "suites"
# Per-row expectations that only the marts' own SQL can break, not a document's rows, listed by
# hand: a failure of one of them is a fault of the build and still blocks the publication.
MART_LOGIC = {
    "dim_document.document_id": "the key of the verdicts, unique by construction",
    "fact_expenditure.in_dim_subject": "dim_subject is built from every code the facts use",
    "fact_expenditure.in_dim_document": "the facts are joined to the verdicts",
    "fact_indicator.in_dim_document": "the facts are joined to the verdicts",
    "fact_narrative_claim.in_dim_document": "the claims are joined to the verdicts",
    "fact_narrative_claim.verdict": "computed by the mart",
    "fact_narrative_claim.inconsistency_has_both_figures": "computed by the mart",
    "fact_narrative_claim.consistent_fails_no_check": "computed by the mart",
    "fact_narrative_claim.table_named_when_checked": "computed by the mart",
    "fact_narrative_claim.inconsistent_is_a_finding": "computed by the mart",
    "fact_project.in_dim_document": "the facts are joined to the verdicts",
    "fact_income.in_dim_document": "the facts are joined to the verdicts",
    "fact_three_public.in_dim_document": "the facts are joined to the verdicts",
    "fact_unit_expenditure.in_dim_document": "the facts are joined to the verdicts",
    "fact_project.amounts_are_decimal": "the mart casts every amount",
    "fact_income.amounts_are_decimal": "the mart casts every amount",
    "fact_three_public.amounts_are_decimal": "the mart casts every amount",
    "fact_unit_expenditure.amounts_are_decimal": "the mart casts every amount",
    "fact_project.source_page": "the page join of the mart (macros/source_page.sql)",
    "fact_income.source_page": "the page join of the mart (macros/source_page.sql)",
    "fact_three_public.source_page": "the page join of the mart (macros/source_page.sql)",
    "fact_unit_expenditure.source_page": "the page join of the mart (macros/source_page.sql)",
    "fact_income.leaf_flag_where_it_applies": "is_leaf is computed by the mart",
    "fact_unit_expenditure.is_leaf": "computed by the mart",
    "fact_three_public.item_named": "the item's name is the mart's",
    # Not-null keys every staging row has by construction (the document of the rows it read).
    "fact_project.document_id": "every extracted row carries its document",
    "fact_income.document_id": "every extracted row carries its document",
    "fact_three_public.document_id": "every extracted row carries its document",
    "fact_unit_expenditure.document_id": "every extracted row carries its document",
}
# Suites of a whole mart, not of one document's rows (a subject's name is voted across documents;
# an unheld error is the corpus's fault).
CORPUS_SUITES = {"dim_subject", "quality_findings"}
# Marts the warehouse computes from the facts above (their rows are not a document's printed rows):
# a failure of their suites is a fault of the build and blocks the publication.
DERIVED_SUITES = {"coverage_report", "quality_identity_checks", "fact_prior_year_figure"}
# Seed A with every name of its place removed: its department (医疗保障局) names no region, and no
# line of it does. Its figures are the seed's, all adding up.
PLACELESS = "050_placeless"
PLACES = ("武汉市青山区", "青山区", "武汉市", "武汉")


def test_every_per_row_rule_of_a_document_suite_is_a_finding_or_mart_logic():
    mirrored = set(re.findall(r'as "([a-z_]+\.[a-z_0-9]+)"', GATE_RULES.read_text("utf-8")))
    per_row = set()
    for path in SUITES.glob("*.json"):
        suite = json.loads(path.read_text("utf-8"))
        if suite["name"] in CORPUS_SUITES | DERIVED_SUITES:
            continue
        for expectation in suite["expectations"]:
            if "column" in expectation["kwargs"] and expectation["type"] != "expect_column_values_to_be_unique":
                per_row.add(f"{suite['name']}.{expectation['kwargs']['column']}")
    assert per_row - MART_LOGIC.keys() == mirrored


def placeless() -> str:
    text = seed_text(SEED_A)
    for place in PLACES:
        text = text.replace(place, "")
    return text


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate_rules")
    raw, warehouse = root / "raw", root / "wh" / "budget.duckdb"
    raw.mkdir()
    for document_id in (SEED_B, SEED_D):
        (raw / f"{document_id}.txt").write_text(seed_text(document_id), "utf-8")
    (raw / f"{PLACELESS}.txt").write_text(placeless(), "utf-8")
    return run_job(raw, warehouse, root), warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_document_without_a_region_is_held_and_the_others_publish(run):
    completed, warehouse = run
    assert completed.returncode == 3, completed.stdout[-6000:] + completed.stderr[-3000:]
    assert query(warehouse, "select distinct document_id from marts.fact_expenditure order by 1") == [
        (SEED_B,),
        (SEED_D,),
    ]
    [(status, is_held, region, department, detail)] = query(
        warehouse,
        "select status, is_held, region, department_name, status_detail from marts.dim_document "
        f"where document_id = '{PLACELESS}'",
    )
    assert (status, is_held, region, department) == ("held", True, None, "医疗保障局")
    assert f"{PLACELESS}.txt" in detail and "gate_rule" in detail and "dim_document.region" in detail
    assert query(
        warehouse,
        f"select \"check\", severity, subject from marts.quality_findings where document_id = '{PLACELESS}' "
        "and severity = 'error'",
    ) == [("gate_rule", "error", "dim_document.region")]
    assert f"{PLACELESS}.txt" in completed.stdout and "[held]" in completed.stdout


# The misreading seen in a generated corpus (seed 000's tables printed with spaces): the 12345
# hotline in "12345 投诉办结率" read as the level-2 cell under 产出指标, which fact_indicator's suite refuses.
MISREAD_LINE = 824


def indicator(document_id: str, l2: str, name: str, line: int) -> IndicatorLine:
    return IndicatorLine(
        document_id,
        "department_target",
        "department",
        None,
        None,
        "annual",
        None,
        "产出指标",
        l2,
        name,
        None,
        "100%",
        ">=",
        100.0,
        "%",
        None,
        None,
        None,
        None,
        "表 9",
        line,
    )


def extraction(document_id: str, department: str, rows: list[IndicatorLine]) -> Extraction:
    document = DocumentRow(
        document_id, f"{document_id}.txt", "cd" * 32, "utf-8", 900, department, "武汉市测试区", 2026, "budget", "entity"
    )
    return Extraction(document=document, indicator_lines=rows)


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate_rules_dbt")
    store = ExtractedStore(root / "extracted")
    store.write_extraction(
        extraction("801_good", "测试区甲局", [indicator("801_good", "质量指标", "业务办理准确率", 823)])
    )
    store.write_extraction(
        extraction("802_misread", "测试区乙局", [indicator("802_misread", "12345", "投诉办结率", MISREAD_LINE)])
    )
    decisions = [DocumentDecision(d, f"{d}.txt", "loaded", True, None) for d in ("801_good", "802_misread")]
    warehouse = root / "budget.duckdb"
    build_raw_layer(warehouse, store, decisions, [])
    run_dbt(["build"], warehouse, root)
    return warehouse, run_gate(warehouse)


def test_an_indicator_row_the_suite_refuses_holds_its_document_and_the_gate_passes(gated):
    warehouse, results = gated
    assert [(r.suite, r.success) for r in results if not r.success] == []
    assert query(warehouse, "select document_id, is_held from marts.dim_document order by 1") == [
        ("801_good", False),
        ("802_misread", True),
    ]
    assert query(warehouse, "select document_id, indicator_name from marts.fact_indicator") == [
        ("801_good", "业务办理准确率")
    ]
    [(subject, detail)] = query(
        warehouse,
        "select subject, detail from marts.quality_findings where document_id = '802_misread' and severity = 'error'",
    )
    assert subject == f"fact_indicator.l2_matches_l1:line:{MISREAD_LINE}"
    assert detail.startswith(f"802_misread.txt, line {MISREAD_LINE}: breaks the rule fact_indicator.l2_matches_l1")
