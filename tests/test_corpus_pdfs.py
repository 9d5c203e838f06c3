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


# The departments of the corpus (SOURCES.md), each over its years and parts: one key each.
CORPUS_DEPARTMENTS = {
    "江苏省高级人民法院": {"jiangsu_gy_2017_dept_budget", "jiangsu_gy_2018_dept_budget", "jiangsu_gy_2019_dept_budget"},
    "江苏省人民检察院": {"jiangsu_jcy_2017_dept_budget", "jiangsu_jcy_2018_dept_budget", "jiangsu_jcy_2019_dept_budget"},
    "中共江苏省委办公厅": {f"jiangsu_swbgt_{year}_dept_budget_{part}" for year in (2017, 2018, 2019) for part in ("text", "tables")},
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
