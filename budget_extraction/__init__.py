"""The parser: from a raw disclosure's text to typed rows.

Plain Python; nothing here knows about Dagster, dbt or DuckDB. It reads top-down:
``source`` (text in) -> ``metadata`` (whose document) -> ``tables`` (the table finder: the one
place that says what a table is) -> ``readers`` (one module per table kind) -> ``model`` (the
typed rows and findings). ``lines``, ``numbers``, ``codes`` and ``columns`` are the shared
toolkit the readers import; they import no reader.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from . import codes
from .metadata import document_metadata, document_part
from .model import (
    PRINTED_NAMES_SEPARATOR,
    ClassTotalLine,
    CoverageLine,
    DocumentRow,
    ExpenditureLine,
    Finding,
    IncomeLine,
    IndicatorLine,
    NarrativeClaim,
    PageRow,
    PriorYearColumnFigure,
    ProjectLine,
    TableRow,
    ThreePublicLine,
    UnitExpenditureLine,
)
from .readers.expenditure import parse_expenditure_tables
from .readers.income import parse_fiscal_appropriation, parse_income, parse_income_summary
from .readers.indicators import parse_indicators
from .readers.narrative import parse_narrative
from .readers.not_modelled import NOT_MODELLED_KINDS, parse_not_modelled
from .readers.prior_year_columns import parse_prior_year_columns
from .readers.projects import parse_projects
from .readers.three_public import parse_three_public
from .readers.unit_expenditure import parse_unit_expenditure_tables
from .source import BadInputError, SourceDocument, read_source, source_from_text
from .tables import find_tables, is_data_line, is_financial, table_rows

CORE_TABLE_KINDS = ("expenditure_summary", "general_public_functional", "general_public_basic_economic")
# Tables whose every printed figure must land in a fact, a checked parent/total, or a finding.
ACCOUNTED_TABLE_KINDS = (
    "income_expenditure_summary",
    "income_summary",
    "expenditure_summary",
    "fiscal_appropriation_summary",
    "general_public_functional",
    "general_public_by_unit",
    "general_public_basic_economic",
    "three_public",
    "government_fund",
    "state_capital",
    "project_expenditure",
    "fiscal_appropriation_functional",
    "fiscal_appropriation_basic_economic",
    *NOT_MODELLED_KINDS,
)
_PRINTED_AMOUNT = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.])\d+\.\d+")


@dataclass
class Extraction:
    """Everything read from one document, ready to be loaded as the raw layer."""

    document: DocumentRow
    pages: list[PageRow] = field(default_factory=list)
    tables: list[TableRow] = field(default_factory=list)
    expenditure_lines: list[ExpenditureLine] = field(default_factory=list)
    project_lines: list[ProjectLine] = field(default_factory=list)
    three_public_lines: list[ThreePublicLine] = field(default_factory=list)
    income_lines: list[IncomeLine] = field(default_factory=list)
    unit_expenditure_lines: list[UnitExpenditureLine] = field(default_factory=list)
    class_total_lines: list[ClassTotalLine] = field(default_factory=list)
    indicator_lines: list[IndicatorLine] = field(default_factory=list)
    coverage_lines: list[CoverageLine] = field(default_factory=list)
    narrative_claims: list[NarrativeClaim] = field(default_factory=list)
    prior_year_column_figures: list[PriorYearColumnFigure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # The text the readers read, line for line: every source_line points into it (for a PDF, the
    # only place its lines exist as text).
    source_text: str = ""

    def rows(self) -> dict[str, list]:
        """Rows per raw table name (see model.RAW_TABLES)."""
        return {
            "documents": [self.document],
            "pages": self.pages,
            "tables": self.tables,
            "expenditure_lines": self.expenditure_lines,
            "project_lines": self.project_lines,
            "three_public_lines": self.three_public_lines,
            "income_lines": self.income_lines,
            "unit_expenditure_lines": self.unit_expenditure_lines,
            "class_total_lines": self.class_total_lines,
            "indicator_lines": self.indicator_lines,
            "coverage_lines": self.coverage_lines,
            "narrative_claims": self.narrative_claims,
            "prior_year_column_figures": self.prior_year_column_figures,
            "findings": self.findings,
        }


def _document_row(doc: SourceDocument, meta) -> DocumentRow:
    return DocumentRow(
        document_id=doc.document_id,
        file_name=doc.file_name,
        source_sha256=doc.sha256,
        encoding=doc.encoding,
        line_count=len(doc.lines),
        department_name=meta.department_name,
        region=meta.region,
        fiscal_year=meta.fiscal_year,
        stage=meta.stage,
        # A consolidated (汇总) document says so or lists its subordinate units; one that does neither is one unit's.
        scope=meta.scope or "entity",
        text_sha256=hashlib.sha256("\n".join(doc.lines).encode("utf-8")).hexdigest(),
        source_format=doc.source_format,
        page_count=doc.page_count,
        printed_department_names=PRINTED_NAMES_SEPARATOR.join(meta.printed_names) or None,
    )


def page_rows(doc: SourceDocument) -> list[PageRow]:
    """Where each page's lines are (PDF input only)."""
    lines_of: dict[int, list[int]] = {}
    for number, page in enumerate(doc.line_pages, 1):
        lines_of.setdefault(page, []).append(number)
    return [
        PageRow(
            doc.document_id,
            page,
            min(lines_of[page]) if page in lines_of else None,
            max(lines_of[page]) if page in lines_of else None,
            page in lines_of,
        )
        for page in range(1, doc.page_count + 1)
    ]


def textless_page_findings(doc: SourceDocument, blocks: list) -> list[Finding]:
    """A page without a text layer: noted on a cover, a finding where the tables are (their figures are lost)."""
    if not doc.pages_without_text:
        return []
    first_table_page = min((doc.page_of(b.start_line) for b in blocks), default=None)
    findings = []
    for page in doc.pages_without_text:
        in_tables = first_table_page is not None and page > first_table_page
        severity = "warning" if in_tables else "info"
        where = "among the tables: any table printed on it is not read" if in_tables else "before the tables"
        findings.append(
            Finding(
                doc.document_id,
                "page_without_text",
                severity,
                f"{doc.file_name} page {page}: no text layer (a scanned image?), {where}",
            )
        )
    return findings


def _require_identity(doc: SourceDocument, row: DocumentRow) -> None:
    """A document we cannot place (no year, stage, department) is not a disclosure we can publish."""
    missing = [name for name in ("department_name", "fiscal_year", "stage") if getattr(row, name) is None]
    if missing:
        raise BadInputError(
            doc.file_name,
            f"not a recognisable 部门预算/部门决算 disclosure: could not read {', '.join(missing)} from the text",
        )


def _require_complete(doc: SourceDocument, blocks, part: str) -> list[Finding]:
    """Text that stops inside a financial table was cut short: its last table cannot be trusted.
    A tables part (the tables of a document published in two files) ends with its last table by
    nature: that is noted, and its totals are checked like any table's."""
    last_text = max((n for n, line in doc.numbered() if line.strip()), default=0)
    if not blocks or blocks[-1].kind in NOT_MODELLED_KINDS:
        return []
    last = blocks[-1]
    if last.end_line < last_text or last.is_empty:
        return []
    if part == "tables":
        return [
            Finding(
                doc.document_id,
                "tables_part_ends_in_table",
                "warning",
                f"{doc.file_name}:{last_text}: a tables part ends inside table {last.label} ({last.title}); "
                "read as the end of the file, not as a cut",
                last_text,
            )
        ]
    raise BadInputError(
        doc.file_name,
        f"truncated: the text ends inside table {last.label} ({last.title}) with no table or section after it",
        last_text,
    )


def _prints_amounts(text: str, unit: str | None) -> bool:
    """A line that prints figures: decimals or separators anywhere; in a 元 table also whole
    numbers in row form (元 regions print 5873551 with no decimals)."""
    return bool(_PRINTED_AMOUNT.search(text)) or unit == "元" and is_data_line(text)


def unaccounted_lines(doc: SourceDocument, blocks, coverage: list[CoverageLine]) -> list[Finding]:
    """The safety net under every table parser: a printed amount that no parser accounted for is an error."""
    covered = {(line.source_line) for line in coverage}
    findings = []
    for block in blocks:
        if block.kind not in ACCOUNTED_TABLE_KINDS:
            continue
        for number in range(block.header_end_line + 1, block.end_line + 1):
            text = doc.line(number)
            if number not in covered and _prints_amounts(text, block.unit):
                findings.append(
                    Finding(
                        doc.document_id,
                        "unaccounted_line",
                        "error",
                        f"{doc.file_name}:{number} {block.label} {block.title}: a line with printed amounts that no "
                        f"table parser read or reported: {' '.join(text.split())[:80]}",
                        number,
                    )
                )
    return findings


def _read_tables(doc: SourceDocument, blocks: list, document_stage: str | None, result: Extraction) -> None:
    """Every financial table, each by the reader of its kind."""
    known = codes.known_codes(doc, blocks)
    rows, coverage, findings = parse_expenditure_tables(doc, blocks, known)
    result.expenditure_lines.extend(rows)
    result.coverage_lines.extend(coverage)
    result.findings.extend(findings)
    for block in blocks:
        if block.kind == "income_summary":
            rows, coverage, findings = parse_income_summary(doc, block, known)
            result.income_lines.extend(rows)
        elif block.kind == "income_expenditure_summary":
            rows, coverage, findings = parse_income(doc, block)
            result.income_lines.extend(r for r in rows if isinstance(r, IncomeLine))
            result.class_total_lines.extend(r for r in rows if isinstance(r, ClassTotalLine))
        elif block.kind == "fiscal_appropriation_summary":
            rows, coverage, findings = parse_fiscal_appropriation(doc, block)
            result.class_total_lines.extend(rows)
        elif block.kind == "three_public":
            rows, coverage, findings = parse_three_public(doc, block, document_stage)
            result.three_public_lines.extend(rows)
        elif block.kind == "project_expenditure":
            rows, coverage, findings = parse_projects(doc, block)
            result.project_lines.extend(rows)
        elif block.kind in NOT_MODELLED_KINDS:
            _, coverage, findings = parse_not_modelled(doc, block)
        else:
            continue
        result.coverage_lines.extend(coverage)
        result.findings.extend(findings)
    rows, coverage, findings = parse_unit_expenditure_tables(doc, blocks)
    result.unit_expenditure_lines.extend(rows)
    result.coverage_lines.extend(coverage)
    result.findings.extend(findings)


def extract_document(doc: SourceDocument) -> Extraction:
    """Read every recognised table of one document into rows, findings and a coverage account.

    The flow: the document's identity (metadata) -> the tables (the finder) -> one reader
    per table kind -> the safety net over every financial line -> the performance tables.
    Raises BadInputError for text that is not a disclosure or was cut short: such a
    file is quarantined as a whole rather than published in part.
    """
    meta = document_metadata(doc)
    document = _document_row(doc, meta)
    _require_identity(doc, document)
    result = Extraction(document=document, pages=page_rows(doc), source_text="\n".join(doc.lines))
    if meta.scope is None:
        result.findings.append(
            Finding(
                doc.document_id,
                "scope_inferred",
                "info",
                f"{doc.file_name}: neither 汇总/本级 nor subordinate units are printed; "
                "read as one unit's document (scope entity)",
            )
        )

    blocks = find_tables(doc)
    financial = [block for block in blocks if is_financial(block)]
    part = document_part(meta, has_tables=any(block.kind in ACCOUNTED_TABLE_KINDS for block in financial))
    result.document = replace(document, document_part=part)
    result.findings.extend(_require_complete(doc, financial, part))
    result.findings.extend(textless_page_findings(doc, blocks))
    result.tables.extend(table_rows(doc, financial))
    _read_tables(doc, financial, meta.stage, result)
    result.findings.extend(unaccounted_lines(doc, financial, result.coverage_lines))

    indicators, coverage, findings = parse_indicators(doc, blocks)
    result.indicator_lines.extend(indicators)
    result.coverage_lines.extend(coverage)
    result.findings.extend(findings)

    claims, findings = parse_narrative(doc, blocks)
    result.narrative_claims.extend(claims)
    result.findings.extend(findings)

    priors, findings = parse_prior_year_columns(doc, blocks, meta.fiscal_year)
    result.prior_year_column_figures.extend(priors)
    result.findings.extend(findings)

    if part == "narrative":
        result.findings.append(
            Finding(
                doc.document_id,
                "narrative_part",
                "info",
                f"{doc.file_name}: the narrative part (说明) of a document published in two files: it prints "
                "no financial table; its tables are read from its companion tables part",
            )
        )
        return result
    found = {table.table_kind for table in result.tables}
    for kind in CORE_TABLE_KINDS:
        if kind not in found:
            result.findings.append(
                Finding(
                    doc.document_id,
                    "core_table_missing",
                    "warning",
                    f"{doc.file_name}: no {kind} table recognised; the document is loaded without it",
                )
            )
    return result


__all__ = [
    "BadInputError",
    "Extraction",
    "SourceDocument",
    "extract_document",
    "read_source",
    "source_from_text",
]
