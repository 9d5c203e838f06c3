"""The shared line toolkit of the table readers: a table's data lines as cells and amount tokens.

Whatever the layout (tabs, spaces, PDF text with numbers glued to names or split over
lines), every reader reads its lines through these functions, with the table's unit and
the rounding rule. This module imports no reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .model import CoverageLine, Finding
from .numbers import tolerance_wan
from .numbers import unit_of as unit_in_line
from .source import SourceDocument
from .tables import TableBlock

# An amount: thousands separators allowed, two decimals (money) so that "0.004.00" (two cells
# glued by the PDF) reads as 0.00 and 4.00 — or four decimals standing alone (万元 printed to the
# 元, 587.3551), which must not be cut into 587.35 and a stray 51.
_AMOUNT = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(?:\d{4}(?![\d.])|\d{1,2}))?"
_TOKEN = re.compile(rf"(?P<code>\d+[A-Z]\d*)|(?P<num>{_AMOUNT})|(?P<text>[^\s\d]+(?:\d+[^\s\d]+)*)")


@dataclass(frozen=True)
class Token:
    """One piece of a data line: an amount, an integer (code or row number), a letter code or text."""

    kind: str  # amount | int | code | text
    text: str
    line: int
    glued: bool = False  # written with no space before the next token (e.g. "201一般…")
    cell: int = 0  # tab cell index on its line (0 when the line has no tabs)
    also: tuple[int, ...] = ()  # further lines the token was printed on (the digit completing a split amount)


def unit_of(doc: SourceDocument, block: TableBlock) -> str:
    """The unit the table prints; the block's if known, else the first 单位 line of the block, else 万元."""
    if block.unit in ("万元", "元"):
        return block.unit
    for _, text in doc.numbered(block.start_line, block.header_end_line or block.end_line):
        unit = unit_in_line(text)
        if unit:
            return unit
    return "万元"


def is_amount_text(text: str) -> bool:
    return re.fullmatch(_AMOUNT, text.strip()) is not None


def squash(text: str) -> str:
    """Text without the PDF's stray spaces and line breaks."""
    return "".join(text.split())


def table_stage(block: TableBlock, document_stage: str | None) -> str:
    """budget or final: the table's own title says 决算 in a final account."""
    if "决算" in block.title:
        return "final"
    return document_stage or "budget"


def header_text(doc: SourceDocument, block: TableBlock) -> str:
    """The header lines of a table joined without whitespace, for header-word searches."""
    start = block.start_line + 1
    end = max(block.header_end_line, start - 1)
    return "".join(squash(text) for _, text in doc.numbered(start, end))


_NOTE = re.compile(r"^\s*(?:备\s*注|注\s*[0-9：:．.、]|说明[：:]|本表|数据来源|填报)")


def is_column_numbering(text: str) -> bool:
    """A 栏次 line "1 2 3 … n": consecutive column numbers, not figures."""
    if re.search(r"[^\s\d]", text):
        return False
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def is_note(text: str) -> bool:
    """A note under a table (备注/注：…), not a data line."""
    return bool(_NOTE.match(text))


def tokenize(text: str, line: int) -> list[Token]:
    """Split a data line into tokens; tab cells are kept apart (cell index on each token)."""
    tokens: list[Token] = []
    cells = text.split("\t") if "\t" in text else [text]
    for cell_index, cell in enumerate(cells):
        matches = list(_TOKEN.finditer(cell))
        for position, match in enumerate(matches):
            kind = match.lastgroup or "text"
            raw = match.group(0)
            if kind == "num" and "." not in raw and "," not in raw:
                kind = "int"
            elif kind == "num":
                kind = "amount"
            following = matches[position + 1] if position + 1 < len(matches) else None
            glued = following is not None and following.start() == match.end()
            tokens.append(Token(kind, raw, line, glued, cell_index))
    return tokens


_HALF_AMOUNT = re.compile(r"-?[\d,]+\.\d")


def _is_half_amount(token: Token) -> bool:
    """A one-decimal amount: the first half of an amount the PDF broke over two lines."""
    return token.kind == "amount" and _HALF_AMOUNT.fullmatch(token.text) is not None


def repair_split_numbers(tokens: list[Token]) -> list[Token]:
    """Join amounts the PDF broke in two ("4.6" then "7" -> 4.67).

    A one-decimal amount waits for a lone digit on a later line; the lone digits
    complete the waiting halves first-in first-out, and a completed amount takes
    the place of its completing digit, which keeps the cells' reading order even
    where the PDF interleaved a whole amount between the halves.
    """
    waiting: list[int] = []  # indexes into out of halves not yet completed
    out: list[Token | None] = []
    on_line: dict[int, list[int]] = {}  # line -> indexes of its tokens, so a line is scanned, not the table
    for index, token in enumerate(tokens):
        on_line.setdefault(token.line, []).append(index)
    for index, token in enumerate(tokens):
        if _is_half_amount(token) and all(_is_half_amount(tokens[i]) for i in on_line[token.line] if i > index):
            waiting.append(len(out))
            out.append(token)
            continue
        if token.kind == "int" and len(token.text) == 1 and waiting and token.line != out[waiting[0]].line:
            slot = waiting.pop(0)
            half = out[slot]
            out[slot] = None
            out.append(Token("amount", half.text + token.text, half.line, False, half.cell, (token.line,)))
            continue
        out.append(token)
    # A half never completed stays where it was, read as printed (one decimal).
    return [token for token in out if token is not None]


_TABLE_TITLE = re.compile(r"^\s*(?:附?表\s*\d|公开\s*\d*\s*表|预算\s*\d+\s*表)")


def is_page_number(doc: SourceDocument, number: int) -> bool:
    """A page's folio: a lone whole number printed as the last line of its page (PDF input),
    which a table continued on the next page has in the middle of its rows."""
    page = doc.page_of(number)
    if page is None or not re.fullmatch(r"\s*[-—]?\s*\d{1,4}\s*[-—]?\s*", doc.line(number)):
        return False
    return number == len(doc.lines) or doc.page_of(number + 1) != page


def data_lines(doc: SourceDocument, block: TableBlock) -> Iterable[tuple[int, str]]:
    """(line, text) of the non-blank lines after the header, up to the first note or next table
    title; page numbers between the rows of a table continued on the next page are left out."""
    for number, text in doc.numbered(block.header_end_line + 1, block.end_line):
        if not text.strip() or is_page_number(doc, number):
            continue
        if is_note(text) or _TABLE_TITLE.match(text):
            return
        yield number, text


def note_lines(doc: SourceDocument, block: TableBlock) -> list[tuple[int, str]]:
    """The non-blank lines after the data (notes, a following title): accounted as notes."""
    data = {n for n, _ in data_lines(doc, block)}
    return [
        (n, t)
        for n, t in doc.numbered(block.header_end_line + 1, block.end_line)
        if t.strip() and n not in data and (n > max(data, default=0) or is_page_number(doc, n))
    ]


def coverage(doc: SourceDocument, block: TableBlock, line: int, outcome: str, detail: str | None) -> CoverageLine:
    return CoverageLine(doc.document_id, block.kind, block.label, line, outcome, detail)


def mismatch_finding(
    doc: SourceDocument,
    block: TableBlock,
    check: str,
    what: str,
    printed: Decimal,
    computed: Decimal,
    unit: str,
    line: int | None,
) -> Finding | None:
    """A finding when two figures that should agree do not; error only beyond the rounding tolerance."""
    difference = abs(printed - computed)
    if difference == 0:
        return None
    severity = "error" if difference > tolerance_wan(unit) else "info"
    where = f"{doc.file_name}:{line}" if line else doc.file_name
    return Finding(
        doc.document_id,
        check,
        severity,
        f"{where} {block.label} {block.title}: {what}: printed {_fmt(printed, unit)} vs computed "
        f"{_fmt(computed, unit)} (万元), difference {_fmt(difference, unit)}"
        + (" (rounding, 尾差)" if severity == "info" else ""),
        line,
    )


def _fmt(value: Decimal, unit: str) -> str:
    return format(value.normalize(), "f") if unit == "元" else f"{value:.2f}"
