"""Reading a performance target (指标值) into an operator, a number and a unit.

Analysts compare targets across districts and years, so ``≥80000 人次``,
``不低于 80000人次`` and ``80000人次以上`` must all become ('>=', 80000, '人次').
A number printed without an operator (``617家``) keeps its value and unit but no
operator: whether it is a floor, a ceiling or an exact figure is not printed.
A target that is not a single comparison with one number (``有所减轻``,
``97%≤预算执行率≤100%``) is qualitative: (None, None, None), never a guess.
The function is pure and table-free so that every layout shares it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple


class Target(NamedTuple):
    op: str | None  # '>=', '<=', '>', '<', '=' as printed; None when no operator is printed
    value: float | None
    unit: str | None


QUALITATIVE = Target(None, None, None)

# Word operators printed before the number. Longest first so 不低于 wins over 低于.
_PREFIX_OPS: tuple[tuple[str, str], ...] = (
    ("大于等于", ">="),
    ("大于或等于", ">="),
    ("小于等于", "<="),
    ("小于或等于", "<="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("至少", ">="),
    ("最多", "<="),
    ("高于", ">"),
    ("大于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("低于", "<"),
    ("小于", "<"),
    ("少于", "<"),
    ("等于", "="),
    ("达到", ">="),
    ("达", ">="),
    (">=", ">="),
    ("=>", ">="),
    ("<=", "<="),
    ("=<", "<="),
    ("≥", ">="),
    ("≧", ">="),
    ("≤", "<="),
    ("≦", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)

# Word operators printed after the number and unit (90%以上, 30 分钟以内).
_SUFFIX_OPS: tuple[tuple[str, str], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
)

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# A unit: what follows the number, letters or CJK or %/‰ or a per-something (万元/年).
_UNIT = re.compile(r"^(?:%|‰|[A-Za-z\u4e00-\u9fff²³]+(?:/[A-Za-z\u4e00-\u9fff]+)?)$")


def _normalise(text: str) -> str:
    """Full-width to half-width (＞, ＜, ％, digits) and all spaces removed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("≧", "≥").replace("≦", "≤")
    return "".join(text.split())


def _split_prefix(text: str) -> tuple[str | None, str]:
    for word, op in _PREFIX_OPS:
        if text.startswith(word):
            return op, text[len(word) :]
    return None, text


def _split_suffix(text: str) -> tuple[str | None, str]:
    for word, op in _SUFFIX_OPS:
        if text.endswith(word) and len(text) > len(word):
            return op, text[: -len(word)]
    return None, text


# Distinct printed targets remembered by parse_target(); a long document prints about a thousand.
TARGET_CACHE_SIZE = 1 << 14


@lru_cache(maxsize=TARGET_CACHE_SIZE)
def parse_target(text: str | None) -> Target:
    """Operator, number and unit of a printed target; qualitative targets give (None, None, None).

    A bare number has no operator (``100%`` -> (None, 100, '%')). Exactly one number may be
    printed: ranges and sentences with figures stay qualitative so that a
    reviewer, not the parser, decides what they mean. Cached: the indicator readers ask about
    the same cell many times while they try a row's readings (a Target is immutable).
    """
    if not text:
        return QUALITATIVE
    body = _normalise(text)
    if not body:
        return QUALITATIVE
    prefix_op, body = _split_prefix(body)
    suffix_op, body = _split_suffix(body)
    if prefix_op and suffix_op:
        return QUALITATIVE
    match = _NUMBER.match(body)
    if not match:
        return QUALITATIVE
    number = float(match.group(0).replace(",", ""))
    unit = body[match.end() :]
    if unit and not _UNIT.match(unit):
        return QUALITATIVE
    if unit and unit.startswith("年") and number.is_integer() and 1900 <= number <= 2100:
        return QUALITATIVE  # a date (2024年度内, 2023年底前), not a quantity
    return Target(prefix_op or suffix_op, number, unit or None)
