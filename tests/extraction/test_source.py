"""Reading raw files: line numbering, markup cleaning, and clear errors on bad input."""

import pytest

from budget_extraction.source import BadInputError, clean_line, read_source


def test_lines_are_counted_by_newline_alone(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("第一行\f仍是第一行\n第二行\r\n第三行\u2028同一行".encode())
    doc = read_source(path)
    assert len(doc.lines) == 3
    assert doc.line(1) == "第一行 仍是第一行"
    assert doc.line(3) == "第三行 同一行"


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("<b>合计</b>\t1,442.99", "合计\t1,442.99"),
        ("## 第一部分 概况", "第一部分 概况"),
        ("**十四、财政专项**", "十四、财政专项"),
        ("参保率\t$\\geq 90\\%$", "参保率\t≥ 90%"),
        (
            '01-持续性项目 <input checked="" type="checkbox"/> 02-新增 <input type="checkbox"/>',
            "01-持续性项目 ☑ 02-新增 ☐",
        ),
        ("A&amp;B", "A&B"),
    ],
)
def test_markup_is_removed(raw, cleaned):
    assert clean_line(raw) == cleaned


def test_empty_file_is_named(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n\n")
    with pytest.raises(BadInputError, match="empty.txt: empty file"):
        read_source(path)


def test_binary_file_is_named_with_its_line(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"line one\nline two\x00\x01\x02binary")
    with pytest.raises(BadInputError) as error:
        read_source(path)
    assert error.value.file_name == "blob.txt" and error.value.line == 2
    assert "binary" in str(error.value)


def test_gb18030_and_bom_are_decoded(tmp_path):
    text = "武汉市青山区医疗保障局（汇总） 2026 年部门预算公开\n表 3\n支出总表"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert read_source(gbk).lines == read_source(bom).lines
    assert read_source(gbk).encoding == "gb18030"
    assert read_source(bom).encoding == "utf-8-sig"
    assert read_source(bom).line(1).startswith("武汉市")


# Written down from `sha256sum raw/000_df7f9757fe457667.txt`, and the FIPS 180-2 test vector for "abc".
SEED_000_SHA256 = "2ac8e07131580ae5f304071f53ef616833b37e9a78cfcf4ffd0b0c84a83e6791"
ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_seed_hash_is_of_the_bytes(raw_dir):
    assert read_source(raw_dir / "000_df7f9757fe457667.txt").sha256 == SEED_000_SHA256


def test_hash_is_of_the_bytes_as_stored_not_of_the_text(tmp_path):
    """The same text in two encodings is two byte strings: two hashes (duplicates are told apart by text)."""
    plain = tmp_path / "abc.txt"
    plain.write_bytes(b"abc")
    assert read_source(plain).sha256 == ABC_SHA256
    bom = tmp_path / "abc_bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfabc")
    assert read_source(bom).lines == read_source(plain).lines and read_source(bom).sha256 != ABC_SHA256
