"""Prior years' figures a table prints beside this year's: 上年预算安排情况, 上年预算数 / 上年执行数 /
上年决算数, or 近两年收支金额 over the years it names (2023年 2022年).

The template's 部门整体绩效目标表 opens with the department's funding (部门总体资金情况: rows of
收入构成 and 支出构成, columns 当年金额 and 占比) and many regions print last year's or the last two
years' figures beside them. A column is placed by its header words only: 当年金额 is this year's,
占比 a share (not an amount), 上年… the year before the document's, 近两年… the years printed under
it. A tab-separated row puts each figure in its header's cell; a space-separated row is read in
column order, its 占比 separating this year's figure from the prior ones. A row whose figures cannot
be placed that way (fewer figures than columns, no 占比 between them) is a finding, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lines import squash
from ..model import Finding, PriorYearColumnFigure
from ..numbers import parse_amount, to_wan, unit_of
from ..source import SourceDocument
from ..tables import TableBlock

# The tables that print the department's funding with a prior year beside it.
FUNDING_TABLE_KINDS = ("department_target",)
_CURRENT_HEADER = "当年金额"
_SHARE_HEADER = "占比"
# 上年预算安排情况 | 上年预算数 | 上年执行数 | 上年决算数 | 上年金额: one column, the year before.
_PRIOR_HEADER = re.compile(r"上年度?(?P<kind>预算|执行|决算)?(?:安排情况|安排|数|金额)?")
_PRIOR_KINDS = {"预算": "budget", "执行": "executed", "决算": "final"}
# 近两年收支金额 over 2023年 2022年: one column per year printed under it.
_RECENT_HEADER = re.compile(r"近[两二三]年[\u4e00-\u9fff]*")
_YEAR = re.compile(r"(20\d\d)\s*年")
# A unit printed with the funding label rather than on a 单位 line: 部门总体资金情况（万元）.
_BRACKET_UNIT = re.compile(r"[（(]\s*(万\s*元|元)\s*[）)]")
_SECTIONS = ("收入构成", "支出构成")
# The funding rows end where the form moves on to the department's duties or targets.
_FUNDING_END = re.compile(r"职能|工作任务|项目支出情况|整体绩效|绩效目标|年度目标|长期目标")
# A funding row's label is short (特定目标类项目支出); a longer line is the form's next part (its
# duties, printed as prose), where the rows have ended.
MAX_ROW_LABEL_CHARS = 12
# The header's column words are printed over at most this many lines after 当年金额 (wrapped cells, a
# second line naming the years).
HEADER_SPAN_LINES = 12
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(?:\.\d+)?%$")
_DASHES = re.compile(r"^[—\-－]+")


@dataclass(frozen=True)
class _Column:
    header: str  # as printed: 上年预算安排情况 | 近两年收支金额 2023年
    fiscal_year: int
    amount_kind: str | None
    cell: int | None  # tab cell index, None in a space-separated layout


@dataclass
class _Row:
    section: str | None
    label: str
    line: int
    figures: list[tuple[str, int, int | None]] = field(default_factory=list)  # (token, line, cell)


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("\t")]


def _header_line(doc: SourceDocument, block: TableBlock) -> int | None:
    for number, text in doc.numbered(block.start_line, block.header_end_line):
        if _CURRENT_HEADER in squash(text):
            return number
    return None


def _unit(doc: SourceDocument, block: TableBlock, header: int) -> str | None:
    """单位：万元 on the title lines, or （万元） with the funding label."""
    for _, text in doc.numbered(block.start_line, header):
        unit = unit_of(text)
        bracket = _BRACKET_UNIT.search(text)
        if unit or bracket:
            return unit or ("万元" if "万" in bracket.group(1) else "元")
    return None


def _is_data(text: str) -> bool:
    return any(_AMOUNT.match(token) or _PERCENT.match(token) for token in text.split())


def _columns(doc: SourceDocument, header: int, end: int, fiscal_year: int) -> tuple[list[_Column], int]:
    """The prior-year columns the header names, in printed order, and the header's last line."""
    columns: list[_Column] = []
    recent: str | None = None  # the 近两年… header the years below it belong to
    last = header
    for number, text in doc.numbered(header, min(header + HEADER_SPAN_LINES, end)):
        flat = squash(text)
        if number > header and (any(s in flat for s in _SECTIONS) or _is_data(text)):
            break
        last = number
        for index, cell in enumerate(_cells(text)):
            word = squash(cell)
            cell_index = index if "\t" in text else None
            prior = _PRIOR_HEADER.search(word)
            recent_words = _RECENT_HEADER.search(word)
            if prior and recent is None:
                kind = _PRIOR_KINDS.get(prior.group("kind") or "")
                columns.append(_Column(prior.group(0), fiscal_year - 1, kind, cell_index))
            elif recent_words:
                recent = recent_words.group(0)
            elif recent is not None and number > header:
                for year in _YEAR.findall(word):
                    columns.append(_Column(f"{recent} {year}年", int(year), None, cell_index))
    return columns, last


def _label_and_figures(text: str, number: int) -> tuple[str | None, str, list[tuple[str, int, int | None]]]:
    """(section named on the line, row label, figures with their cell) of one line."""
    section = None
    labels: list[str] = []
    figures: list[tuple[str, int, int | None]] = []
    if "\t" in text:
        pieces = list(enumerate(_cells(text)))
    else:
        pieces = [(None, token) for token in text.split()]
    for cell, piece in pieces:
        word = squash(piece)
        if not word:
            continue
        if _AMOUNT.match(word) or _PERCENT.match(word):
            figures.append((word, number, cell))
        elif word in _SECTIONS:
            section = word
        elif not figures:
            labels.append(word)
    return section, "".join(labels), figures


def _funding_rows(doc: SourceDocument, start: int, end: int) -> list[_Row]:
    """The rows of 收入构成 and 支出构成; a line of figures alone continues the row above it."""
    rows: list[_Row] = []
    section = None
    for number, text in doc.numbered(start, end):
        flat = squash(text)
        if _FUNDING_END.search(flat):
            break
        named, label, figures = _label_and_figures(text, number)
        if len(label) > MAX_ROW_LABEL_CHARS:
            break
        section = named or section
        if label:
            rows.append(_Row(section, label, number, figures))
        elif figures and rows:
            rows[-1].figures.extend(figures)
    return rows


def _placed_by_cell(row: _Row, columns: list[_Column]) -> tuple[str | None, dict[int, str]] | None:
    """A tab-separated row: each figure in its header's cell; this year's left of the prior columns."""
    if any(cell is None for _, _, cell in row.figures):
        return None  # a figure printed outside the cells (a wrapped line without tabs)
    first_prior_cell = min(c.cell for c in columns)
    amounts = [(token, cell) for token, _, cell in row.figures if _AMOUNT.match(token)]
    current = next((token for token, cell in amounts if cell < first_prior_cell), None)
    by_cell = dict((cell, token) for token, cell in amounts)
    return current, {i: by_cell[c.cell] for i, c in enumerate(columns) if c.cell in by_cell}


def _placed_in_order(row: _Row, columns: list[_Column]) -> tuple[str | None, dict[int, str]] | None:
    """A space-separated row: figures in column order, its 占比 between this year's and the prior ones."""
    tokens = [token for token, _, _ in row.figures]
    share = next((i for i, t in enumerate(tokens) if _PERCENT.match(t)), None)
    if share is not None:
        before, after = tokens[:share], [t for t in tokens[share + 1 :] if _AMOUNT.match(t)]
        if len(before) > 1 or after and len(after) != len(columns):
            return None
        return (before[0] if before else None), dict(enumerate(after))
    if len(tokens) == 1 + len(columns):
        return tokens[0], dict(enumerate(tokens[1:]))
    if not tokens:
        return None, {}
    return None


def _placed(row: _Row, columns: list[_Column]) -> tuple[str | None, dict[int, str]] | None:
    """(this year's figure, {column index: figure}) of a row, or None when its figures cannot be placed."""
    if all(c.cell is not None for c in columns):
        return _placed_by_cell(row, columns)
    return _placed_in_order(row, columns)


def _subject(section: str | None, label: str) -> str:
    """The narrative claims' subject the row names, else other."""
    item = {"收入构成": "income", "支出构成": "expenditure"}.get(section or "")
    name = _DASHES.sub("", label)
    if name in ("合计", "总计") and item:
        return f"all_funds.{item}"
    if item == "expenditure" and name in ("基本支出", "项目支出"):
        return "all_funds." + ("basic" if name == "基本支出" else "project")
    if item == "income" and name == "财政拨款":
        return "fiscal_appropriation.income"
    return "other"


def _line_of(row: _Row, token: str, cell: int | None) -> int:
    return next((line for t, line, c in row.figures if t == token and c == cell), row.line)


def _figures_of(doc, block, row, columns, unit) -> tuple[list[PriorYearColumnFigure], list[Finding]]:
    """One row's prior-year figures, or the finding that they cannot be placed."""
    placed = _placed(row, columns)
    if placed is None:
        printed = " ".join(token for token, _, _ in row.figures)
        detail = (
            f"{doc.file_name}:{row.line} {block.label} {row.section or ''} {row.label}: figures {printed} "
            f"cannot be placed in the columns 当年金额 / {' / '.join(c.header for c in columns)}; not read"
        )
        return [], [Finding(doc.document_id, "prior_year_figure_unplaced", "info", detail, row.line)]
    current, priors = placed
    current_wan = to_wan(parse_amount(current), unit) if current else None
    figures = []
    for index, token in sorted(priors.items()):
        column = columns[index]
        figures.append(
            PriorYearColumnFigure(
                document_id=doc.document_id,
                table_kind=block.kind,
                source_table=block.label,
                section=row.section,
                item_name=row.label,
                subject=_subject(row.section, row.label),
                column_header=column.header,
                fiscal_year=column.fiscal_year,
                amount_kind=column.amount_kind,
                amount=to_wan(parse_amount(token), unit),
                amount_printed=token,
                current_amount=current_wan,
                source_unit=unit,
                source_line=_line_of(row, token, column.cell),
            )
        )
    return figures, []


def parse_prior_year_columns(
    doc: SourceDocument, blocks: list[TableBlock], fiscal_year: int | None
) -> tuple[list[PriorYearColumnFigure], list[Finding]]:
    """Every prior-year figure printed in a funding table, with its column's year and kind."""
    figures: list[PriorYearColumnFigure] = []
    findings: list[Finding] = []
    for block in blocks:
        if block.kind not in FUNDING_TABLE_KINDS or fiscal_year is None:
            continue
        header = _header_line(doc, block)
        if header is None:
            continue
        columns, last = _columns(doc, header, block.header_end_line, fiscal_year)
        if not columns:
            continue
        unit = _unit(doc, block, header)
        if unit is None:
            detail = f"{doc.file_name}:{header} {block.label}: prior-year columns printed without a unit; not read"
            findings.append(Finding(doc.document_id, "prior_year_figure_unplaced", "info", detail, header))
            continue
        for row in _funding_rows(doc, last + 1, block.header_end_line):
            rows, unplaced = _figures_of(doc, block, row, columns, unit)
            figures.extend(rows)
            findings.extend(unplaced)
    return figures, findings
