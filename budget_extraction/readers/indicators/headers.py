"""Indicator headers printed as text: header words broken over lines, re-joined.

PDF text breaks a header cell (指标值确定 / 依据, 前 年 / 上 年) over lines; the stream and
broken-cell readers read the header's words and text through these helpers.
"""

from __future__ import annotations

from ...source import SourceDocument
from .vocabulary import HEADER_WORDS, match_l1, match_l2, squash

# A header broken over lines: its words are read over this many lines at most, and its text
# (words re-joined) over HEADER_SPAN_LINES.
HEADER_WORD_LINES = 16
HEADER_SPAN_LINES = 30


def header_words(doc: SourceDocument, number: int) -> list[str]:
    """Header words of a text header that may continue over the next lines."""
    words: list[str] = []
    for line, text in doc.numbered(number, number + HEADER_WORD_LINES):
        flat = squash(text)
        if line > number and flat and not is_header_fragment(text):
            break
        words.extend(text.split())
    joined = squash("".join(words))
    found = [
        w
        for w in (
            "目标名称",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值确定依据",
            "指标值说明",
            "指标说明",
            "指标值",
            "实际完成值",
            "得分",
            "指标分类",
        )
        if w in joined
    ]
    if "指标值确定" in joined and "指标值确定依据" not in found:
        found.append("指标值确定依据")
    ordered = sorted(found, key=joined.find)
    return [
        w
        for w in ordered
        if not (
            w == "指标值" and ("指标值确定依据" in ordered or "指标值说明" in ordered) and joined.count("指标值") == 1
        )
    ]


HEADER_TEXT = "|".join(HEADER_WORDS) + "|明细指标内容(三级指标）|指标分类|近两年指标值"


def is_header_fragment(text: str) -> bool:
    """A piece of a broken header cell: 指标值确定 / 依据 / 前年 上年 / 预计当年 / 实现."""
    tokens = text.split()
    if not tokens:
        return False
    return all(
        (t in HEADER_TEXT and (len(t) >= 2 or t in ("类", "标", "据"))) and not match_l1(t) and not match_l2(t)
        for t in tokens
    )


def joined_header(doc: SourceDocument, number: int, span: int = HEADER_SPAN_LINES) -> str:
    """The header and the lines after it, spaces removed: broken header words re-joined."""
    return squash("".join(text for _, text in doc.numbered(number, number + span)))
