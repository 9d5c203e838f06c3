"""PDF input: the text layer of real published PDFs as lines of cells, with pages; bad PDFs refused by name."""
from __future__ import annotations

from pathlib import Path

import pytest

from budget_extraction import extract_document
from budget_extraction.source import BadInputError, read_source
from budget_extraction.source.pdf import PrintedChar, as_displayed, layout_lines

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real PDF corpus is not at {CORPUS}")


def _char(left: float, text: str, baseline: float = 100.0, width: float = 10.0) -> PrintedChar:
    return PrintedChar(left, left + width, baseline, 10.0, text)


def test_characters_on_one_baseline_make_one_line_and_wide_gaps_make_cells():
    # "201" then, after a gap of two characters, "一般" — and a second row 14 points lower.
    chars = [_char(0, "2"), _char(10, "0"), _char(20, "1"), _char(50, "一"), _char(60, "般"),
             _char(0, "3", baseline=86), _char(10, "0", baseline=86), _char(20, "1", baseline=86.4)]
    assert layout_lines(chars) == ["201\t一般", "301"]


def test_a_narrow_gap_is_a_space_and_touching_characters_are_one_word():
    chars = [_char(0, "2"), _char(10, "0"), _char(23, "1")]  # a gap of 3 points: 0.3 of the height
    assert layout_lines(chars) == ["20 1"]


class _Box:
    def __init__(self, left, right, bottom, top):
        self.left, self.right, self.bottom, self.top = left, right, bottom, top


def test_a_page_displayed_turned_is_laid_out_as_the_reader_sees_it():
    # On a /Rotate 90 page, "年度" runs up the page (y grows) and the next printed line "表" sits at a
    # larger x: turned back, that is one line above another, read left to right.
    chars = [as_displayed(_Box(100, 110, 300, 310), 100, 300, "年", 90),
             as_displayed(_Box(100, 110, 310, 320), 100, 310, "度", 90),
             as_displayed(_Box(114, 124, 300, 310), 114, 300, "表", 90)]
    assert layout_lines(chars) == ["年度", "表"]


@needs_corpus
def test_a_landscape_table_on_a_turned_page_reads_in_lines():
    doc = read_source(CORPUS / "jiangsu_swbgt_2018_dept_budget_tables.pdf")
    # The cover (page 1, /Rotate 90) as printed: "江苏省2018年度 / 省级部门预算公开报表 / 部 门:… / …印制".
    assert doc.lines[:4] == ("江苏省2018年度", "省级部门预算公开报表", "部 门:中共江苏省委办公厅", "江苏省财政厅印制")


@needs_corpus
def test_a_shanghai_table_row_reads_as_split_code_name_and_figures_in_cells():
    doc = read_source(CORPUS / "putuo_wanli_2025_dept_budget.pdf")
    assert doc.source_format == "pdf" and doc.page_count == 31
    # The 收入预算总表 prints 205 教育支出 with 250,000 元 in 合计 and 财政拨款 (page 11 of the PDF).
    rows = [n for n, text in doc.numbered() if text.startswith("205\t教育支出\t")]
    assert rows, "the 205 row of the income table was not read as cells"
    assert doc.line(rows[0]).split("\t")[2:4] == ["250,000", "250,000"]
    assert doc.page_of(rows[0]) == 11


@needs_corpus
def test_every_line_has_a_page_in_order_and_pages_are_loaded_as_rows():
    doc = read_source(CORPUS / "jiangsu_jcy_2018_dept_budget.pdf")
    assert len(doc.line_pages) == len(doc.lines)
    assert list(doc.line_pages) == sorted(doc.line_pages)
    assert doc.line_pages[0] == 1 and doc.line_pages[-1] == doc.page_count == 31
    pages = extract_document(doc).pages
    assert [p.page for p in pages] == list(range(1, 32))
    assert all(p.has_text for p in pages)
    assert pages[1].first_line == pages[0].last_line + 1


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _minimal_pdf(trailer_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF built by hand (objects, cross-reference table, trailer)."""
    objects = (b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", *extra_objects)
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b" >>\n"
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def test_a_pdf_page_without_text_is_recorded(tmp_path):
    doc = read_source(_write(tmp_path, "scan.pdf", _minimal_pdf()))
    assert doc.page_count == 1 and doc.pages_without_text == (1,) and doc.lines == ()


def test_an_encrypted_pdf_is_refused_as_encrypted(tmp_path):
    handler = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> /P -44 >>"
    file_id = b"<0123456789abcdef0123456789abcdef>"
    data = _minimal_pdf(b"/ID [" + file_id + file_id + b"] /Encrypt 4 0 R", (handler,))
    with pytest.raises(BadInputError, match="encrypted PDF") as refused:
        read_source(_write(tmp_path, "locked.pdf", data))
    assert refused.value.file_name == "locked.pdf"


def test_a_damaged_pdf_and_a_file_that_is_no_pdf_are_refused_with_the_reason(tmp_path):
    with pytest.raises(BadInputError, match="damaged PDF"):
        read_source(_write(tmp_path, "broken.pdf", b"%PDF-1.4\nthe rest of the file is lost"))
    with pytest.raises(BadInputError, match="not a PDF"):
        read_source(_write(tmp_path, "renamed.pdf", "2025年部门预算".encode()))
