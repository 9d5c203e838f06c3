"""Finding the performance-indicator regions of a document and reading their headers.

A region is found from its title and header words; the header helpers here (header
words broken over lines, the header text) are used by the stream and broken-cell readers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional
from ...source import SourceDocument

from .vocabulary import _DEPARTMENT_OPENING, _HEADER_WORDS, _LABEL, match_l1, match_l2, squash, _TITLES, _TOC

# --------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class Region:
    """A performance table: lines start..end of one kind, with the label as printed."""

    table_kind: str
    label: str
    title: str
    start: int
    end: int


def title_kind(text: str) -> Optional[str]:
    """The table kind a title line announces, or None (TOC lines and sentences are not titles)."""
    flat = squash(text)
    if not flat or len(flat) > 70 or _TOC.search(text.strip()) or "。" in flat or "，" in flat:
        return None
    if "\t" in text.strip() and len([c for c in text.split("\t") if c.strip()]) > 1:
        return None
    for kind, pattern in _TITLES:
        if pattern.search(flat):
            return kind
    return None


def find_label(doc: SourceDocument, line: int) -> Optional[str]:
    """The label printed on the title line or just above it (表 15, 附 1, 附件 1)."""
    own = _LABEL.match(doc.line(line).strip())
    if own:
        return own.group(1).strip()
    seen = 0
    for number in range(line - 1, max(0, line - 8), -1):
        text = doc.line(number).strip()
        if not text:
            continue
        seen += 1
        match = _LABEL.match(text)
        if match and len(squash(text)) <= 12:
            return match.group(1).strip()
        if seen >= 3:
            break
    return None


def find_regions(doc: SourceDocument) -> list[Region]:
    """Performance regions in document order: each runs from its title to the next title."""
    starts: list[tuple[int, str, str]] = []
    for number, text in doc.numbered():
        kind = title_kind(text)
        if kind is None and _DEPARTMENT_OPENING.match(squash(text)):
            if not starts or not starts[-1][1].startswith("department") or number - starts[-1][0] > 80:
                kind = "department_target"
        if kind:
            starts.append((number, kind, squash(text.split("\t")[0])))
    regions: list[Region] = []
    for index, (number, kind, title) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(doc.lines)
        if not _has_indicator_header(doc, number, end):
            continue
        label = find_label(doc, number) or title
        regions.append(Region(kind, label, title, number, end))
    return regions


def _has_indicator_header(doc: SourceDocument, start: int, end: int) -> bool:
    return any("一级指标" in squash(text) or "一级" == squash(text)[:2] and "指标" in squash(text)
               for _, text in doc.numbered(start, end))


def _header_words(doc: SourceDocument, number: int) -> list[str]:
    """Header words of a text header that may continue over the next lines."""
    words: list[str] = []
    for line, text in doc.numbered(number, number + 16):
        flat = squash(text)
        if line > number and flat and not _is_header_fragment(text):
            break
        words.extend(text.split())
    joined = squash("".join(words))
    found = [w for w in ("目标名称", "一级指标", "二级指标", "三级指标", "指标值确定依据", "指标值说明",
                         "指标说明", "指标值", "实际完成值", "得分", "指标分类") if w in joined]
    if "指标值确定" in joined and "指标值确定依据" not in found:
        found.append("指标值确定依据")
    ordered = sorted(found, key=joined.find)
    return [w for w in ordered if not (w == "指标值" and ("指标值确定依据" in ordered or "指标值说明" in ordered)
                                        and joined.count("指标值") == 1)]


_HEADER_TEXT = "|".join(_HEADER_WORDS) + "|明细指标内容(三级指标）|指标分类|近两年指标值"


def _is_header_fragment(text: str) -> bool:
    """A piece of a broken header cell: 指标值确定 / 依据 / 前年 上年 / 预计当年 / 实现."""
    tokens = text.split()
    if not tokens:
        return False
    return all((t in _HEADER_TEXT and (len(t) >= 2 or t in ("类", "标", "据"))) and not match_l1(t) and not match_l2(t)
               for t in tokens)


def _header_text(doc: SourceDocument, number: int, span: int = 30) -> str:
    """The header and the lines after it, spaces removed: broken header words re-joined."""
    return squash("".join(text for _, text in doc.numbered(number, number + span)))
