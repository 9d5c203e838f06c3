"""Source: a raw file (text, or a PDF's text layer) into numbered, cleaned lines.

The one place that decides what a line is and which page it was printed on; every later step
names a fact by (file, line) and, for a PDF, its page.
"""

from __future__ import annotations

from pathlib import Path

from .document import BadInputError, SourceDocument
from .pdf import read_pdf_source
from .text import ascii_figures, clean_line, decode_bytes, document_id_for, read_text_source, source_from_text

# The raw formats a corpus folder may hold, by file extension.
SOURCE_SUFFIXES = (".txt", ".pdf")


def read_source(path: Path | str) -> SourceDocument:
    """The document of one raw file, read by its format (PDF by extension, everything else as text)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return read_pdf_source(path)
    return read_text_source(path)


__all__ = [
    "SOURCE_SUFFIXES",
    "BadInputError",
    "SourceDocument",
    "ascii_figures",
    "clean_line",
    "decode_bytes",
    "document_id_for",
    "read_source",
    "read_text_source",
    "source_from_text",
]
