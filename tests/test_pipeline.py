"""The whole job, as the README runs it: real extraction, DuckDB, dbt, Great Expectations and Dagster."""

import hashlib
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests._job_support import run_job

REPO = Path(__file__).resolve().parent.parent
CONTRACT_CHECK = REPO.parent / "shared" / "tools" / "check_contract.py"
SEED_IDS = sorted(p.stem for p in (REPO / "raw").glob("*.txt"))
MART_NAMES = "select table_name from information_schema.tables where table_schema = 'marts'"


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
    [mart_line] = [line for line in stdout.splitlines() if line.startswith("Rows per mart: ")]
    printed = dict(item.rsplit(" ", 1) for item in mart_line.removeprefix("Rows per mart: ").split(", "))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = [name for (name,) in con.execute(MART_NAMES).fetchall()]
        counted = {name: str(con.execute(f'select count(*) from marts."{name}"').fetchone()[0]) for name in marts}
    finally:
        con.close()
    assert printed == counted and printed["dim_document"] == str(len(SEED_IDS))
    assert "Findings by severity:" in stdout
    assert f"Warehouse: {warehouse}" in stdout


@pytest.mark.skipif(
    not CONTRACT_CHECK.exists(), reason=f"shared contract check not available: {CONTRACT_CHECK} is absent"
)
def test_contract_check_holds(published):
    completed = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(published[2])], capture_output=True, text=True, check=False
    )
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


# The grand 合计 (万元) of the three expenditure tables of every seed, read off the documents. 003's
# 公开 06 表 prints no grand 合计 cell (only 人员经费合计 / 公用经费合计): 14 tables, not 15.
PRINTED_TOTALS = {
    ("000_df7f9757fe457667", "表 3"): "1442.99",
    ("000_df7f9757fe457667", "表 5-1"): "1442.99",
    ("000_df7f9757fe457667", "表 6"): "261.83",
    ("001_6727838b316e5f85", "附表 4-3"): "9817.07",
    ("001_6727838b316e5f85", "附表 4-5"): "9817.07",
    ("001_6727838b316e5f85", "附表 4-6"): "843.41",
    ("002_59fd46f20b32f4cf", "公开表3"): "294.64",
    ("002_59fd46f20b32f4cf", "公开表5"): "294.64",
    ("002_59fd46f20b32f4cf", "公开表6"): "181.66",
    ("003_305331944a1f3ba9", "公开 03 表"): "1969.42",
    ("003_305331944a1f3ba9", "公开 05 表"): "1969.42",
    ("004_f083e30e185bc13b", "表3"): "895.62",
    ("004_f083e30e185bc13b", "表5"): "895.62",
    ("004_f083e30e185bc13b", "表6"): "210.17",
}
# Rounding: every seed table prints 万元, and 0.02 of the printed unit is 尾差.
ROUNDING_WAN = Decimal("0.02")


def test_leaf_sums_equal_printed_totals(con):
    """The published leaves of each table add up to the 合计 printed in that table (the seeds are consistent)."""
    rows = con.execute("""
        with leaves as (
          select document_id, source_table, sum(amount_total) as leaf_sum
          from marts.fact_expenditure group by all),
        totals as (
          select document_id, source_table, amount_total as printed_total
          from raw.expenditure_lines where row_kind = 'total' and amount_total is not null)
        select document_id, source_table, printed_total, leaf_sum from totals left join leaves using (document_id, source_table)
    """).fetchall()
    assert {(d, t): printed for d, t, printed, _ in rows} == {k: Decimal(v) for k, v in PRINTED_TOTALS.items()}
    for document_id, table, printed, leaf_sum in rows:
        assert leaf_sum is not None and abs(leaf_sum - printed) <= ROUNDING_WAN, (document_id, table, leaf_sum)


# 003's 公开 03 表 prints some 项 codes one digit short (the PDF cut the cell); each is published under the
# national code its printed name belongs to (2021 功能分类科目), read off by hand.
REPAIRED_IN_003 = {
    (212, "208010", "综合业务管理"): "2080104",
    (226, "210110", "行政部门医疗"): "2101101",
    (227, "210110", "事业部门医疗"): "2101102",
    (228, "210110", "公务员医疗补助"): "2101103",
    (237, "210155", "事业运行"): "2101550",
    (240, "221020", "住房公积金"): "2210201",
}


def test_codes_cut_short_are_published_repaired_and_reported(con):
    rows = con.execute("""
        select source_line, printed_code, printed_subject_name, subject_code, is_code_repaired
        from marts.fact_expenditure where document_id = '003_305331944a1f3ba9' and source_table = '公开 03 表'
    """).fetchall()
    published = {(line, printed, name): (code, repaired) for line, printed, name, code, repaired in rows}
    for key, code in REPAIRED_IN_003.items():
        assert published[key] == (code, True), key
    assert (
        con.execute(
            "select count(*) from marts.fact_expenditure where length(subject_code) not in (3, 5, 7)"
        ).fetchone()[0]
        == 0
    )
    reported = [
        d
        for (d,) in con.execute("""select detail from marts.quality_findings
        where document_id = '003_305331944a1f3ba9' and "check" = 'code_repaired'""").fetchall()
    ]
    for (line, printed, _), code in REPAIRED_IN_003.items():
        where = f"003_305331944a1f3ba9.txt:{line} "
        assert any(d.startswith(where) and "公开 03 表" in d and printed in d and code in d for d in reported), where


def test_facts_keep_source_line_that_points_at_the_printed_code(con, published):
    raw = published[1]
    rows = con.execute(
        "select document_id, subject_code, printed_subject_name, source_line from marts.fact_expenditure "
        "where fund_scope = 'general_public_budget' and classification = 'functional'"
    ).fetchall()
    assert rows
    for document_id, code, name, line in rows:
        text = (raw / f"{document_id}.txt").read_text("utf-8").split("\n")
        window = "".join(text[line - 1 : line + 3]).replace(" ", "")
        # The row starts there: its code, or (where the PDF lost the code cell) its name.
        assert code[:3] in window or name[:3] in window, (document_id, code, name, line)


def test_failing_gate_in_strict_mode_leaves_published_warehouse_untouched(published, tmp_path):
    """All or nothing (--strict): one held document blocks the publication (without it, see test_document_verdicts)."""
    root, raw, warehouse, _ = published
    before = sha256(warehouse)
    # A document whose printed total no longer matches its rows: an unreviewed identity error.
    seed = (raw / "000_df7f9757fe457667.txt").read_text("utf-8")
    broken = seed.replace(
        "→合计→1442.99→261.83→1181.16".replace("→", "\t"), "→合计→1942.99→261.83→1181.16".replace("→", "\t"), 1
    )
    assert broken != seed
    bad_raw = tmp_path / "raw"
    shutil.copytree(raw, bad_raw)
    (bad_raw / "000_df7f9757fe457667.txt").write_text(broken, "utf-8")
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        completed = run_job(bad_raw, warehouse, root / "home", "--strict")
        assert completed.returncode == 1, completed.stdout[-3000:]
        assert "NOT PUBLISHED: strict mode" in completed.stdout
        # Reported about that table, with both figures: the 12 leaf rows of 表 3 (lines 219-238) add up
        # to 1442.98 by hand, against the planted 合计 of 1942.99.
        assert (
            "武汉市青山区 武汉市青山区医疗保障局 2026 budget total_vs_leaves: "
            "000_df7f9757fe457667.txt, 表 3《支出总表》, line 218, 合计: "
            "printed 合计 1942.99 万元 vs the sum of the 12 leaf rows 1442.98 万元"
        ) in completed.stdout
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


# Hand-read from the seeds' performance tables (满意度指标 rows, in printed order).
JIANGHAN = ("武汉市江汉区", "江汉区医疗保障局", 2021)  # 002: 部门整体 lines 875-1062, 项目 1229-1836
JIANGHAN_SATISFACTION = [
    ("department", None, "党员满意度", "90%"),
    ("department", None, "群众满意度", "70%"),
    ("department", None, "党员满意度", "90%"),
    ("department", None, "满意度", "70%"),
    ("project", "党建、结对共建，文明创建", "双评议满意度", "100%"),
    ("project", "行政运转", "双评议满意度", "100%"),
    ("project", "两定医药机构监管", "双评议满意度", "100%"),
    ("project", "医疗保障宣传经费", "双评议满意度", "100%"),
]
QINGSHAN = ("武汉市青山区", "武汉市青山区医疗保障局", 2026)  # 000: lines 479-854, long-term then annual tables
QINGSHAN_SATISFACTION = [
    ("department", None, "办事群众对医保大厅服务满意度", "≥90%"),
    *[("project", "城乡医疗救助", "医疗救助对象对医疗救助工作满意度", "≥90%")] * 2,
    *[("project", "城乡医疗救助（一卡通）", "医疗救助对象对医疗救助工作满意度", "≥90%")] * 2,
    *[("project", "医疗保障工作经费", "人民群众对医疗救助工作满意度", "≥90%")] * 2,
    *[("project", "医保经办机构运行业务经费", "办事群众对医保大厅服务满意度", "≥90%")] * 4,
]
DEPARTMENTS = {
    "武汉市青山区医疗保障局",
    "曾都区医疗保障局",
    "江汉区医疗保障局",
    "武汉市江夏区医疗保障局",
    "武汉市汉阳区医疗保障局",
}
# 003 (the final account) self-evaluates; points were lost on two rows: line 1600 补助离休干部人数
# 6 人 -> 5 人 (17 of 20), line 1635 补助优抚军人人数 19 人 -> 13 人 (14 of 20). Not listed: line 894
# 617家 -> 624家 (a plain number, no operator printed, and beaten), line 925 56人 -> 1次 (units differ,
# 2 of 2 points), line 1535 ≥95% -> 95% (the printed target is met, 7 of 7 points).
SHORTFALLS = [
    ("003_305331944a1f3ba9", "企业离休干部医保缺口", "补助离休干部人数", "6人", "5人", 17.0, 20.0, "points lost"),
    (
        "003_305331944a1f3ba9",
        "1953年底前参军复员转业到企业工作退休人员优抚医疗补助",
        "补助优抚军人人数",
        "19人",
        "13人",
        14.0,
        20.0,
        "points lost",
    ),
]
# 000 城乡医疗救助 (lines 487-566): long-term 16 indicators and annual 17, of which only 有所减轻 (once in
# each) is not a number: 31 quantitative of 33, the most of any project.
TOP_PROJECT = ("000_df7f9757fe457667", "42010726202T000000100", "城乡医疗救助", 31, 33)


def readme_query(using: str) -> str:
    """The one query of the analysts' section that reads the given mart."""
    (query,) = [q for q in readme_queries() if using in q]
    return query


def test_readme_analyst_queries_answer(con):
    queries = readme_queries()
    for query in queries:
        con.execute(query).fetchall()  # every block runs as printed
    satisfaction, shortfalls, projects = (con.execute(q).fetchall() for q in queries[:3])
    assert {row[1] for row in satisfaction} == DEPARTMENTS
    assert [row[3:] for row in satisfaction if row[:3] == JIANGHAN] == JIANGHAN_SATISFACTION
    assert [row[3:] for row in satisfaction if row[:3] == QINGSHAN] == QINGSHAN_SATISFACTION
    assert shortfalls == SHORTFALLS
    assert len(projects) == 20 and projects[0] == TOP_PROJECT
    assert [p[3:] for p in projects] == sorted((p[3:] for p in projects), reverse=True)


def test_readme_totals_without_traps(con):
    """Values read by hand from the seeds' printed tables."""
    totals = {row[1]: row[2:] for row in con.execute(readme_query("general_public_functional_totals")).fetchall()}
    # 002 公开表5 2021年一般公共预算支出表, line 640: 合计 294.64 181.66 112.98 (万元)
    assert totals["江汉区医疗保障局"] == (
        2021,
        "budget",
        Decimal("294.640000"),
        Decimal("181.660000"),
        Decimal("112.980000"),
        Decimal("294.640000"),
    )
    assert len(totals) == len(SEED_IDS)
    classes = con.execute(readme_query("e.class_code")).fetchall()
    # 002 公开表5: 208 社会保障和就业支出 9.33 / 9.33 (项目支出 blank: 0); 210 卫生健康支出 263.72 = 150.74 + 112.98 (lines 642-652)
    jianghan = {row[1]: row[2:] for row in classes if row[0] == "002_59fd46f20b32f4cf"}
    assert jianghan["208"] == ("社会保障和就业支出", Decimal("9.330000"), Decimal("9.330000"), Decimal("0.000000"))
    assert jianghan["210"] == ("卫生健康支出", Decimal("263.720000"), Decimal("150.740000"), Decimal("112.980000"))
    three_public = {
        (row[0], row[2]): row[3:] for row in con.execute(readme_query("three_public_by_document")).fetchall()
    }
    # 004 表7 prints an empty table and, line 306, 2024年本单位无“三公”经费支出。
    assert three_public[("武汉市汉阳区医疗保障局", "budget")] == (Decimal("0E-6"), None, "stated_none", 306)
    # 003 公开 09 表 (决算), line 438: 预算数 合计 0.18, 决算数 合计 0.18
    assert three_public[("武汉市江夏区医疗保障局", "final")] == (
        Decimal("0.180000"),
        Decimal("0.180000"),
        "printed",
        438,
    )


def test_convenience_marts_tests_fail_on_wrong_rows(published, tmp_path):
    """The dbt tests of the analysts' marts catch what a wrong filter or join would produce."""
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(published[2], broken)
    con = duckdb.connect(str(broken))
    # a 三公 item twice; a budget given a final account's 预算数; a total off its printed 合计;
    # a class code that is no 类 of the leaf
    con.execute("""insert into marts.three_public_by_document select * from marts.three_public_by_document
                   where document_id = '003_305331944a1f3ba9' and item = 'total'""")
    con.execute("""update marts.three_public_by_document set final_account_budget = 1
                   where document_id = '002_59fd46f20b32f4cf' and item = 'total'""")
    con.execute("""update marts.general_public_functional_totals set amount_total = amount_total + 5
                   where document_id = '002_59fd46f20b32f4cf'""")
    con.execute("""update marts.fact_expenditure set class_code = '299'
                   where document_id = '002_59fd46f20b32f4cf' and subject_code like '210%'""")
    con.close()
    dbt = Path(sys.executable).with_name("dbt")
    completed = subprocess.run(
        [
            str(dbt) if dbt.exists() else "dbt",
            "test",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--vars",
            f"{{warehouse_path: '{broken}'}}",
            "--select",
            "three_public_by_document",
            "general_public_functional_totals",
            "fact_expenditure",
        ],
        cwd=REPO / "dbt_project",
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    failed = {line.split(" FAIL ", 1)[1].split()[1] for line in completed.stdout.splitlines() if " FAIL " in line}
    assert failed == {
        "assert_general_public_totals_match_printed",
        "expression_is_true_three_public_by_document_stage_final_or_final_account_budget_is_null",
        "relationships_composite_fact_expenditure_classification__class_code__ref_dim_subject___classification__subject_code",
        "unique_combination_of_columns_three_public_by_document_document_id__item",
    }, completed.stdout[-4000:]


def test_narrative_claims_of_the_seeds_are_checked(con):
    """Every claim of 004's 说明 (sections 一 to 八) and of 002's 总体情况, counted by verdict (read by hand)."""

    def verdicts(document_id, first, last):
        return dict(
            con.execute(
                """
            select verdict, count(*) from marts.fact_narrative_claim
            where document_id = ? and source_line between ? and ? group by verdict""",
                [document_id, first, last],
            ).fetchall()
        )

    # 004: 17 claims hold against a table or their own arithmetic; 18 name no table (项目 items, 三公 items
    # without a 三公 table, 政府采购 kinds, 乡村振兴, 政府购买服务, the 财政拨款 basic/project split).
    assert verdicts("004_f083e30e185bc13b", 916, 992) == {"consistent": 17, "unverifiable": 18}
    # 002 二、收支预算总体安排: totals, shares and classes hold; classes 201 and 215 (0 万元) print no table row.
    assert verdicts("002_59fd46f20b32f4cf", 69, 93) == {"consistent": 9, "unverifiable": 2}
    prior = con.execute("""select provenance_kind, fiscal_year, amount, provenance from marts.fact_prior_year_figure
                           where document_id = '004_f083e30e185bc13b' and subject = 'all_funds.income'
                           order by provenance_kind, fiscal_year""").fetchall()
    # 2024年部门收入预算895.62万元，比2023年预算减少181.81万元 -> 2023: 1077.43; the 部门整体支出绩效目标申报表
    # (line 392, 收入构成 合计) prints 近两年收支金额 2023年 1077.43 and 2022年 1272.54.
    table = "printed in table 部门整体支出绩效目标申报表, column 近两年收支金额"
    document = "of document 004_f083e30e185bc13b (004_f083e30e185bc13b.txt)"
    assert prior == [
        ("printed_in_table", 2022, Decimal("1272.540000"), f"{table} 2022年, {document}, line 392"),
        ("printed_in_table", 2023, Decimal("1077.430000"), f"{table} 2023年, {document}, line 392"),
        (
            "stated_in_narrative",
            2023,
            Decimal("1077.430000"),
            "stated in the narrative of document 004_f083e30e185bc13b (004_f083e30e185bc13b.txt), line 916",
        ),
    ]
