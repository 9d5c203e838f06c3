"""What a raw disclosure is once read: numbered lines (and, for a PDF, the page of each line).

Every later step refers to facts by (file, line), so the line is the unit of provenance: the
contract counts lines by ``\\n`` alone, never by ``str.splitlines()``.
"""

from __future__ import annotations

from dataclasses import dataclass


class BadInputError(ValueError):
    """A raw file that cannot be read as a disclosure; says which file and where."""

    def __init__(self, file_name: str, reason: str, line: int | None = None):
        self.file_name = file_name
        self.reason = reason
        self.line = line
        where = f"{file_name}:{line}" if line else file_name
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class SourceDocument:
    """One raw file: its identity and its lines, cleaned but never re-ordered or merged."""

    document_id: str
    file_name: str
    sha256: str
    encoding: str
    lines: tuple[str, ...]  # cleaned; lines[0] is line 1
    # The page each line was printed on (PDF input); empty for text input, which has no pages.
    line_pages: tuple[int, ...] = ()
    # Pages of a PDF that carry no text layer (a scanned cover, an image of a table).
    pages_without_text: tuple[int, ...] = ()
    page_count: int = 0
    source_format: str = "text"  # text | pdf

    def page_of(self, number: int) -> int | None:
        """The page a line was printed on, or None for text input."""
        return self.line_pages[number - 1] if self.line_pages else None

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def numbered(self, start: int = 1, end: int | None = None):
        """(line_number, text) pairs from start to end inclusive."""
        first = max(start, 1)
        stop = len(self.lines) if end is None else min(end, len(self.lines))
        # Pairs made in C (zip over a slice): every reader walks its lines through here.
        return zip(range(first, stop + 1), self.lines[first - 1 : max(stop, first - 1)])
