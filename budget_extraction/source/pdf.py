"""Reading a PDF disclosure: its text layer laid out as lines of cells, with the page of each line.

The text comes from PDFium (pypdfium2), character by character with its position, because the
layout carries the table: characters on one baseline make a printed line, a wide gap between
two characters is a cell boundary (written as a tab, as the tab layouts of text disclosures
are), a narrow one a space. The lines then go through the same cleaning as text input, so
every reader sees one kind of line whatever the source format.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .document import BadInputError, SourceDocument
from .text import clean_line, document_id_for

# Thresholds are fractions of the characters' own height, so they hold at any font size.
# Two characters whose baselines differ by less than this are on one printed line (sub-pixel
# jitter and mixed fonts in one row shift a baseline by a fraction of a character).
SAME_LINE_FRACTION = 0.5
# A gap wider than this separates two cells: table columns sit at least most of a character
# apart, while the characters of one cell touch (their advance boxes abut).
CELL_GAP_FRACTION = 0.8
# A visible gap narrower than a cell gap is a space inside a cell (a word space in Latin text,
# the space a PDF prints between a code and its name).
WORD_GAP_FRACTION = 0.2
# A path thinner than this (PDF points) is a ruling line of a table, not a shape or a fill.
RULE_THICKNESS = 2.0
# A ruled row holds at most this many baselines when one of its cells wraps (a name over two or
# three lines, its figure centred between them); more would be a table ruled only around its body.
MAX_WRAPPED_BASELINES = 4
# Two characters printed one after the other within this many character sizes are neighbours
# on one line: the direction between them is the direction the text runs.
NEIGHBOUR_REACH = 2.0
# The first characters of a page are enough to tell which way its text runs.
TURN_SAMPLE = 100
# A PDF file starts with this signature within its first kilobyte.
PDF_SIGNATURE = b"%PDF-"
PDF_SIGNATURE_WINDOW = 1024
# A cell that prints a figure only (two of them stacked in one column are two rows, not a wrap).
_FIGURE = re.compile(r"-?[\d,]+(?:\.\d+)?")
# A row prints a figure: an amount with decimals or thousands separators. Header rows print none,
# and header rows are left as printed (their spanning titles are read from their order).
_FIGURE_IN_LINE = re.compile(r"\d,\d{3}|\d\.\d")


@dataclass(frozen=True)
class PrintedChar:
    """One character as printed: its left and right edges, baseline and height (PDF points)."""

    left: float
    right: float
    baseline: float
    height: float
    text: str


@dataclass(frozen=True)
class Rule:
    """A ruling line of a table: ``at`` is its y (horizontal) or x (vertical), ``start``..``end`` its extent."""

    at: float
    start: float
    end: float


@dataclass(frozen=True)
class PageRules:
    """The ruling lines of one page, horizontal and vertical."""

    horizontal: tuple[Rule, ...] = ()
    vertical: tuple[Rule, ...] = ()


def read_pdf_source(path: Path | str) -> SourceDocument:
    """A PDF's text layer as numbered lines; pages without text are recorded, not skipped silently."""
    path = Path(path)
    data = path.read_bytes()
    pdf = open_pdf(data, path.name)
    lines: list[str] = []
    line_pages: list[int] = []
    pages_without_text: list[int] = []
    try:
        for index in range(len(pdf)):
            page_number = index + 1
            page_lines = _page_lines(pdf, index, path.name)
            if not page_lines:
                pages_without_text.append(page_number)
            lines.extend(page_lines)
            line_pages.extend([page_number] * len(page_lines))
        page_count = len(pdf)
    finally:
        pdf.close()
    return SourceDocument(
        document_id=document_id_for(path),
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="pdf",
        lines=tuple(lines),
        line_pages=tuple(line_pages),
        pages_without_text=tuple(pages_without_text),
        page_count=page_count,
        source_format="pdf",
    )


def open_pdf(data: bytes, file_name: str) -> pdfium.PdfDocument:
    """The parsed PDF, or a BadInputError saying why it cannot be read (not a PDF, encrypted, damaged)."""
    if not data.strip():
        raise BadInputError(file_name, "empty file: no text to read")
    if PDF_SIGNATURE not in data[:PDF_SIGNATURE_WINDOW]:
        raise BadInputError(file_name, "not a PDF: the file has no %PDF- signature")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise BadInputError(file_name, "encrypted PDF: it needs a password to be read") from None
        raise BadInputError(file_name, f"damaged PDF: PDFium cannot open it ({message})") from None


def _page_lines(pdf: pdfium.PdfDocument, index: int, file_name: str) -> list[str]:
    try:
        page = pdf[index]
    except pdfium.PdfiumError as error:
        raise BadInputError(file_name, f"damaged PDF: page {index + 1} cannot be read ({error})") from None
    try:
        text_page = page.get_textpage()
        try:
            chars, turn = page_chars(text_page)
        finally:
            text_page.close()
        rules = page_rules(page, turn) if chars else PageRules()
    finally:
        page.close()
    return [clean_line(line) for line in layout_lines(chars, rules)]


def page_rules(page: pdfium.PdfPage, turn: int = 0) -> PageRules:
    """The thin path objects of a page: the ruling lines that draw a table's rows and columns
    (in the reading frame of its characters)."""
    horizontal: list[Rule] = []
    vertical: list[Rule] = []
    raw_page = page.raw
    bounds = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(b) for b in bounds]
    get_object, get_type, get_bounds = (
        pdfium_c.FPDFPage_GetObject,
        pdfium_c.FPDFPageObj_GetType,
        pdfium_c.FPDFPageObj_GetBounds,
    )
    for index in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
        path = get_object(raw_page, index)
        if get_type(path) != pdfium_c.FPDF_PAGEOBJ_PATH or not get_bounds(path, *refs):
            continue
        left, bottom, right, top = turned_box(*(b.value for b in bounds), turn)
        if top - bottom <= RULE_THICKNESS < right - left:
            horizontal.append(Rule((top + bottom) / 2, left, right))
        elif right - left <= RULE_THICKNESS < top - bottom:
            vertical.append(Rule((left + right) / 2, bottom, top))
    return PageRules(tuple(horizontal), tuple(vertical))


def page_chars(text_page: pdfium.PdfTextPage) -> tuple[list[PrintedChar], int]:
    """The printed characters of one page (PDFium's generated spaces and line breaks left out),
    in the page's reading frame, and the turn that brought them there (see reading_turn)."""
    raw_page = text_page.raw
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    box = pdfium_c.FS_RECTF()
    printed = []
    for i in range(pdfium_c.FPDFText_CountChars(raw_page)):
        code = pdfium_c.FPDFText_GetUnicode(raw_page, i)
        if code < 0x20 or code in (0xFFFE, 0xFFFF) or pdfium_c.FPDFText_IsGenerated(raw_page, i) == 1:
            continue
        text = chr(code)
        if text.isspace():
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw_page, i, origin_x, origin_y)
        pdfium_c.FPDFText_GetLooseCharBox(raw_page, i, ctypes.byref(box))
        if box.top > box.bottom and box.right > box.left:
            printed.append((box.left, box.bottom, box.right, box.top, origin_x.value, origin_y.value, text))
    turn = reading_turn(printed)
    if turn == 0:
        return [PrintedChar(left, right, y, top - bottom, text) for left, bottom, right, top, _, y, text in printed], 0
    chars = []
    for left, bottom, right, top, x, y, text in printed:
        left, bottom, right, top = turned_box(left, bottom, right, top, turn)
        chars.append(PrintedChar(left, right, turned_point(x, y, turn)[1], top - bottom, text))
    return chars, turn


def reading_turn(printed: list[tuple]) -> int:
    """The angle (0, 90, 180 or 270 degrees) to turn a page back by so that its text reads left to right.

    A landscape table is often printed on a portrait page turned by the viewer: its characters
    follow each other down (or up) the page. The direction from one character to the next, in
    the order the PDF prints them, tells which way the text runs.
    """
    votes = [0, 0, 0, 0]  # text running right, up, left, down
    sample = printed[: TURN_SAMPLE + 1]
    for first, second in itertools.pairwise(sample):
        dx = (second[0] + second[2] - first[0] - first[2]) / 2
        dy = (second[1] + second[3] - first[1] - first[3]) / 2
        size = max(first[3] - first[1], first[2] - first[0])
        if abs(dx) + abs(dy) > NEIGHBOUR_REACH * size:
            continue  # the next character starts a new line or cell elsewhere
        if abs(dx) >= abs(dy):
            votes[0 if dx > 0 else 2] += 1
        else:
            votes[1 if dy > 0 else 3] += 1
    return (0, 90, 180, 270)[votes.index(max(votes))]


def turned_point(x: float, y: float, turn: int) -> tuple[float, float]:
    """A point of the page turned back by ``turn`` degrees, into the reading frame."""
    if turn == 90:
        return y, -x
    if turn == 180:
        return -x, -y
    if turn == 270:
        return -y, x
    return x, y


def turned_box(left: float, bottom: float, right: float, top: float, turn: int) -> tuple[float, float, float, float]:
    """A box (left, bottom, right, top) turned back by ``turn`` degrees."""
    x1, y1 = turned_point(left, bottom, turn)
    x2, y2 = turned_point(right, top, turn)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def layout_lines(chars: list[PrintedChar], rules: PageRules = PageRules()) -> list[str]:
    """Characters grouped by baseline, top to bottom; each line left to right with its gaps as tabs or spaces.

    Where ruling lines draw a table, the baselines of one ruled row (no horizontal rule between
    them) are one printed row whose cells wrapped: they become one line, a cell per column.
    """
    rows: list[list[PrintedChar]] = []
    for char in sorted(chars, key=lambda c: -c.baseline):
        row = rows[-1] if rows else None
        if row is not None and abs(row[0].baseline - char.baseline) <= SAME_LINE_FRACTION * max(
            row[0].height, char.height
        ):
            row.append(char)
        else:
            rows.append([char])
    rows = [sorted(row, key=lambda c: c.left) for row in rows]
    lines: list[str] = []
    in_body = False  # below a ruled row that prints a figure, in the same ruled table
    for band in _ruled_rows(rows, rules):
        texts = [_line_text(row) for row in band]
        if not _is_ruled(band, rules):
            in_body = False
        figures = any(_FIGURE_IN_LINE.search(text) for text in texts)
        merged = _wrapped_row_text(band, rules) if len(band) > 1 and (in_body or figures) else None
        lines.extend([merged] if merged is not None else texts)
        in_body = in_body or figures
    return lines


def _is_ruled(band: list[list[PrintedChar]], rules: PageRules) -> bool:
    """A row of text between two horizontal rules that span it: a row of a ruled table."""
    left = min(row[0].left for row in band)
    right = max(row[-1].right for row in band)
    top, bottom = _middle(band[0]), _middle(band[-1])
    return any(rule.at > top and _crosses(rule, left, right) for rule in rules.horizontal) and any(
        rule.at < bottom and _crosses(rule, left, right) for rule in rules.horizontal
    )


def _ruled_rows(rows: list[list[PrintedChar]], rules: PageRules) -> list[list[list[PrintedChar]]]:
    """Consecutive baselines that share a ruled row: ruled above and below, no rule between them."""
    bands: list[list[list[PrintedChar]]] = []
    for row in rows:
        previous = bands[-1] if bands else None
        if previous is not None and len(previous) < MAX_WRAPPED_BASELINES and _same_ruled_row(previous[-1], row, rules):
            previous.append(row)
        else:
            bands.append([row])
    return bands


def _middle(row: list[PrintedChar]) -> float:
    return row[0].baseline + row[0].height / 3


def _crosses(rule: Rule, low: float, high: float) -> bool:
    return rule.start < high and rule.end > low


def _same_ruled_row(upper: list[PrintedChar], lower: list[PrintedChar], rules: PageRules) -> bool:
    left = min(upper[0].left, lower[0].left)
    right = max(upper[-1].right, lower[-1].right)
    top, bottom = _middle(upper), _middle(lower)
    between = any(bottom < rule.at < top and _crosses(rule, left, right) for rule in rules.horizontal)
    if between:
        return False
    above = any(rule.at > top and _crosses(rule, left, right) for rule in rules.horizontal)
    below = any(rule.at < bottom and _crosses(rule, left, right) for rule in rules.horizontal)
    return above and below


def _wrapped_row_text(band: list[list[PrintedChar]], rules: PageRules) -> str | None:
    """One line for a ruled row printed over several baselines, a tab between columns; None when
    the columns cannot be told (no vertical rules across the row) or a column holds two figures
    (two rows ruled as one, which must stay two lines)."""
    top, bottom = _middle(band[0]), _middle(band[-1])
    edges = sorted({rule.at for rule in rules.vertical if rule.start <= bottom and rule.end >= top})
    if len(edges) < 2:
        return None
    cells: dict[int, dict[int, list[PrintedChar]]] = {}
    for index, row in enumerate(band):
        for char in row:
            centre = (char.left + char.right) / 2
            column = sum(1 for edge in edges if edge < centre)
            cells.setdefault(column, {}).setdefault(index, []).append(char)
    texts = []
    for column in sorted(cells):
        pieces = [_line_text(piece) for _, piece in sorted(cells[column].items())]
        if sum(1 for piece in pieces if _FIGURE.fullmatch(piece)) > 1:
            return None
        texts.append("".join(pieces))
    return "\t".join(texts)


def _line_text(row: list[PrintedChar]) -> str:
    parts: list[str] = []
    previous: PrintedChar | None = None
    for char in row:
        if previous is not None:
            gap = char.left - previous.right
            size = max(char.height, previous.height)
            if gap > CELL_GAP_FRACTION * size:
                parts.append("\t")
            elif gap > WORD_GAP_FRACTION * size:
                parts.append(" ")
        parts.append(char.text)
        previous = char
    return unicodedata.normalize("NFC", "".join(parts))
