"""PDF input: the text layer of real published PDFs as lines of cells, with pages; bad PDFs refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_extraction import extract_document
from budget_extraction.source import BadInputError, read_source
from budget_extraction.source.pdf import (
    PageRules,
    PrintedChar,
    Rule,
    layout_lines,
    reading_turn,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real PDF corpus is not at {CORPUS}")


def _char(left: float, text: str, baseline: float = 100.0, width: float = 10.0) -> PrintedChar:
    return PrintedChar(left, left + width, baseline, 10.0, text)


def test_characters_on_one_baseline_make_one_line_and_wide_gaps_make_cells():
    # "201" then, after a gap of two characters, "一般" — and a second row 14 points lower.
    chars = [
        _char(0, "2"),
        _char(10, "0"),
        _char(20, "1"),
        _char(50, "一"),
        _char(60, "般"),
        _char(0, "3", baseline=86),
        _char(10, "0", baseline=86),
        _char(20, "1", baseline=86.4),
    ]
    assert layout_lines(chars) == ["201\t一般", "301"]


def test_a_narrow_gap_is_a_space_and_touching_characters_are_one_word():
    chars = [_char(0, "2"), _char(10, "0"), _char(23, "1")]  # a gap of 3 points: 0.3 of the height
    assert layout_lines(chars) == ["20 1"]


def _word(left: float, text: str, baseline: float) -> list[PrintedChar]:
    return [_char(left + 10 * i, c, baseline) for i, c in enumerate(text)]


# A ruled table of two columns (x 0-100 and 100-200); horizontal rules at y 140, 100 and 60.
_TABLE = PageRules(
    horizontal=(Rule(140, 0, 200), Rule(100, 0, 200), Rule(60, 0, 200)),
    vertical=(Rule(0, 60, 140), Rule(100, 60, 140), Rule(200, 60, 140)),
)


def test_a_cell_wrapped_within_its_ruled_row_is_one_cell_of_one_line():
    # Row 1: "1.一般公共预" / "算" wrapped in the name cell, its figure centred between the two baselines.
    chars = (
        _word(0, "1.一般公共预", 128)
        + _word(110, "21.50", 120)
        + _word(0, "算", 112)
        + _word(0, "合计", 80)
        + _word(110, "21.50", 80)
    )
    assert layout_lines(chars, _TABLE) == ["1.一般公共预算\t21.50", "合计\t21.50"]
    # Without ruling lines the same characters stay three printed lines.
    assert layout_lines(chars)[:3] == ["1.一般公共预", "21.50", "算"]


def test_two_figures_stacked_in_one_ruled_column_stay_two_lines():
    chars = _word(0, "小计", 128) + _word(110, "1.00", 128) + _word(0, "其他", 112) + _word(110, "2.00", 112)
    assert layout_lines(chars, _TABLE) == ["小计\t1.00", "其他\t2.00"]


def test_a_header_without_figures_above_the_body_is_left_as_printed():
    chars = _word(0, "项目", 128) + _word(110, "金", 120) + _word(0, "名称", 112)
    assert layout_lines(chars, _TABLE) == ["项目", "金", "名称"]


def test_text_running_down_a_turned_page_is_turned_back():
    # Characters printed one below the other (a landscape table on a portrait page): x fixed, y falling.
    printed = [(100, 500 - 12 * i, 110, 510 - 12 * i, 100, 500 - 12 * i, c) for i, c in enumerate("一般公共预算")]
    assert reading_turn(printed) == 270
    assert reading_turn([(10 * i, 0, 10 * i + 9, 9, 10 * i, 0, c) for i, c in enumerate("合计")]) == 0


@needs_corpus
def test_a_turned_page_of_a_jiangsu_table_reads_as_rows():
    doc = read_source(CORPUS / "jiangsu_swbgt_2018_dept_budget_tables.pdf")
    # The 一般公共预算基本支出预算表 is printed landscape on turned pages: 30101 基本工资 1,475.07 万元.
    assert "30101\t基本工资\t1,475.07" in doc.lines


@needs_corpus
def test_a_jiangsu_wrapped_income_cell_is_one_cell():
    doc = read_source(CORPUS / "jiangsu_jcy_2018_dept_budget.pdf")
    # 公开01表 收支预算总表: "1.一般公共预" / "算" wrapped in one ruled cell, 21,940.96 万元 between them.
    assert "1.一般公共预算\t21,940.96\t二、外交支出\t二、项目支出\t5,573.00" in doc.lines


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
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    )
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


@needs_corpus
def test_a_landscape_table_on_a_turned_page_reads_in_lines():
    doc = read_source(CORPUS / "jiangsu_swbgt_2018_dept_budget_tables.pdf")
    # The cover (page 1, /Rotate 90) as printed: "江苏省2018年度 / 省级部门预算公开报表 / 部 门:… / …印制".
    assert doc.lines[:4] == ("江苏省2018年度", "省级部门预算公开报表", "部 门:中共江苏省委办公厅", "江苏省财政厅印制")
