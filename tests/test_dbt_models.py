"""The dbt project on a hand-written raw layer: real DuckDB file, real `dbt build`, asserted on the marts.

The raw rows are written through the same path as the pipeline (ExtractedStore ->
corpus decisions -> warehouse.build_raw_layer), with planted inconsistencies:

* 支出总表 (万元): 21013 prints 100.50 but its children 2101301 + 2101302 sum to 100.00
  -> parent_vs_children error (and a warning once listed in the reviewed list);
* 一般公共预算支出表 (万元): 210 prints 160.01, its children sum to 160.00 -> rounding, no finding;
* 政府性基金预算支出表 (元): the 合计 prints 0.03 元 more than its only leaf -> error (0.02 元 tolerance);
* 2101302 printed twice in the 支出总表 -> one fact row, a duplicate_subject_row finding;
* a quarantined document -> a 'quarantine' finding and no dim_document row;
* the hand-written document itself has unreviewed errors: it is held (in dim_document, no facts).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from budget_extraction import Extraction
from budget_extraction.model import (
    ClassTotalLine,
    DocumentRow,
    ExpenditureLine,
    PageRow,
    ThreePublicLine,
)
from orchestration.corpus import DocumentDecision
from orchestration.store import ExtractedStore
from orchestration.warehouse import build_raw_layer
from tests._dbt_support import run_dbt

REPO = Path(__file__).resolve().parent.parent
DBT_PROJECT = REPO / "dbt_project"
CONTRACT_CHECK = REPO.parent / "shared" / "tools" / "check_contract.py"
DOC = "900_handwritten_budget"
QUARANTINED = "901_unreadable"

PARENT_SUBJECT = "expenditure_summary:21013:amount_total"
REVIEWED = {
    "document_id": DOC,
    "check": "parent_vs_children",
    "subject": PARENT_SUBJECT,
    "printed_a": "100.50",
    "printed_b": "100.00",
    "reason": "verified on page 7 of the PDF: 21013 is printed as 100.50",
}


def _line(
    table_kind,
    fund_scope,
    classification,
    label,
    unit,
    line,
    code,
    name,
    total,
    basic=None,
    project=None,
    personnel=None,
    public=None,
):
    def amount(value):
        return None if value is None else Decimal(value)

    return ExpenditureLine(
        document_id=DOC,
        table_kind=table_kind,
        fund_scope=fund_scope,
        classification=classification,
        row_kind="subject" if code else "total",
        printed_code=code,
        subject_code=code,
        subject_name=name,
        amount_total=amount(total),
        amount_basic=amount(basic),
        amount_project=amount(project),
        amount_personnel=amount(personnel),
        amount_public=amount(public),
        source_unit=unit,
        source_table=label,
        source_line=line,
    )


def handwritten_extraction() -> Extraction:
    document = DocumentRow(
        DOC, f"{DOC}.txt", "ab" * 32, "utf-8", 400, "测试区医疗保障局", "武汉市测试区", 2026, "budget", "entity"
    )
    summary = ("expenditure_summary", "all_funds", "functional", "表 3", "万元")
    general = ("general_public_functional", "general_public_budget", "functional", "表 5", "万元")
    fund = ("government_fund", "government_fund", "functional", "表 8", "元")
    lines = [
        # 支出总表: 合计 = 基本 + 项目 everywhere; 21013 planted 0.50 above its children.
        _line(*summary, 101, None, None, "160.50", "60.00", "100.50"),
        _line(*summary, 102, "210", "卫生 健康支出", "160.50", "60.00", "100.50"),
        _line(*summary, 103, "21013", "医疗救助", "100.50", "0.00", "100.50"),
        _line(*summary, 104, "2101301", "城乡医疗救助", "70.00", "0.00", "70.00"),
        _line(*summary, 105, "2101302", "疾病应急\n救助", "30.00", "0.00", "30.00"),
        _line(*summary, 106, "2101302", "疾病应急救助", "30.00", "0.00", "30.00"),  # printed twice
        _line(*summary, 107, "21015", "医疗保障管理事务", "60.00", "60.00", "0.00"),
        # 一般公共预算支出表: 210 printed 0.01 above its children (rounding).
        _line(*general, 201, None, None, "160.00", "60.00", None, "50.00", "10.00"),
        _line(*general, 202, "210", "卫生健康支出", "160.01", "60.00", "100.01", "50.00", "10.00"),
        _line(*general, 203, "21013", "医疗救助", "100.00", "0.00", "100.00", "0.00", "0.00"),
        _line(*general, 204, "21015", "医疗保障管理事务", "60.00", "60.00", "0.00", "50.00", "10.00"),
        # 政府性基金预算支出表 in 元: 合计 1000.03 元 vs leaf 1000.00 元 (0.03 元 > 0.02 元).
        _line(*fund, 301, None, None, "0.100003"),
        _line(*fund, 302, "2296002", "用于社会福利的彩票公益金支出", "0.100000"),
    ]
    class_totals = [
        ClassTotalLine(DOC, "income_expenditure_summary", "210", "卫生健康支出", Decimal("160.50"), "万元", "表 1", 20),
    ]
    three_public = [
        ThreePublicLine(DOC, item, Decimal(value), "万元", "表 7", 60)
        for item, value in [
            ("total", "3.00"),
            ("outbound", "0.00"),
            ("vehicle", "2.00"),
            ("vehicle_purchase", "0.00"),
            ("vehicle_operation", "2.00"),
            ("reception", "1.00"),
        ]
    ]
    return Extraction(
        document=document, expenditure_lines=lines, class_total_lines=class_totals, three_public_lines=three_public
    )


# The corpus decision's note on a document loaded as one part of a document published in two files.
COMPANION_NOTE = (
    f"{DOC}.txt is the tables part of a document published in two files; its companion x_text.txt is the narrative part"
)


def as_pdf(extraction: Extraction, page_lines: list[tuple[int, int]]) -> Extraction:
    """The same rows read from a PDF whose pages hold the given (first, last) line ranges."""
    pages = [PageRow(DOC, page, first, last, True) for page, (first, last) in enumerate(page_lines, 1)]
    document = replace(extraction.document, source_format="pdf", page_count=len(pages))
    return replace(extraction, document=document, pages=pages)


def clean_extraction() -> Extraction:
    """The hand-written document without its planted errors: every identity holds (as an earlier version)."""
    extraction = handwritten_extraction()
    fixed = {
        101: ("160.00", "60.00", "100.00"),  # 支出总表 合计
        102: ("160.00", "60.00", "100.00"),  # 210
        103: ("100.00", "0.00", "100.00"),  # 21013 = 70.00 + 30.00
    }
    lines = []
    for line in extraction.expenditure_lines:
        if line.source_line == 106:
            continue  # printed once
        if line.source_line in fixed:
            total, basic, project = (Decimal(v) for v in fixed[line.source_line])
            line = replace(line, amount_total=total, amount_basic=basic, amount_project=project)
        if line.source_line == 301:
            line = replace(line, amount_total=Decimal("0.100000"))  # 合计 1000.00 元 = its leaf
        lines.append(line)
    class_totals = [replace(c, amount=Decimal("160.00")) for c in extraction.class_total_lines]
    return replace(extraction, expenditure_lines=lines, class_total_lines=class_totals)


# The earlier (kept) version's pages and the held new version's, laid out differently: the
# published facts are the kept version's, so their pages must be the kept version's.
KEPT_PAGES = [(1, 100), (101, 199), (200, 299), (300, 400)]
NEW_PAGES = [(1, 150), (151, 400)]


def build_warehouse(root: Path, reviewed: list[dict], kept: Extraction | None = None, current=None) -> Path:
    store = ExtractedStore(root / "extracted")
    store.write_extraction(current or handwritten_extraction())
    if kept is not None:
        store.kept.write_extraction(kept)
    decisions = [
        DocumentDecision(DOC, f"{DOC}.txt", "loaded", True, COMPANION_NOTE),
        DocumentDecision(
            QUARANTINED, f"{QUARANTINED}.txt", "quarantined", False, f"{QUARANTINED}.txt: ends inside a table", 12
        ),
    ]
    warehouse = root / "budget.duckdb"
    build_raw_layer(warehouse, store, decisions, reviewed, kept=[DOC] if kept is not None else [])
    run_dbt(["build"], warehouse, root, timeout=600)
    return warehouse


@pytest.fixture(scope="module")
def unreviewed(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("dbt_unreviewed"), reviewed=[])


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    stale_entry = {**REVIEWED, "subject": "expenditure_summary:29999:amount_total", "reason": "no longer printed"}
    return build_warehouse(tmp_path_factory.mktemp("dbt_reviewed"), reviewed=[REVIEWED, stale_entry])


@pytest.fixture(scope="module")
def kept_pdf(tmp_path_factory) -> Path:
    """A held new PDF version beside the clean earlier version it keeps published (stale)."""
    return build_warehouse(
        tmp_path_factory.mktemp("dbt_kept_pdf"),
        reviewed=[],
        kept=as_pdf(clean_extraction(), KEPT_PAGES),
        current=as_pdf(handwritten_extraction(), NEW_PAGES),
    )


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def findings(warehouse: Path, check: str) -> list[tuple]:
    return query(
        warehouse,
        "select subject, severity, detail, reviewed_reason from marts.quality_findings "
        'where "check" = ? order by subject',
        [check],
    )


def test_leaves_are_kept_once_and_a_held_document_publishes_no_facts(unreviewed):
    # The document has unreviewed errors: held, so its leaves never reach fact_expenditure.
    assert query(unreviewed, "select count(*) from marts.fact_expenditure") == [(0,)]
    assert query(unreviewed, "select status, is_held, fiscal_year, stage from marts.dim_document") == [
        ("held", True, 2026, "budget")
    ]
    rows = query(
        unreviewed,
        "select fund_scope, subject_code, amount_total, source_line "
        "from staging.int_expenditure_leaves where grain_occurrence = 1 "
        "order by fund_scope, subject_code",
    )
    assert [(r[0], r[1]) for r in rows] == [
        ("all_funds", "2101301"),
        ("all_funds", "2101302"),
        ("all_funds", "21015"),
        ("general_public_budget", "21013"),
        ("general_public_budget", "21015"),
        ("government_fund", "2296002"),
    ]
    by_code = {(r[0], r[1]): r for r in rows}
    assert by_code[("all_funds", "2101302")][3] == 105  # the first printing is kept
    assert by_code[("government_fund", "2296002")][2] == Decimal("0.100000")


def test_names_lose_stray_spaces_and_parents_are_in_dim_subject(unreviewed):
    names = dict(query(unreviewed, "select subject_code, subject_name from marts.dim_subject"))
    assert names["210"] == "卫生健康支出"
    assert names["2101302"] == "疾病应急救助"
    # 229 / 22960 are never printed: present as parents, named from the national list or the fallback
    assert names["229"] == "其他支出"
    assert names["22960"] == "未列示名称（22960）"
    parents = dict(query(unreviewed, "select subject_code, parent_code from marts.dim_subject"))
    assert parents["2296002"] == "22960" and parents["22960"] == "229" and parents["229"] is None


def test_parent_children_violation_is_an_error(unreviewed):
    rows = findings(unreviewed, "parent_vs_children")
    # 21013 prints 100.50 in both 合计 and 项目支出: one finding per column
    assert [(r[0], r[1]) for r in rows] == [
        ("expenditure_summary:21013:amount_project", "error"),
        (PARENT_SUBJECT, "error"),
    ]
    detail = rows[1][2]
    for part in (f"{DOC}.txt", "表 3", "line 103", "21013", "100.50", "100.00", "0.50"):
        assert part in detail


def test_reviewed_violation_becomes_a_warning(reviewed):
    rows = findings(reviewed, "parent_vs_children")
    # only the listed (document, check, subject) is downgraded; the 项目支出 column is not listed
    assert [(r[0], r[1]) for r in rows] == [
        ("expenditure_summary:21013:amount_project", "error"),
        (PARENT_SUBJECT, "warning"),
    ]
    assert rows[1][3] == REVIEWED["reason"]
    assert REVIEWED["reason"] in rows[1][2]
    printed = query(
        reviewed,
        "select printed_a, printed_b, source_unit from marts.quality_findings where subject = ?",
        [PARENT_SUBJECT],
    )
    assert printed == [(REVIEWED["printed_a"], REVIEWED["printed_b"], "万元")]


def test_reviewed_entry_matching_nothing_is_reported(reviewed):
    rows = findings(reviewed, "reviewed_entry_unused")
    assert [(r[0], r[1]) for r in rows] == [("parent_vs_children|expenditure_summary:29999:amount_total", "warning")]


def test_rounding_difference_is_no_finding(unreviewed):
    subjects = {r[0] for r in query(unreviewed, "select subject from marts.quality_findings where subject is not null")}
    assert not any(s.startswith("general_public_functional:") for s in subjects)
    outcome = query(
        unreviewed,
        "select outcome, difference from marts.quality_identity_checks where subject = "
        "'general_public_functional:210:amount_total' and \"check\" = 'parent_vs_children'",
    )
    assert outcome == [("rounding", Decimal("0.010000"))]


def test_tolerance_is_in_the_printed_unit(unreviewed):
    rows = findings(unreviewed, "total_vs_leaves")
    by_subject = {r[0]: r for r in rows}
    fund = by_subject["government_fund:total:amount_total"]
    assert fund[1] == "error"
    assert "1000.03 元" in fund[2] and "1000.00 元" in fund[2]


def test_duplicate_leaf_is_kept_once_and_reported(unreviewed):
    rows = findings(unreviewed, "duplicate_subject_row")
    assert [(r[0], r[1]) for r in rows] == [("expenditure_summary:2101302", "warning")]
    assert "line 106" in rows[0][2] and "line 105" in rows[0][2]


def test_cross_table_and_three_public_identities_pass(unreviewed):
    checks = dict(query(unreviewed, "select \"check\" || ' ' || subject, outcome from marts.quality_identity_checks"))
    assert checks["class_total_vs_income_expenditure_summary expenditure_summary:210"] == "exact"
    assert checks["three_public_total three_public:total"] == "exact"
    assert checks["three_public_vehicle three_public:vehicle"] == "exact"
    assert checks["basic_plus_project_vs_total expenditure_summary:21013"] == "exact"


def test_quarantined_document_is_reported_not_loaded(unreviewed):
    assert query(unreviewed, "select document_id, status, is_stale from marts.dim_document") == [(DOC, "held", False)]
    assert query(
        unreviewed, "select severity, source_line from marts.quality_findings where document_id = ?", [QUARANTINED]
    ) == [("quarantine", 12)]


def test_a_loaded_documents_companion_note_is_an_info_finding(unreviewed):
    rows = query(
        unreviewed,
        "select severity, subject, detail from marts.quality_findings "
        "where document_id = ? and \"check\" = 'document_status' and subject = 'status:loaded'",
        [DOC],
    )
    # (The same hand-written document is also held for its planted errors: a row of its own.)
    assert rows == [("info", "status:loaded", f"{DOC}.txt is loaded: {COMPANION_NOTE}")]


def test_schemas_are_staging_and_marts(unreviewed):
    schemas = {r[0] for r in query(unreviewed, "select distinct table_schema from information_schema.tables")}
    assert {"raw", "staging", "marts"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="shared contract check not available")
def test_contract_check_holds(unreviewed):
    completed = subprocess.run([sys.executable, str(CONTRACT_CHECK), str(unreviewed)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout
    assert "contract: holds" in completed.stdout


def test_a_kept_version_s_facts_carry_the_kept_version_s_pages(kept_pdf):
    assert query(kept_pdf, "select document_id, status from marts.dim_document") == [(DOC, "stale")]
    # Lines 101-199 are page 2 of the kept version (page 1 of the held one), 200-299 page 3, 300- page 4.
    pages = query(
        kept_pdf,
        "select fund_scope, subject_code, source_line, source_page from marts.fact_expenditure order by all",
    )
    assert pages == [
        ("all_funds", "2101301", 104, 2),
        ("all_funds", "2101302", 105, 2),
        ("all_funds", "21015", 107, 2),
        ("general_public_budget", "21013", 203, 3),
        ("general_public_budget", "21015", 204, 3),
        ("government_fund", "2296002", 302, 4),
    ]
    assert query(kept_pdf, "select distinct source_line, source_page from marts.fact_three_public") == [(60, 1)]


def test_the_held_version_s_findings_carry_its_own_pages(kept_pdf):
    # The held version's 21013 (line 103) is on its page 1 (lines 1-150); its fund 合计 (line 301) on page 2.
    rows = query(
        kept_pdf,
        'select subject, source_line, source_page from marts.quality_findings where "check" in '
        "('parent_vs_children', 'total_vs_leaves') and subject in (?, ?) order by all",
        [PARENT_SUBJECT, "government_fund:total:amount_total"],
    )
    assert rows == [(PARENT_SUBJECT, 103, 1), ("government_fund:total:amount_total", 301, 2)]
    checks = query(
        kept_pdf,
        "select document_id, source_page from marts.quality_identity_checks "
        "where \"check\" = 'total_vs_leaves' and subject = 'government_fund:total:amount_total' order by all",
    )
    assert checks == [(DOC, 2), (f"{DOC}@kept", 4)]


def test_text_input_has_no_pages(unreviewed):
    assert query(unreviewed, "select count(*) from marts.quality_identity_checks where source_page is not null") == [
        (0,)
    ]
    assert query(unreviewed, "select count(*) from marts.quality_findings where source_page is not null") == [(0,)]


# The gate's suites of the marts that had none, each on the real marts of the hand-written build: a valid
# row passes; in its place, the same row with one defect fails that suite on the expectation that guards it.
# mart: (valid row, column, its defective value, (expectation type, column) it must fail)
COMMON = f"'{DOC}' as document_id, 2026 as fiscal_year, 'budget' as stage, '万元' as source_unit"
PLANTED_ROWS = {
    "fact_project": (
        f"select {COMMON}, '42010726202T000000100' as project_code, '城乡医疗救助' as project_name, 'T' as project_kind, "
        "100.00 as amount_total, 100.00 as amount_general_public_budget, '表 9' as source_table, 70 as source_line",
        "project_code",
        "'42010726202 T000000100'",  # a space the PDF left in the code
        ("expect_column_values_to_be_in_set", "code_format_ok"),
    ),
    "fact_three_public": (
        f"select {COMMON}, 'reception' as item, 'reported' as amount_kind, '公务接待费' as item_name, 1.00 as amount, "
        "'表 7' as source_table, 60 as source_line",
        "amount",
        "-1.00",  # a cost is never negative
        ("expect_column_values_to_be_between", "amount"),
    ),
    "fact_income": (
        f"select {COMMON}, 'general_public_budget' as income_source, 160.00 as amount, 'income_summary' as table_kind, "
        "'subject' as row_kind, '2101301' as subject_code, true as is_leaf, '表 2' as source_table, 30 as source_line",
        "subject_code",
        "'21013 01'",  # a code kept as printed, with its space
        ("expect_column_values_to_be_in_set", "code_format_ok"),
    ),
    "fact_unit_expenditure": (
        f"select {COMMON}, '202001' as unit_code, '测试区医疗保障局本级' as unit_name, true as is_leaf, "
        "160.00 as amount_total, '表 6' as source_table, 50 as source_line",
        "source_line",
        "51",  # beside the valid row: the same unit a second time in the table, a SUM would count it twice
        ("expect_compound_columns_to_be_unique", ["document_id", "source_table", "unit_code"]),
    ),
    "coverage_report": (
        f"select '{DOC}' as document_id, 'expenditure_summary' as table_kind, '表 3' as source_table, 101 as start_line, "
        "107 as end_line, 7 as lines_accounted, 5 as fact_lines, 1 as parent_lines, 1 as total_lines, "
        "0 as header_lines, 0 as note_lines, 0 as finding_lines",
        "lines_accounted",
        "8",  # a line counted but given no outcome
        ("expect_column_values_to_be_in_set", "outcomes_add_up"),
    ),
    "quality_identity_checks": (
        f"select '{DOC}' as document_id, 'parent_vs_children' as \"check\", 'expenditure_summary:21099:amount_total' "
        "as subject, '万元' as source_unit, 100.00 as amount_a, 100.01 as amount_b, -0.01 as difference, "
        "0.02 as tolerance_wan, 'rounding' as outcome, 'error' as severity_if_failed",
        "outcome",
        "'exact'",  # 100.00 vs 100.01 is not exact
        ("expect_column_values_to_be_in_set", "outcome_follows"),
    ),
    "fact_prior_year_figure": (
        f"select '{DOC}' as document_id, 1 as claim_id, 'all_funds.income' as subject, 2025 as fiscal_year, "
        "90.00 as amount, 2026 as stated_in_fiscal_year, 100.00 as current_amount, 916 as source_line, "
        "'stated in the narrative' as provenance",
        "fiscal_year",
        "2026",  # a 'prior' year that is the document's own
        ("expect_column_values_to_be_in_set", "earlier_year"),
    ),
}


@pytest.mark.parametrize("mart", sorted(PLANTED_ROWS))
def test_a_planted_bad_row_fails_its_mart_s_suite(unreviewed, tmp_path, mart):
    from orchestration.quality.gate import load_suites, run_suite

    [suite] = [s for s in load_suites() if s.asset == mart]
    valid, column, bad_value, failure = PLANTED_ROWS[mart]
    warehouse = tmp_path / "planted.duckdb"
    shutil.copy(unreviewed, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        # The claim a prior-year figure comes from (the hand-written document states none).
        con.execute(
            f"insert into marts.fact_narrative_claim by name select '{DOC}' as document_id, 1 as claim_id, "
            "'consistent' as verdict"
        )
        con.execute("begin")
        con.execute(f"insert into marts.{mart} by name {valid}")
        assert run_suite(con, suite).failures == []
        if mart != "fact_unit_expenditure":  # (whose defect is a second printing of the valid row)
            con.execute("rollback")
        con.execute(f"insert into marts.{mart} by name select * replace ({bad_value} as {column}) from ({valid})")
        result = run_suite(con, suite)
    finally:
        con.close()
    assert not result.success
    assert [(f["type"], f["column"]) for f in result.failures] == [failure]
