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
# A PDF file starts with this signature within its first kilobyte.
PDF_SIGNATURE = b"%PDF-"
PDF_SIGNATURE_WINDOW = 1024


@dataclass(frozen=True)
class PrintedChar:
    """One character as printed: its left and right edges, baseline and height (PDF points)."""

    left: float
    right: float
    baseline: float
    height: float
    text: str


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
            chars = page_chars(text_page, page.get_rotation())
        finally:
            text_page.close()
    finally:
        page.close()
    return [clean_line(line) for line in layout_lines(chars)]


def page_chars(text_page: pdfium.PdfTextPage, rotation: int = 0) -> list[PrintedChar]:
    """The printed characters of one page (PDFium's generated spaces and line breaks left out), where
    the reader sees them on a page displayed turned by ``rotation`` degrees clockwise (/Rotate)."""
    raw_page = text_page.raw
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    box = pdfium_c.FS_RECTF()
    chars = []
    for i in range(pdfium_c.FPDFText_CountChars(raw_page)):
        code = pdfium_c.FPDFText_GetUnicode(raw_page, i)
        if code < 0x20 or code in (0xFFFE, 0xFFFF) or pdfium_c.FPDFText_IsGenerated(raw_page, i) == 1:
            continue
        text = chr(code)
        if text.isspace():
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw_page, i, origin_x, origin_y)
        pdfium_c.FPDFText_GetLooseCharBox(raw_page, i, ctypes.byref(box))
        char = as_displayed(box, origin_x.value, origin_y.value, text, rotation)
        if char.height > 0:
            chars.append(char)
    return chars


def as_displayed(box, x: float, y: float, text: str, rotation: int) -> PrintedChar:
    """A character in the reader's frame: a landscape table printed on a turned page (/Rotate 90)
    runs along the page's height, so its lines are the page's columns until turned back. Only
    the order of positions matters to the layout, so each axis is kept up to its sign."""
    if rotation == 90:
        return PrintedChar(box.bottom, box.top, -x, box.right - box.left, text)
    if rotation == 180:
        return PrintedChar(-box.right, -box.left, -y, box.top - box.bottom, text)
    if rotation == 270:
        return PrintedChar(-box.top, -box.bottom, x, box.right - box.left, text)
    return PrintedChar(box.left, box.right, y, box.top - box.bottom, text)


def layout_lines(chars: list[PrintedChar]) -> list[str]:
    """Characters grouped by baseline, top to bottom; each line left to right with its gaps as tabs or spaces."""
    rows: list[list[PrintedChar]] = []
    for char in sorted(chars, key=lambda c: -c.baseline):
        row = rows[-1] if rows else None
        if row is not None and abs(row[0].baseline - char.baseline) <= SAME_LINE_FRACTION * max(row[0].height, char.height):
            row.append(char)
        else:
            rows.append([char])
    return [_line_text(sorted(row, key=lambda c: c.left)) for row in rows]


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
