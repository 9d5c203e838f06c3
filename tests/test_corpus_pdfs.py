"""The real PDFs of other regions (../shared/corpus), through the whole job: self-consistency is the oracle.

No answer key comes with them. Per document: recognised, every identity of the contract holds
within rounding (or is a reviewed inconsistency: a warning naming both printed figures), and every
line with a printed figure became a fact or a finding (no unaccounted line).
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from .test_pipeline import REPO, run_job

CORPUS = REPO.parent / "shared" / "corpus"
PDFS = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not PDFS, reason=f"the real PDF corpus is not at {CORPUS}; nothing to run on")


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    raw = root / "raw"
    raw.mkdir()
    for pdf in PDFS:
        shutil.copy(pdf, raw / pdf.name)  # a copy outside the repository: links are refused as raw files
    for seed in (REPO / "raw").glob("*.txt"):
        shutil.copy(seed, raw / seed.name)
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    return completed, warehouse


@pytest.fixture(scope="module")
def con(corpus_run):
    completed, warehouse = corpus_run
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def test_every_corpus_document_is_loaded_with_its_identity(con):
    rows = con.execute(
        """select document_id, department_name, region, fiscal_year, stage, scope, status
                          from marts.dim_document where document_id in (select unnest(?))""",
        [[p.stem for p in PDFS]],
    ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(p.stem for p in PDFS)
    for document_id, department, region, year, stage, scope, status in rows:
        assert department and region and year and stage == "budget" and scope, document_id
        assert status == "loaded", (document_id, status)


def test_no_corpus_document_has_an_unreviewed_error(con):
    errors = con.execute("""select document_id, "check", detail from marts.quality_findings
                            where severity = 'error' order by 1, 2""").fetchall()
    assert errors == []


def test_every_printed_figure_of_the_corpus_is_accounted_for(con):
    unaccounted = con.execute("""select document_id, detail from marts.quality_findings
                                 where "check" = 'unaccounted_line'""").fetchall()
    assert unaccounted == []


def test_every_corpus_table_document_has_its_core_expenditure_facts(con):
    """The functional and economic general-public tables of each tables-bearing document became facts."""
    facts = dict(
        con.execute(
            """
        select d.document_id, count(e.document_id)
        from marts.dim_document d left join marts.fact_expenditure e using (document_id)
        where d.document_id in (select unnest(?)) group by 1""",
            [[p.stem for p in PDFS]],
        ).fetchall()
    )
    narrative_parts = {p.stem for p in PDFS if p.stem.endswith("_text")}
    for document_id, count in facts.items():
        if document_id in narrative_parts:
            assert count == 0, document_id  # the narrative part of a two-file publication has no tables
        else:
            assert count > 0, document_id


# Read by hand in the text of putuo_czj_2025_dept_budget.pdf (dumped with its line -> page map, and the
# figures found on the same pages of the PDF): its 一般公共预算支出功能分类预算表 runs over pages 15-16
# (2010601 行政运行 16,231,840.80 元 on page 15, 2210201 住房公积金 2,049,197.00 元 on page 16 after the
# break), its 基本支出 economic table over pages 19-20 (30211 差旅费 20,000.00 元 on page 20), and its
# “三公”经费 table is on page 21.
PAGED_DOCUMENT = "putuo_czj_2025_dept_budget"
PRINTED_PAGES = {
    ("general_public_budget", "functional", "2010601"): 15,
    ("general_public_budget", "functional", "2210201"): 16,
    ("general_public_budget", "economic", "30211"): 20,
}
THREE_PUBLIC_PAGE = 21
FACT_MARTS = [
    "fact_expenditure",
    "fact_income",
    "fact_project",
    "fact_three_public",
    "fact_unit_expenditure",
    "fact_indicator",
    "fact_narrative_claim",
]


def test_a_pdf_fact_carries_the_page_it_is_printed_on(con):
    if PAGED_DOCUMENT not in {p.stem for p in PDFS}:
        pytest.skip(f"{PAGED_DOCUMENT}.pdf is not in the corpus")
    rows = con.execute(
        "select fund_scope, classification, subject_code, source_page from marts.fact_expenditure "
        "where document_id = ? and fund_scope = 'general_public_budget' and subject_code in ('2010601', '2210201', '30211')",
        [PAGED_DOCUMENT],
    ).fetchall()
    assert {(scope, kind, code): page for scope, kind, code, page in rows} == PRINTED_PAGES
    pages = con.execute(
        "select distinct source_page from marts.fact_three_public where document_id = ?", [PAGED_DOCUMENT]
    ).fetchall()
    assert pages == [(THREE_PUBLIC_PAGE,)]


def test_every_pdf_fact_has_a_page_and_no_text_fact_has_one(con):
    pdfs = [p.stem for p in PDFS]
    text_facts = con.execute(
        "select count(*) from marts.fact_expenditure where document_id not in (select unnest(?))", [pdfs]
    ).fetchone()[0]
    assert text_facts > 0  # the seeds (text) are published beside the PDFs
    for mart in FACT_MARTS:
        pdf_without_page, text_with_page = con.execute(
            f"""select count(*) filter (where document_id in (select unnest(?)) and source_page is null),
                       count(*) filter (where document_id not in (select unnest(?)) and source_page is not null)
                from marts.{mart}""",
            [pdfs, pdfs],
        ).fetchone()
        assert (mart, pdf_without_page, text_with_page) == (mart, 0, 0)


# The departments of the corpus (SOURCES.md), each over its years and parts: one key each.
CORPUS_DEPARTMENTS = {
    "江苏省高级人民法院": {"jiangsu_gy_2017_dept_budget", "jiangsu_gy_2018_dept_budget", "jiangsu_gy_2019_dept_budget"},
    "江苏省人民检察院": {
        "jiangsu_jcy_2017_dept_budget",
        "jiangsu_jcy_2018_dept_budget",
        "jiangsu_jcy_2019_dept_budget",
    },
    "中共江苏省委办公厅": {
        f"jiangsu_swbgt_{year}_dept_budget_{part}" for year in (2017, 2018, 2019) for part in ("text", "tables")
    },
    "万里街道办事处": {"putuo_wanli_2023_dept_budget", "putuo_wanli_2025_dept_budget"},
    "普陀区人民政府办公室": {"putuo_bgs_2025_dept_budget", "putuo_bgs_2025_unit_budget"},
    "普陀区财政局": {"putuo_czj_2025_dept_budget"},
    "普陀区商务委员会": {"putuo_swj_2025_dept_budget"},
    "上海市财政局": {"shanghai_czj_2025_unit_budget"},
}


def test_each_corpus_department_has_one_key_across_its_years_and_parts(con):
    keys = dict(con.execute("select document_id, department_key from marts.dim_document").fetchall())
    groups = [{keys[document_id] for document_id in documents} for documents in CORPUS_DEPARTMENTS.values()]
    assert all(len(group) == 1 for group in groups)
    assert len(set().union(*groups)) == len(CORPUS_DEPARTMENTS)
