"""The HTML report, drawn by a real browser: every chart renders, no chart reports an error, the page is not blank."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.report import report_documents, write_report, years_chart

from .test_pipeline import REPO, run_job

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (scripts/setup.sh installs it)"
)
SEED = next((REPO / "raw").glob("004_*.txt"))
CHARTS = 3  # by class per document, the same class across documents, departments across years


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """A warehouse holding one department in two years: a seed and the same document a year later."""
    root = tmp_path_factory.mktemp("report")
    raw = root / "raw"
    raw.mkdir()
    text = SEED.read_text("utf-8")
    (raw / SEED.name).write_text(text, "utf-8")
    later = re.sub(r"(?<!\d)(20[0-3]\d)(?=\s*年)", lambda m: str(int(m.group(1)) + 1), text)
    (raw / "later_year.txt").write_text(later, "utf-8")
    warehouse = root / "wh" / "budget.duckdb"
    completed = run_job(raw, warehouse, root / "home")
    assert completed.returncode in (0, 3), completed.stdout[-3000:] + completed.stderr[-3000:]
    return warehouse


def test_the_warehouse_holds_the_department_in_two_years(two_years):
    con = duckdb.connect(str(two_years), read_only=True)
    try:
        years = con.sql(
            "select department_name, list(fiscal_year order by fiscal_year) from marts.dim_document group by 1"
        ).fetchall()
    finally:
        con.close()
    assert years == [("武汉市汉阳区医疗保障局", [2024, 2025])]


def _png_pixels(path: Path) -> bytes:
    """The decompressed scanlines of a PNG (enough to tell a drawn page from a blank one)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return zlib.decompress(b"".join(chunks))


@needs_chromium
def test_the_report_draws_every_chart_without_error(two_years, tmp_path):
    report = write_report(two_years)
    assert report == two_years.with_name("budget.report.html")
    browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000"]
    dom = subprocess.run([*browser, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=180).stdout
    assert dom.count('role="graphics-document"') == CHARTS, dom[-2000:]
    errors = re.search(r'<div id="report-errors">(.*?)</div>', dom, re.S)
    assert errors is not None and errors.group(1).strip() == ""
    assert "武汉市汉阳区医疗保障局" in dom

    screenshot = tmp_path / "report.png"
    subprocess.run(
        [*browser, f"--screenshot={screenshot}", "--window-size=1200,1600", report.as_uri()],
        capture_output=True,
        timeout=180,
        check=True,
    )
    assert len(set(_png_pixels(screenshot))) > 16, "the screenshot is blank"


def test_a_department_renamed_across_years_is_one_line_of_the_years_chart(tmp_path):
    """The chart follows department_key, not the printed name: a short form the next year is the same line."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        """create table marts.dim_document as select * from (values
            ('a', '武汉市汉阳区', '武汉市汉阳区医疗保障局', 2024, 'budget', 'loaded', 'k1'),
            ('b', '武汉市汉阳区', '汉阳区医疗保障局', 2025, 'budget', 'loaded', 'k1'),
            ('c', '武汉市江夏区', '武汉市江夏区医疗保障局', 2025, 'budget', 'loaded', 'k2'))
           t(document_id, region, department_name, fiscal_year, stage, status, department_key)"""
    )
    documents = report_documents(con)
    con.close()
    totals = pl.DataFrame({"document_id": ["a", "b", "c"], "amount_total": [1.0, 2.0, 3.0]})
    lines = years_chart(totals, documents).data.group_by("department").agg(pl.col("fiscal_year"))
    assert sorted((department, sorted(years)) for department, years in lines.rows()) == [
        ("武汉市汉阳区 汉阳区医疗保障局", [2024, 2025]),
        ("武汉市江夏区 武汉市江夏区医疗保障局", [2025]),
    ]
