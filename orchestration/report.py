"""The run's report: one static HTML file beside the warehouse, for people who look rather than query.

Read from the published warehouse (read-only): per document the expenditure by function class
(类) and basic vs project; across documents the same class side by side and each department
across the years loaded; the quality findings with file:line (and page for PDFs). Charts are
Vega-Lite specifications built with altair, drawn by the vega-embed bundle that vl-convert ships,
inlined so that the file opens offline.

    .venv/bin/python -m orchestration.report warehouse/budget.duckdb   # writes warehouse/budget.report.html
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import altair as alt
import duckdb
import polars as pl
import vl_convert

# The all-funds functional table (支出总表) is the document's whole expenditure by function.
WHOLE_EXPENDITURE = "e.fund_scope = 'all_funds' and e.classification = 'functional'"
# Findings listed in the report: what a reviewer must look at (info findings stay in the warehouse).
LISTED_SEVERITIES = ("error", "warning", "quarantine")
# Rows of the findings table; the warehouse holds them all.
MAX_LISTED_FINDINGS = 500


def report_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.stem + ".report.html")


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


def report_documents(con) -> pl.DataFrame:
    return _frame(
        con,
        """
        select document_id, coalesce(region, '') || ' ' || coalesce(department_name, '') || ' '
               || fiscal_year || ' ' || stage as label, region, department_name, fiscal_year, stage, status,
               department_key,
               -- a department renamed across years is one line, named as its latest document prints it
               last(coalesce(region, '') || ' ' || coalesce(department_name, '') order by fiscal_year)
                   over (partition by department_key) as department
        from marts.dim_document order by region, department_name, fiscal_year, stage""",
    )


def _class_totals(con) -> pl.DataFrame:
    """Whole expenditure per document and function class (类), from its leaves, in 万元."""
    return _frame(
        con,
        f"""
        select e.document_id, left(e.subject_code, 3) as class_code,
               coalesce(s.subject_name, left(e.subject_code, 3)) as class_name,
               cast(sum(e.amount_total) as double) as amount_total,
               cast(sum(coalesce(e.amount_basic, 0)) as double) as amount_basic,
               cast(sum(coalesce(e.amount_project, 0)) as double) as amount_project
        from marts.fact_expenditure e
        left join marts.dim_subject s
          on s.classification = 'functional' and s.subject_code = left(e.subject_code, 3)
        where {WHOLE_EXPENDITURE}
        group by all order by 1, 2""",
    )


def _findings(con) -> pl.DataFrame:
    severities = ", ".join(f"'{s}'" for s in LISTED_SEVERITIES)
    return _frame(
        con,
        f"""
        select f.document_id, f.severity, f."check", f.source_line, f.detail, d.file_name
        from marts.quality_findings f left join marts.dim_document d using (document_id)
        where f.severity in ({severities})
        order by case f.severity when 'error' then 0 when 'quarantine' then 1 else 2 end, 1, 4
        limit {MAX_LISTED_FINDINGS}""",
    )


def class_chart(totals: pl.DataFrame, documents: pl.DataFrame) -> alt.Chart:
    """Per document: expenditure by function class, basic and project stacked."""
    labelled = totals.join(documents.select("document_id", "label"), on="document_id")
    long = labelled.unpivot(
        index=["label", "class_name"], on=["amount_basic", "amount_project"], variable_name="part", value_name="amount"
    ).with_columns(pl.col("part").replace({"amount_basic": "基本支出", "amount_project": "项目支出"}))
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("class_name:N", title="功能分类（类）"),
            x=alt.X("sum(amount):Q", title="万元"),
            color=alt.Color("part:N", title=""),
            row=alt.Row("label:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
            tooltip=["label", "class_name", "part", alt.Tooltip("amount:Q", format=",.2f")],
        )
        .properties(width=520, title="Expenditure by function class, basic and project (万元)")
    )


def comparison_chart(totals: pl.DataFrame, documents: pl.DataFrame) -> alt.Chart:
    """Across documents: the same function class side by side."""
    labelled = totals.join(documents.select("document_id", "label"), on="document_id")
    return (
        alt.Chart(labelled)
        .mark_bar()
        .encode(
            x=alt.X("label:N", title=None, axis=alt.Axis(labelAngle=-30, labelLimit=240)),
            y=alt.Y("amount_total:Q", title="万元"),
            column=alt.Column("class_name:N", title="功能分类（类）"),
            tooltip=["label", "class_name", alt.Tooltip("amount_total:Q", format=",.2f")],
        )
        .properties(width=160, title="The same class across documents (万元)")
    )


def years_chart(totals: pl.DataFrame, documents: pl.DataFrame) -> alt.Chart:
    """Each department across the years loaded (one line per department_key): whole expenditure per year and stage."""
    per_document = totals.group_by("document_id").agg(pl.col("amount_total").sum())
    yearly = per_document.join(documents, on="document_id")
    return (
        alt.Chart(yearly)
        .mark_line(point=True)
        .encode(
            x=alt.X("fiscal_year:O", title="fiscal year"),
            y=alt.Y("amount_total:Q", title="万元"),
            detail="department_key:N",
            color=alt.Color("department:N", title="department"),
            strokeDash=alt.StrokeDash("stage:N"),
            tooltip=["department", "fiscal_year", "stage", alt.Tooltip("amount_total:Q", format=",.2f")],
        )
        .properties(width=640, title="Departments across years: whole expenditure (万元)")
    )


def _findings_table(findings: pl.DataFrame) -> str:
    rows = []
    for f in findings.iter_rows(named=True):
        where = (
            f"{f['file_name'] or f['document_id']}:{f['source_line']}"
            if f["source_line"]
            else (f["file_name"] or f["document_id"] or "corpus")
        )
        rows.append(
            "<tr>"
            + "".join(f"<td>{html.escape(str(v))}</td>" for v in (f["severity"], f["check"], where, f["detail"]))
            + "</tr>"
        )
    if not rows:
        return "<p>No error or warning findings.</p>"
    head = "<tr><th>severity</th><th>check</th><th>where</th><th>detail</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _documents_table(documents: pl.DataFrame) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (d["document_id"], d["region"], d["department_name"], d["fiscal_year"], d["stage"], d["status"])
        )
        + "</tr>"
        for d in documents.iter_rows(named=True)
    )
    return (
        "<table><tr><th>document</th><th>region</th><th>department</th><th>year</th><th>stage</th>"
        f"<th>status</th></tr>{rows}</table>"
    )


def render_report(warehouse: Path) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        documents, totals, findings = report_documents(con), _class_totals(con), _findings(con)
    finally:
        con.close()
    charts = [class_chart(totals, documents), comparison_chart(totals, documents), years_chart(totals, documents)]
    divs = "".join(f'<div class="chart" id="chart{n}"></div>' for n in range(len(charts)))
    embeds = "".join(
        f"vegaEmbed('#chart{n}', {json.dumps(chart.to_dict())}, {{mode: 'vega-lite', actions: false}})"
        ".catch(reportError);\n"
        for n, chart in enumerate(charts)
    )
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="UTF-8"><title>Budget warehouse report</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}} .chart{{margin:1.5em 0}}</style>
<script type="text/javascript">{vl_convert.javascript_bundle()}</script></head>
<body><h1>Budget warehouse report</h1><p>{html.escape(str(warehouse))}</p>
<h2>Documents</h2>{_documents_table(documents)}
<h2>Expenditure</h2>{divs}
<h2>Quality findings (errors and warnings)</h2>{_findings_table(findings)}
<div id="report-errors"></div>
<script type="text/javascript">
function reportError(error) {{  // a chart that cannot draw says so on the page, not only in the console
  console.error(error);
  document.getElementById('report-errors').append('chart error: ' + error + ' ');
}}
window.addEventListener('error', event => reportError(event.message));
{embeds}</script></body></html>
"""


def write_report(warehouse: Path) -> Path:
    """Render the report of a published warehouse beside it (atomically replaced)."""
    target = report_path(warehouse)
    tmp = target.with_name("." + target.name + ".tmp")
    tmp.write_text(render_report(warehouse), "utf-8")
    tmp.replace(target)
    return target


if __name__ == "__main__":
    print(write_report(Path(sys.argv[1]).resolve()))
