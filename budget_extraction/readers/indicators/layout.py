"""Measures of printed text shared by the stream and broken-cell readers.

Display width, sentence punctuation, space splitting and the "cell still wrapping"
test: both PDF-text readers need them, so they live below both.
"""

from __future__ import annotations

import re

from .vocabulary import squash

SENTENCE = re.compile(r"[，。；]")
# PDF text wraps a cell at its column's width, so its lines are as wide as each other up to
# the slack of line breaking: NARROW_SLACK is one half-width character (a digit, a mark), a
# line that much narrower is still full; CHAR_SLACK is one CJK character (printed two wide).
NARROW_SLACK = 1
CHAR_SLACK = 2
_NARROW_PUNCT = set("，、；：。（）“”《》")


def split_single_spaces(text: str) -> list[str]:
    """'党建工作 支部主题党日 36 2023年底前完成' is four cells; '≥ 90%' and '30 分钟' are one."""
    parts = text.split(" ")
    merged: list[str] = []
    for part in parts:
        if not part:
            continue
        if merged and (
            re.fullmatch(r"[≥≤<>=＞＜]+", merged[-1])
            or re.match(r"^[%％万个人次家天分元]", part)
            and re.search(r"\d$", merged[-1])
        ):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def display_width(text: str) -> int:
    """Printed width: CJK characters count two, ASCII and most punctuation one."""
    import unicodedata

    return sum(
        2 if unicodedata.east_asian_width(ch) in ("W", "F") and ch not in _NARROW_PUNCT else 1 for ch in squash(text)
    )


def is_unfinished(frags: list[str]) -> bool:
    """A wrapped cell still running: its last line is as wide as its widest."""
    if len(frags) < 2:
        return False
    widths = [display_width(f) for f in frags]
    return widths[-1] >= max(widths) - NARROW_SLACK
