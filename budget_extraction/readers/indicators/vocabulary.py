"""Vocabularies of the indicator tables and the matching of cells against them.

Level 1 / level 2 words and their aliases, the table kinds, and the patterns every
reader uses (weights, goals, labels, stop and header words). Kept apart because all
three readers and the region finder recognise cells by vocabulary, not by position.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..targets import parse_target

# --------------------------------------------------------------------------- vocabularies

L1_CANONICAL = ("产出指标", "效益指标", "满意度指标", "成本指标")
# A level-1 cell prints three characters at least (项目产出; a shorter piece is never one).
L1_MIN_CHARS = 3
# Text matched against names or texts printed elsewhere in the document is this long at least
# (shorter, it is a common word that opens many names).
KNOWN_TEXT_MIN_CHARS = 4
# A level word cut off at its cell's edge (产出 for 产出指标) keeps two characters at least; a cut-off
# level 1 with no level 2 beside it, four. A level-2 name outside the vocabulary ends in 指标 and is
# four to twelve characters long.
CUT_WORD_MIN_CHARS = 2
L1_CUT_ALONE_MIN_CHARS = 4
OTHER_L2_MIN_CHARS = 4
OTHER_L2_MAX_CHARS = 12
# Older and department-wide templates name level 1 differently; analysts need one set.
L1_ALIASES = {
    "项目产出": "产出指标",
    "项目效益": "效益指标",
    "项目成本": "成本指标",
    "运行成本": "成本指标",
    "管理效率": "产出指标",
    "履职效能": "产出指标",
    "社会效应": "效益指标",
    "可持续发展能力": "效益指标",
}
L2_CANONICAL = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "生态环境效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "社会公众或服务对象满意度指标",
    "社会公众满意度指标",
)
L2_ALIASES = {
    "产出数量": "数量指标",
    "产出质量": "质量指标",
    "产出时效": "时效指标",
    "完成时效": "时效指标",
    "产出成本": "成本指标",
    "成本控制": "成本指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "可持续影响": "可持续影响指标",
    "服务对象满意度": "服务对象满意度指标",
    "社会公众或服务对象满意度": "社会公众或服务对象满意度指标",
}
# The canonical names those wordings stand for, as a set (every printed cell is tested against them).
L2_ALIAS_TARGETS = frozenset(L2_ALIASES.values())
# Every level word the template prints, canonical or older, as one set (fragments are tested against it).
LEVEL_WORDS = frozenset(L1_CANONICAL) | frozenset(L2_CANONICAL) | frozenset(L1_ALIASES) | frozenset(L2_ALIASES)
# Distinct cells remembered by match_l1()/match_l2(): the same cells are matched again at every
# reading of a row; a long document prints a few thousand.
LEVEL_CACHE_SIZE = 1 << 14

_SPACES = re.compile(r"\s+")
WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
WEIGHT_TAIL = re.compile(r"^[（(]?\s*\d*(?:\.\d+)?\s*分?\s*[)）]$")
GOAL = re.compile(r"^(长期|年度)?(绩效)?目标(\d*)(?:[:：]|（|\(|$)")
_GOAL_CELL = re.compile(r"^(?:(长期|年度)(?:绩效)?目标|目标)\s*\d*\s*[:：]?\s*(?:[（(]\s*\d+\s*分?\s*[)）]?)?$")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")

STOP_WORDS = ("总分", "预算执行情况", "合计", "偏差大", "改进措", "备注", "注：", "注:", "说明：", "填报说明")
HEADER_WORDS = (
    "目标名称",
    "一级指标",
    "二级指标",
    "三级指标名称",
    "三级指标",
    "明细指标内容(三级指标）",
    "明细指标内容（三级指标）",
    "指标值确定依据",
    "指标值说明",
    "指标说明",
    "指标值",
    "近两年指标值",
    "前年",
    "上年",
    "预计当年实现",
    "预期当年实现值",
    "年初目标值(A)",
    "年初目标值（A）",
    "实际完成值(B)",
    "实际完成值（B）",
    "得分",
    "分值",
    "权重",
    "指标分类",
    "长期绩效指标",
    "年度绩效指标",
    "长期绩效目标",
    "年度绩效目标",
)


# Distinct cell texts remembered by squash(); a long document has a few thousand.
SQUASH_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=SQUASH_CACHE_SIZE)
def squash(text: str | None) -> str:
    """Remove every space: PDF text breaks Chinese words with spaces and line ends.

    Cached: the readers squash the same cell texts many times while they try a row's readings.
    """
    return _SPACES.sub("", text or "")


_SPACE_BY_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_SPACE_AFTER_OPERATOR = re.compile(r"(?<=[≥≤<>=])\s+")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)\s+(?=[%％])")


def tidy(text: str | None) -> str | None:
    """Spaces normalised for a printed value: none inside CJK text, one between words."""
    if text is None:
        return None
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BY_CJK.sub("", text)
    text = _SPACE_AFTER_OPERATOR.sub("", text)
    text = _SPACE_BEFORE_PERCENT.sub("", text)
    return text or None


# --------------------------------------------------------------------------- vocabulary matching


@lru_cache(maxsize=LEVEL_CACHE_SIZE)
def match_l1(cell: str, next_is_l2: bool = False) -> str | None:
    """Canonical level-1 name of a cell, or None. Short cut-off forms need an l2 beside them."""
    text = squash(cell)
    if not text:
        return None
    if text in L1_CANONICAL:
        return text
    if text in L1_ALIASES:
        return L1_ALIASES[text]
    if text.startswith("一级指标"):
        return None
    for word in L1_CANONICAL:
        if (
            len(text) >= CUT_WORD_MIN_CHARS
            and word.startswith(text)
            and (len(text) >= L1_CUT_ALONE_MIN_CHARS or next_is_l2)
        ):
            return word
    if text == "满意度" and next_is_l2:
        return "满意度指标"
    return None


@lru_cache(maxsize=LEVEL_CACHE_SIZE)
def match_l2(cell: str) -> str | None:
    """Canonical level-2 name of a cell (cut-off forms completed), or None."""
    text = squash(cell)
    if len(text) < CUT_WORD_MIN_CHARS:
        return None
    if text in L2_CANONICAL:
        return text
    words = (cell or "").split()
    if len(words) >= 2 and all(w in L2_CANONICAL for w in words):
        return words[0]  # merged cells of two levels, the second empty (社会效益指标 生态效益指标)
    if text in L2_ALIASES:
        return L2_ALIASES[text]
    for word in L2_CANONICAL:
        if word.startswith(text) and len(text) >= CUT_WORD_MIN_CHARS and text not in ("满意度",):
            return word
    if text.endswith("指标") and OTHER_L2_MIN_CHARS <= len(text) <= OTHER_L2_MAX_CHARS and text not in L1_CANONICAL:
        return text
    return None


def l2_kind(l2: str | None) -> str | None:
    """output | cost | benefit | satisfaction: what a level-2 name measures."""
    if not l2:
        return None
    if "满意" in l2:
        return "satisfaction"
    if "成本" in l2:
        return "cost"
    if "效益" in l2 or "影响" in l2:
        return "benefit"
    if any(word in l2 for word in ("数量", "质量", "时效")):
        return "output"
    return None


def consistent_l1(l1: str | None, l2: str | None) -> str | None:
    """The l1 a row really belongs to.

    l1 is a merged cell inherited over many rows while l2 is printed on the
    row itself, so when they disagree the inherited l1 is the one that is
    stale (a lost merge boundary) or an old template put the kind elsewhere
    (服务对象满意度 under 项目效益).
    """
    kind = l2_kind(l2)
    if kind == "satisfaction":
        return "满意度指标"
    if kind == "benefit":
        return "效益指标"
    if kind == "cost":
        return l1 if l1 in ("产出指标", "成本指标") else "成本指标"
    if kind == "output":
        return l1 if l1 in ("产出指标", "成本指标") else "产出指标"
    return l1


def is_vocab_tail(cell: str) -> bool:
    """'标', '指标', '分)' — the end of a word broken out of its cell."""
    text = squash(cell)
    return text in ("标", "指标", "指") or bool(WEIGHT_TAIL.match(text))


def split_weight(name: str) -> tuple[str, float | None]:
    """'工作计划按时完成率（1分）' -> ('工作计划按时完成率', 1.0)."""
    match = WEIGHT.search(name)
    if not match:
        return name, None
    cleaned = (name[: match.start()] + name[match.end() :]).strip()
    return cleaned or name, float(match.group(1))


def goal_label(cell: str, horizon: str | None) -> str | None:
    """'年度绩效目标 2（30分）' -> '年度绩效目标2'; '目标 1:' -> '长期目标1' in a long-term block."""
    text = squash(cell)
    if not _GOAL_CELL.match(text):
        return None
    text = WEIGHT.sub("", text)
    text = re.sub(r"[（(]\d*分?[)）]?$", "", text).rstrip(":：")
    if text.startswith("目标") and horizon:
        text = ("长期" if horizon == "long_term" else "年度") + text
    return text or None


def horizon_of(text: str) -> str | None:
    text = squash(text)
    if text.startswith("长期"):
        return "long_term"
    if text.startswith("年度"):
        return "annual"
    return None


def is_target_like(text: str | None) -> bool:
    """A printed value with a number: a quantitative target or a bare score."""
    if not text:
        return False
    return parse_target(text).value is not None
