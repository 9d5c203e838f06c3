#!/usr/bin/env python3
"""Build a raw-only DuckDB warehouse from the seeds in raw/, to develop the dbt project against.

usage: .venv/bin/python scripts/build_raw_dev.py [--out FILE] [--raw DIR] [--handwritten]

Each raw file is read with ``read_source`` and extracted with ``extract_document``,
written to an ``ExtractedStore`` beside the output file, decided on by
``corpus.decide`` and loaded by ``warehouse.build_raw_layer`` (with the reviewed list
of expectations/known_source_inconsistencies.csv), exactly as the pipeline does.

While the extraction parsers are still being written (``extract_document`` raises
NotImplementedError or ImportError), or with --handwritten, a document gets its
DocumentRow from the metadata reader and, for seed 000 only, hand-picked rows: the
tab-separated tables 1, 3, 5-1, 6, 7, 10 and part of 14 of that file, read cell by
cell at fixed line numbers. That is development data, not extraction.

Then:
  BUDGET_WAREHOUSE=<file> .venv/bin/dbt build --project-dir dbt_project --profiles-dir dbt_project
  .venv/bin/python /work/shared/tools/check_contract.py <file>
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from budget_extraction import Extraction, SourceDocument, _document_row, extract_document, read_source  # noqa: E402
from budget_extraction.model import (  # noqa: E402
    ClassTotalLine,
    CoverageLine,
    ExpenditureLine,
    IncomeLine,
    IndicatorLine,
    ProjectLine,
    TableRow,
    ThreePublicLine,
)
from orchestration.corpus import Candidate, decide  # noqa: E402
from orchestration.store import ExtractedStore  # noqa: E402
from orchestration.warehouse import build_raw_layer, read_reviewed, store_root  # noqa: E402

SEED_000 = "000_df7f9757fe457667"


def _amount(cell: str) -> Decimal | None:
    cell = cell.strip().replace(",", "")
    return Decimal(cell) if cell else None


def _cells(doc: SourceDocument, line: int) -> list[str]:
    return [c.strip() for c in doc.line(line).split("\t")]


def _expenditure_table(doc, table_kind, fund_scope, classification, label, lines, columns):
    """Rows of one tab-separated expenditure table: code, name, then the amount columns in order."""
    rows, coverage = [], []
    parsed = []
    for number in lines:
        cells = _cells(doc, number)
        code = cells[0] or None
        amounts = dict(zip(columns, (_amount(c) for c in cells[2 : 2 + len(columns)])))
        parsed.append((number, code, cells[1], amounts))
    codes = {code for _, code, _, _ in parsed if code}
    for number, code, name, amounts in parsed:
        rows.append(
            ExpenditureLine(
                document_id=doc.document_id,
                table_kind=table_kind,
                fund_scope=fund_scope,
                classification=classification,
                row_kind="subject" if code else "total",
                printed_code=code,
                subject_code=code,
                subject_name=name if code else None,
                amount_total=amounts.get("amount_total"),
                amount_basic=amounts.get("amount_basic"),
                amount_project=amounts.get("amount_project"),
                amount_personnel=amounts.get("amount_personnel"),
                amount_public=amounts.get("amount_public"),
                source_unit="万元",
                source_table=label,
                source_line=number,
            )
        )
        is_parent = code and any(c != code and c.startswith(code) for c in codes)
        outcome = "total" if not code else ("parent" if is_parent else "fact")
        coverage.append(CoverageLine(doc.document_id, table_kind, label, number, outcome, None))
    return rows, coverage


def handwritten_000(doc: SourceDocument, result: Extraction) -> None:
    """Development rows for seed 000, read at fixed lines of its tab-separated tables."""
    d = doc.document_id
    result.tables.extend(
        [
            TableRow(d, "income_expenditure_summary", "表 1", "收支总体情况表", "万元", 155, 192, False),
            TableRow(d, "expenditure_summary", "表 3", "支出总表", "万元", 209, 238, False),
            TableRow(
                d, "general_public_functional", "表 5-1", "一般公共预算支出表(分功能科目)", "万元", 277, 307, False
            ),
            TableRow(d, "general_public_basic_economic", "表 6", "一般公共预算基本支出表", "万元", 324, 350, False),
            TableRow(d, "three_public", "表 7", "一般公共预算“三公”经费支出表", "万元", 352, 361, False),
            TableRow(d, "project_expenditure", "表10", "项目支出表", "万元", 385, 405, False),
        ]
    )
    for spec in [
        (
            "expenditure_summary",
            "all_funds",
            "functional",
            "表 3",
            range(218, 239),
            ["amount_total", "amount_basic", "amount_project"],
        ),
        (
            "general_public_functional",
            "general_public_budget",
            "functional",
            "表 5-1",
            range(287, 308),
            ["amount_total", "amount_basic", "amount_personnel", "amount_public", "amount_project"],
        ),
        (
            "general_public_basic_economic",
            "general_public_budget",
            "economic",
            "表 6",
            range(334, 351),
            ["amount_total", "amount_personnel", "amount_public"],
        ),
    ]:
        rows, coverage = _expenditure_table(doc, *spec)
        result.expenditure_lines.extend(rows)
        result.coverage_lines.extend(coverage)

    class_codes = {"社会保障和就业支出": "208", "卫生健康支出": "210", "住房保障支出": "221"}
    for number in range(165, 190):
        cells = _cells(doc, number)
        name = cells[2].split("、", 1)[-1]
        if name in class_codes:
            result.class_total_lines.append(
                ClassTotalLine(
                    d, "income_expenditure_summary", class_codes[name], name, _amount(cells[3]), "万元", "表 1", number
                )
            )
    result.income_lines.append(
        IncomeLine(
            d, "general_public_budget", "一般公共预算拨款收入", _amount(_cells(doc, 165)[1]), "万元", "表 1", 165
        )
    )
    result.income_lines.append(IncomeLine(d, "total", "收入总计", _amount(_cells(doc, 192)[1]), "万元", "表 1", 192))

    items = ["total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation", "reception"]
    for item, cell in zip(items, _cells(doc, 360)):
        result.three_public_lines.append(ThreePublicLine(d, item, _amount(cell), "万元", "表 7", 360))

    for number in (399, 400, 401, 402, 405):
        c = _cells(doc, number)
        result.project_lines.append(
            ProjectLine(
                d,
                c[0],
                c[1],
                c[2],
                c[0][11] if len(c[0]) > 11 else None,
                _amount(c[3]),
                _amount(c[4]),
                _amount(c[5]),
                _amount(c[6]),
                Decimal("0"),
                "万元",
                "表10",
                number,
            )
        )

    l1 = l2 = None
    for number in range(469, 480):
        c = _cells(doc, number)
        if len(c) < 6 or not c[3]:
            continue
        l1, l2 = c[1] or l1, c[2] or l2
        text = c[4]
        op = next((o for s, o in (("≥", ">="), ("≤", "<="), (">", ">"), ("<", "<")) if text.startswith(s)), None)
        number_part = text.lstrip("≥≤<>").split(" ")[0].rstrip("%")
        value = float(number_part) if number_part.replace(".", "").isdigit() else None
        if value is not None and op is None:
            op = "="
        unit = text.lstrip("≥≤<>0123456789. ") or None if value is not None else None
        result.indicator_lines.append(
            IndicatorLine(
                d,
                "department_target",
                "department",
                None,
                None,
                "long_term",
                "长期目标1",
                l1,
                l2,
                c[3],
                None,
                text,
                op,
                value,
                unit,
                None,
                c[5] or None,
                None,
                None,
                "表 14",
                number,
            )
        )


def extract(doc: SourceDocument, handwritten: bool) -> tuple[Extraction, str]:
    if not handwritten:
        try:
            return extract_document(doc), "extracted"
        except (NotImplementedError, ImportError) as error:
            print(f"  {doc.file_name}: extraction not available yet ({type(error).__name__}: {error})")
    result = Extraction(document=_document_row(doc))
    if doc.document_id == SEED_000:
        handwritten_000(doc, result)
        return result, "hand-written rows"
    return result, "document row only"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "warehouse" / "dev" / "budget.duckdb")
    parser.add_argument("--raw", type=Path, default=REPO / "raw")
    parser.add_argument("--handwritten", action="store_true", help="skip extract_document, use the dev rows")
    args = parser.parse_args()

    out = args.out.resolve()
    store = ExtractedStore(store_root(out))
    candidates = []
    for path in sorted(args.raw.glob("*.txt")):
        doc = read_source(path)
        extraction, mode = extract(doc, args.handwritten)
        store.write_extraction(extraction)
        row = extraction.document
        counts = {k: len(v) for k, v in extraction.rows().items() if k != "documents" and v}
        print(f"{doc.document_id}: {mode} {counts}")
        candidates.append(
            Candidate(
                document_id=row.document_id,
                file_name=row.file_name,
                status="ok",
                source_sha256=row.source_sha256,
                error=None,
                error_line=None,
                has_rows=True,
                identity=(row.department_name, row.region, row.fiscal_year, row.stage, row.scope),
                modified=path.stat().st_mtime,
                present=True,
            )
        )
    decisions = decide(candidates)
    counts = build_raw_layer(out, store, decisions, read_reviewed())
    print(f"raw layer at {out}: {counts}")
    print(f"next: BUDGET_WAREHOUSE={out} .venv/bin/dbt build --project-dir dbt_project --profiles-dir dbt_project")
    return 0


if __name__ == "__main__":
    sys.exit(main())
