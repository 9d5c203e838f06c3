"""Reading a raw text disclosure (text taken from a PDF) into numbered, cleaned lines.

Lines are counted by ``\\n`` alone, never by ``str.splitlines()`` (PDF text holds form feeds
and other separators that would shift every later line number).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path

from .document import BadInputError, SourceDocument

# Characters PDF text carries that are not content. They are replaced in place so
# that a line keeps its number and a cell boundary is not lost.
_SEPARATORS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u00a0\u3000\ufeff\u200b]")
_CHECKED = re.compile(r"<input[^>]*\bchecked\b[^>]*>", re.I)
_UNCHECKED = re.compile(r"<input[^>]*type=\"?checkbox\"?[^>]*>", re.I)
_BREAK_TAG = re.compile(r"<\s*br\s*/?\s*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BOLD = re.compile(r"\*\*|__")
_LATEX_MATH = re.compile(r"\$([^$\n]*)\$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_FIGURE_MARK = re.compile(r"(?<=\d)([．，])(?=\d)|－(?=\d)")
_LATEX_WORDS = [
    (re.compile(r"\\geq?(?![a-zA-Z])"), "≥"),
    (re.compile(r"\\leq?(?![a-zA-Z])"), "≤"),
    (re.compile(r"\\gt(?![a-zA-Z])"), ">"),
    (re.compile(r"\\lt(?![a-zA-Z])"), "<"),
    (re.compile(r"\\neq?(?![a-zA-Z])"), "≠"),
    (re.compile(r"\\times(?![a-zA-Z])"), "×"),
    (re.compile(r"\\div(?![a-zA-Z])"), "÷"),
    (re.compile(r"\\pm(?![a-zA-Z])"), "±"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\text\{([^}]*)\}"), r"\1"),
    (re.compile(r"\\mathrm\{([^}]*)\}"), r"\1"),
]


def _latex_to_text(match: re.Match) -> str:
    body = match.group(1)
    for pattern, replacement in _LATEX_WORDS:
        body = pattern.sub(replacement, body)
    body = body.replace("{", "").replace("}", "")
    # "\geq 90\%" -> "≥ 90%": keep the space the author typed; later parsers ignore it.
    return body.strip()


def ascii_figures(text: str) -> str:
    """Full-width digits (１２３) and the full-width point, comma and minus inside a figure as ASCII.

    Some regions' PDFs print figures and codes in full-width forms; every parser reads ASCII
    digits, and a full-width figure would otherwise be read as name text (a silent loss).
    Full-width brackets and other text are kept as printed.
    """
    if not re.search("[０-９]", text):
        return text
    text = text.translate(_FULLWIDTH_DIGITS)
    return _FULLWIDTH_FIGURE_MARK.sub(lambda m: {"．": ".", "，": ","}.get(m.group(1) or "", "-"), text)


def clean_line(text: str) -> str:
    """Strip markup (HTML, Markdown, LaTeX) and stray separators; keep tabs and cell spacing."""
    text = ascii_figures(_SEPARATORS.sub(" ", text))
    if "<" in text:
        text = _CHECKED.sub("☑", text)
        text = _UNCHECKED.sub("☐", text)
        text = _BREAK_TAG.sub(" ", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text).replace("\u00a0", " ")
    if "#" in text:
        text = _MD_HEADING.sub("", text)
    if "*" in text or "__" in text:
        text = _MD_BOLD.sub("", text)
    if "$" in text:
        text = _LATEX_MATH.sub(_latex_to_text, text)
    return text.rstrip()


def decode_bytes(data: bytes, file_name: str) -> tuple[str, str]:
    """Return (text, encoding). UTF-16 with its BOM; else UTF-8 (with or without BOM) first, then GB18030."""
    if not data.strip():
        raise BadInputError(file_name, "empty file: no text to read")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 BOM: its NUL bytes are text, not binary
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise BadInputError(file_name, f"UTF-16 (BOM) text that does not decode at byte {error.start}") from None
    if b"\x00" in data[:65536] or b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        raise BadInputError(file_name, f"binary content (NUL byte at byte {offset}): not a text disclosure", line)
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            offset = utf8_error.start
            line = data.count(b"\n", 0, offset) + 1
            raise BadInputError(
                file_name,
                f"undecodable bytes at byte {offset}: neither UTF-8 nor GB18030",
                line,
            ) from None


def document_id_for(path: Path) -> str:
    """The contract's document_id: the file name without its extension."""
    return Path(path).stem


def read_text_source(path: Path | str) -> SourceDocument:
    path = Path(path)
    data = path.read_bytes()
    text, encoding = decode_bytes(data, path.name)
    text = unicodedata.normalize("NFC", text)
    raw_lines = text.split("\n")
    control = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
    bad = [number for number, line in enumerate(raw_lines, 1) if control.search(line)]
    if len(bad) > max(3, len(raw_lines) // 50):
        raise BadInputError(path.name, f"binary content: control characters on {len(bad)} lines", bad[0])
    lines = tuple(clean_line(control.sub(" ", line)) for line in raw_lines)
    return SourceDocument(
        document_id=document_id_for(path),
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=lines,
    )


def source_from_text(text: str, file_name: str = "inline.txt") -> SourceDocument:
    """Build a SourceDocument from text already in memory (tests, re-rendered layouts)."""
    data = text.encode("utf-8")
    raw_lines = text.split("\n")
    return SourceDocument(
        document_id=Path(file_name).stem,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8",
        lines=tuple(clean_line(line) for line in raw_lines),
    )
