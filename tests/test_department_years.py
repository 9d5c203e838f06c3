"""A department across years, on a warehouse holding one department in two years (real PDFs).

The job runs on 江苏省高级人民法院's 2017 and 2018 部门预算 and on 中共江苏省委办公厅's 2017 budget
published as two files (narrative and tables), read in place from ../shared/corpus (copied to a
temporary raw folder: links are refused as raw files). Expected figures are read by hand from the
printed documents.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import duckdb
import pytest

from .test_pipeline import REPO, readme_queries, run_job

CORPUS = REPO.parent / "shared" / "corpus"
COURT = ("jiangsu_gy_2017_dept_budget", "jiangsu_gy_2018_dept_budget")
OFFICE = ("jiangsu_swbgt_2017_dept_budget_text", "jiangsu_swbgt_2017_dept_budget_tables")
PDFS = [CORPUS / f"{name}.pdf" for name in (*COURT, *OFFICE)]
pytestmark = pytest.mark.skipif(
    not all(p.exists() for p in PDFS), reason=f"the real PDF corpus is not at {CORPUS}; nothing to run on"
)
D = Decimal

# 一般公共预算支出预算表 of each year (万元): 2017 p. 15 (合计 28,849.38), 2018 p. 12 (合计 33,172.15).
COURT_CLASSES = {
    ("204", 2017): D("23513.11"),
    ("208", 2017): D("2347.13"),
    ("221", 2017): D("2989.14"),
    ("204", 2018): D("26200.88"),
    ("208", 2018): D("2254.76"),
    ("221", 2018): D("4716.51"),
}


def department_query() -> str:
    section = (REPO / "README.md").read_text("utf-8").split("\n## A department across years", 1)[1]
    section = section.split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```sql")[1:]]
    assert len(blocks) == 1
    return blocks[0]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("department_years")
    raw = root / "raw"
    raw.mkdir()
    for pdf in PDFS:
        shutil.copy(pdf, raw / pdf.name)
    path = root / "wh" / "budget.duckdb"
    completed = run_job(raw, path, root / "home")
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    return path


@pytest.fixture()
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def test_one_key_per_department_across_years_and_parts(con):
    keys = dict(con.execute("select document_id, department_key from marts.dim_document").fetchall())
    assert keys[COURT[0]] == keys[COURT[1]]
    assert keys[OFFICE[0]] == keys[OFFICE[1]]  # the narrative part belongs to its tables' department
    assert keys[COURT[0]] != keys[OFFICE[0]]
    departments = con.execute("""select department_name, region, fiscal_years, document_count
                                 from marts.dim_department order by department_name""").fetchall()
    assert departments == [
        ("中国共产党江苏省委员会办公厅", "江苏省", [2017], 2),
        ("江苏省高级人民法院", "江苏省", [2017, 2018], 2),
    ]


def test_every_spelling_printed_is_kept(con):
    # The tables part prints 中国共产党江苏省委员会办公厅 (编制部门); the narrative part 省委办公厅 and
    # 江苏省委办公厅 (its cover and text).
    printed = dict(con.execute("select document_id, printed_department_names from marts.dim_document").fetchall())
    assert printed[OFFICE[1]] == ["中国共产党江苏省委员会办公厅"]
    assert {"省委办公厅", "江苏省委办公厅"} <= set(printed[OFFICE[0]])
    names = con.execute("""select printed_names from marts.dim_department
                           where department_name = '中国共产党江苏省委员会办公厅'""").fetchone()[0]
    assert {"中国共产党江苏省委员会办公厅", "省委办公厅", "江苏省委办公厅"} <= set(names)


def test_readme_query_compares_the_court_by_function_class_across_years(con):
    rows = con.execute(department_query()).fetchall()
    court = {
        (r[5], r[7]): (r[8], r[9], r[10])
        for r in rows
        if r[1] == "江苏省高级人民法院" and r[4] == "general_public_budget"
    }
    assert {key: value[0] for key, value in court.items()} == COURT_CLASSES
    assert all(value[2] == "loaded document" for value in court.values())
    # The change from 2017 to 2018, from the two printed tables: 26200.88 - 23513.11, 2254.76 - 2347.13.
    assert court[("204", 2018)][1] == D("2687.77")
    assert court[("208", 2018)][1] == D("-92.37")
    assert court[("204", 2017)][1] is None


def test_prior_year_figure_beside_the_loaded_document(con):
    # 2018 说明 (p. 21): 一般公共预算财政拨款支出预算33172.15万元，与上年相比增加4322.77万元 -> 2017:
    # 28849.38, the 2017 table's 合计: the two agree.
    row = con.execute("""
        select amount, source, loaded_amount, prior_year_amount, prior_year_document_id, difference
        from marts.department_year_expenditure
        where department_name = '江苏省高级人民法院' and fiscal_year = 2017
          and subject = 'general_public_budget.expenditure'""").fetchone()
    assert row == (D("28849.38"), "loaded document", D("28849.38"), D("28849.38"), COURT[1], D("0"))
    # 2017 说明: 公共安全（类）支出 23513.11 万元, 与上年相比增加 410.44 万元 -> 2016: 23102.67, a year no
    # document of which is loaded: the prior-year figure stands in for it.
    row = con.execute("""
        select amount, source from marts.department_year_expenditure
        where department_name = '江苏省高级人民法院' and fiscal_year = 2016 and subject = 'all_funds.class_204'
        """).fetchone()
    assert row == (D("23102.67"), f"prior-year figure of document {COURT[0]}")


def test_the_analysts_readme_queries_run_here_too(con):
    for query in readme_queries():
        con.execute(query).fetchall()
