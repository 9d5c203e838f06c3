"""Performance indicators (绩效指标) from the target and self-evaluation tables.

Regions are found from their titles (部门整体支出绩效目标表, 项目申报表,
项目支出自评表 ...) and their header words (一级指标, 三级指标, 指标值,
前年, 上年, 实际完成值, 得分 ...), never from where a given file puts them.
Two layouts are read:

* cell layouts (tab-separated): every row is a list of cells; l1/l2 are
  recognised by vocabulary, not by column position, because rows shift;
* stream layouts (space-separated text, or PDF text with every cell broken
  over many lines): a row is rebuilt from its fragments, ended by its value
  or by the basis column that closes it.

Every candidate line of a region is accounted for by a CoverageLine; a row
that looks like an indicator but cannot be read becomes a Finding.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

from .model import CoverageLine, Finding, IndicatorLine
from .source import SourceDocument
from .targets import parse_target

# --------------------------------------------------------------------------- vocabularies

L1_CANONICAL = ("产出指标", "效益指标", "满意度指标", "成本指标")
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
    "数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标",
    "生态环境成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "生态环境效益指标",
    "可持续影响指标", "服务对象满意度指标", "社会公众或服务对象满意度指标", "社会公众满意度指标",
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

TABLE_KINDS = ("department_target", "project_target", "department_self_eval", "project_self_eval")

_SPACES = re.compile(r"\s+")
_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_WEIGHT_TAIL = re.compile(r"^[（(]?\s*\d*(?:\.\d+)?\s*分?\s*[)）]$")
_GOAL = re.compile(r"^(长期|年度)?(绩效)?目标(\d*)(?:[:：]|（|\(|$)")
_GOAL_CELL = re.compile(r"^(?:(长期|年度)(?:绩效)?目标|目标)\s*\d*\s*[:：]?\s*(?:[（(]\s*\d+\s*分?\s*[)）]?)?$")
_PROJECT_CODE = re.compile(r"\d{6}[0-9A-Z]{6,}")
_LABEL = re.compile(r"^(附表\s*[\d\-]+|公开\s*\d+\s*表|表\s*\d+(?:-\d+)?|附件?\s*\d+)\s*[.．、:：]?")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# An enumerated paragraph (2、“企业离休干部…” 主要内容是) after a table: the text, not a row.
_NARRATIVE = re.compile(r"^(\d+|[一二三四五六七八九十]+)、\S{6,}|^第[一二三四五六七八九十]+部分")

_TITLES: tuple[tuple[str, re.Pattern], ...] = (
    ("department_self_eval", re.compile(r"整体(支出)?绩效自评(表|结果)|部门整体.{0,12}自评表$")),
    ("project_self_eval", re.compile(r"项目(支出)?(绩效)?自评表$|^自评表$")),
    ("department_target", re.compile(r"整体(支出)?绩效目标(申报)?表")),
    ("project_target", re.compile(r"项目(支出)?绩效目标(申报)?表|项目申报表|项目年度绩效目标表")),
)
# A department table whose title page was lost still opens with this block.
_DEPARTMENT_OPENING = re.compile(r"^整体绩效总?目标")
_TOC = re.compile(r"\.{4,}|…{2,}|^[-*]\s|^[一二三四五六七八九十]+、")

_STOP_WORDS = ("总分", "预算执行情况", "合计", "偏差大", "改进措", "备注", "注：", "注:", "说明：", "填报说明")
_HEADER_WORDS = (
    "目标名称", "一级指标", "二级指标", "三级指标名称", "三级指标", "明细指标内容(三级指标）",
    "明细指标内容（三级指标）", "指标值确定依据", "指标值说明", "指标说明", "指标值", "近两年指标值",
    "前年", "上年", "预计当年实现", "预期当年实现值", "年初目标值(A)", "年初目标值（A）",
    "实际完成值(B)", "实际完成值（B）", "得分", "分值", "权重", "指标分类", "长期绩效指标",
    "年度绩效指标", "长期绩效目标", "年度绩效目标",
)


def squash(text: Optional[str]) -> str:
    """Remove every space: PDF text breaks Chinese words with spaces and line ends."""
    return _SPACES.sub("", text or "")


def tidy(text: Optional[str]) -> Optional[str]:
    """Spaces normalised for a printed value: none inside CJK text, one between words."""
    if text is None:
        return None
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    text = re.sub(r"(?<=[≥≤<>=])\s+", "", text)
    text = re.sub(r"(?<=\d)\s+(?=[%％])", "", text)
    return text or None


# --------------------------------------------------------------------------- vocabulary matching


def match_l1(cell: str, next_is_l2: bool = False) -> Optional[str]:
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
        if len(text) >= 2 and word.startswith(text) and (len(text) >= 4 or next_is_l2):
            return word
    if text == "满意度" and next_is_l2:
        return "满意度指标"
    return None


def match_l2(cell: str) -> Optional[str]:
    """Canonical level-2 name of a cell (cut-off forms completed), or None."""
    text = squash(cell)
    if len(text) < 2:
        return None
    if text in L2_CANONICAL:
        return text
    words = (cell or "").split()
    if len(words) >= 2 and all(w in L2_CANONICAL for w in words):
        return words[0]  # merged cells of two levels, the second empty (社会效益指标 生态效益指标)
    if text in L2_ALIASES:
        return L2_ALIASES[text]
    for word in L2_CANONICAL:
        if word.startswith(text) and len(text) >= 2 and text not in ("满意度",):
            return word
    if text.endswith("指标") and 4 <= len(text) <= 12 and text not in L1_CANONICAL:
        return text
    return None


def l2_kind(l2: Optional[str]) -> Optional[str]:
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


def consistent_l1(l1: Optional[str], l2: Optional[str]) -> Optional[str]:
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
    return text in ("标", "指标", "指") or bool(_WEIGHT_TAIL.match(text))


def split_weight(name: str) -> tuple[str, Optional[float]]:
    """'工作计划按时完成率（1分）' -> ('工作计划按时完成率', 1.0)."""
    match = _WEIGHT.search(name)
    if not match:
        return name, None
    cleaned = (name[: match.start()] + name[match.end():]).strip()
    return cleaned or name, float(match.group(1))


def goal_label(cell: str, horizon: Optional[str]) -> Optional[str]:
    """'年度绩效目标 2（30分）' -> '年度绩效目标2'; '目标 1:' -> '长期目标1' in a long-term block."""
    text = squash(cell)
    if not _GOAL_CELL.match(text):
        return None
    text = _WEIGHT.sub("", text)
    text = re.sub(r"[（(]\d*分?[)）]?$", "", text).rstrip(":：")
    if text.startswith("目标") and horizon:
        text = ("长期" if horizon == "long_term" else "年度") + text
    return text or None


def horizon_of(text: str) -> Optional[str]:
    text = squash(text)
    if text.startswith("长期"):
        return "long_term"
    if text.startswith("年度"):
        return "annual"
    return None


def is_target_like(text: Optional[str]) -> bool:
    """A printed value with a number: a quantitative target or a bare score."""
    if not text:
        return False
    return parse_target(text).op is not None


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


# --------------------------------------------------------------------------- state


@dataclass
class TableState:
    """What a row inherits: the project, the horizon, the goal, merged l1/l2 cells, the columns."""

    doc: SourceDocument
    region: Region
    project_code: Optional[str] = None
    project_name: Optional[str] = None
    horizon: Optional[str] = None
    goal: Optional[str] = None
    l1: Optional[str] = None
    l2: Optional[str] = None
    roles: list[str] = field(default_factory=list)
    in_table: bool = False
    l1_printed: Optional[str] = None
    known_names: frozenset[str] = frozenset()  # names the document's other tables print
    seen_texts: set[str] = field(default_factory=set)  # names, values and priors read so far (stream)
    name_column: int = -1  # the header's 三级指标 column (cell layouts)

    @property
    def scope(self) -> str:
        return "department" if self.region.table_kind.startswith("department") else "project"

    @property
    def self_eval(self) -> bool:
        return self.region.table_kind.endswith("self_eval")


@dataclass
class Draft:
    """An indicator row being assembled from one or more printed lines."""

    line: int
    l1: Optional[str]
    l2: Optional[str]
    cells: list[str]  # name first, then one cell per role
    roles: list[str]
    lines: list[int] = field(default_factory=list)
    l1_printed: Optional[str] = None  # the level-1 cell as printed (项目产出)


def header_roles(cells: Iterable[str]) -> list[str]:
    """Column roles after the name column, from the header words (前年 / 上年 refine 指标值)."""
    roles: list[str] = []
    for cell in cells:
        text = squash(cell)
        if not text:
            continue
        if "实际完成" in text:
            roles.append("actual")
        elif text.startswith("得分"):
            roles.append("score")
        elif text in ("分值", "权重", "指标权重"):
            roles.append("weight")
        elif "依据" in text or "说明" in text:
            roles.append("basis")
        elif "指标分类" in text:
            roles.append("class")
        elif text.startswith("指标值") or "目标值" in text or "当年实现" in text:
            roles.append("target")
    return roles


def refine_roles(roles: list[str], sub_header: Iterable[str]) -> list[str]:
    """A second header line (前年 上年 预计当年实现) splits 指标值 into three columns."""
    words = [squash(c) for c in sub_header if squash(c)]
    if not any(w in ("前年", "上年") for w in words) or "target" not in roles:
        return roles
    index = roles.index("target")
    return roles[:index] + ["prior_2", "prior_1", "target"] + roles[index + 1:]


def is_header_line(text: str) -> bool:
    flat = squash(text)
    if flat == "一级指标":
        return True  # PDF text: the other header cells follow on their own lines
    return "一级指标" in flat and ("二级指标" in flat or "三级" in flat or "指标值" in flat) or (
        flat.startswith("一级") and "二级" in flat)


def is_sub_header(cells: list[str]) -> bool:
    words = [squash(c) for c in cells if squash(c)]
    return bool(words) and all(
        w in ("前年", "上年", "近两年指标值") or (len(w) >= 2 and w in "预计当年实现预期当年实现值")
        for w in words)


# --------------------------------------------------------------------------- output rows


def build_indicator(state: TableState, draft: Draft) -> Optional[IndicatorLine]:
    """An IndicatorLine from an assembled row, or None when it has no name."""
    values = dict(zip(draft.roles, draft.cells[1:]))
    raw_name = squash(draft.cells[0]) if draft.cells else ""
    name, weight = split_weight(raw_name)
    name = re.sub(r"[（(]\s*\d*\s*分?\s*[)）]$", "", name) if weight is not None else name
    if "weight" in values and weight is None and values["weight"]:
        weight = _as_float(values["weight"])
    if not name:
        return None
    target_text = tidy(values.get("target"))
    target = parse_target(target_text)
    priors = [(word, tidy(values.get(role))) for word, role in (("前年", "prior_2"), ("上年", "prior_1"))]
    prior_text = "; ".join(f"{word}={value}" for word, value in priors if value) or None
    l1 = consistent_l1(draft.l1, draft.l2)
    if l1 is None:
        return None
    printed = draft.l1_printed if draft.l1_printed and draft.l1 else None
    if printed and draft.l1.startswith(printed):
        printed = draft.l1  # a word the PDF broke (产出 / 指标), not another name
    return IndicatorLine(
        document_id=state.doc.document_id,
        table_kind=state.region.table_kind,
        target_scope=state.scope,
        project_code=state.project_code if state.scope == "project" else None,
        project_name=state.project_name if state.scope == "project" else None,
        horizon=state.horizon or ("annual" if state.self_eval else "long_term"),
        goal_label=state.goal,
        indicator_l1=l1,
        indicator_l1_printed=printed if printed != l1 else None,
        indicator_l2=draft.l2,
        indicator_name=name,
        indicator_weight=weight,
        target_text=target_text,
        target_op=target.op,
        target_value=target.value,
        target_unit=target.unit,
        prior_targets=prior_text,
        basis=tidy(values.get("basis")),
        actual_text=tidy(values.get("actual")) if state.self_eval else None,
        score=_as_float(values.get("score")) if state.self_eval else None,
        source_table=state.region.label,
        source_line=draft.line,
    )


def _as_float(text: Optional[str]) -> Optional[float]:
    flat = squash(text)
    return float(flat) if flat and _NUMBER.match(flat) else None


def coverage(state: TableState, line: int, outcome: str, detail: Optional[str] = None) -> CoverageLine:
    return CoverageLine(state.doc.document_id, state.region.table_kind, state.region.label, line, outcome, detail)


def unreadable(state: TableState, line: int, reason: str) -> Finding:
    return Finding(
        document_id=state.doc.document_id,
        check="unreadable_indicator",
        severity="error",
        detail=f"{state.doc.file_name}:{line}: {reason} in {state.region.label}",
        source_line=line,
    )


# --------------------------------------------------------------------------- project identity


def read_project_identity(state: TableState, number: int, cells: list[str]) -> bool:
    """项目名称 / 项目编码 cells (or lines) set the project every later row belongs to."""
    flat_cells = [squash(c) for c in cells]
    found = False
    for index, text in enumerate(flat_cells):
        if text.startswith("项目名称"):
            rest = text[len("项目名称"):].lstrip(":：")
            value = rest or next((c for c in flat_cells[index + 1:] if c), "")
            value = re.split(r"项目编码|年度预算金额|项目类别|项目总预算", value)[0]
            if value:
                state.project_name = value
            elif state.project_name is None:
                state.project_name = _following_text(state.doc, number)
            state.project_code = state.project_code if found else None
            found = True
        if "项目编码" in text:
            code = _code_after(flat_cells, index, text) or _code_in_lines(state.doc, number)
            if code:
                state.project_code = code
            found = True
    return found


def _code_after(cells: list[str], index: int, text: str) -> Optional[str]:
    rest = text.split("项目编码", 1)[1]
    for candidate in [rest] + cells[index + 1:]:
        match = _PROJECT_CODE.search(candidate)
        if match:
            return match.group(0)
    return None


def _code_in_lines(doc: SourceDocument, number: int) -> Optional[str]:
    """PDF text prints the code a few lines below 项目编码, sometimes split over lines."""
    joined = ""
    for _, text in doc.numbered(number + 1, number + 6):
        flat = squash(text)
        if flat and not re.fullmatch(r"[0-9A-Z]+", flat):
            break  # the next field: the code, if any, is complete
        joined += flat
    match = _PROJECT_CODE.search(joined)
    return match.group(0) if match else None


def _following_text(doc: SourceDocument, number: int) -> Optional[str]:
    """A project name printed on the lines after 项目名称, up to 项目编码."""
    parts: list[str] = []
    for _, text in doc.numbered(number + 1, number + 6):
        flat = squash(text)
        if not flat:
            continue
        if "项目编码" in flat:
            parts.append(flat.split("项目编码")[0])
            break
        parts.append(flat)
    name = "".join(parts)
    return name or None


# --------------------------------------------------------------------------- cell layouts


def split_cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("\t")]


def classify_cells(cells: list[str], horizon: Optional[str]) -> tuple[Optional[str], Optional[str], Optional[str], int]:
    """(goal, l1, l2, index of the name cell) of a cell row; index -1 if the row has no name.

    l1/l2 are recognised by vocabulary wherever they sit, because rows are
    printed shifted left or right; everything before the last l1/l2 cell is
    the goal column or fragments of a broken word.
    """
    goal = l1 = l2 = None
    filled = [(i, c) for i, c in enumerate(cells) if c]
    last_vocab = -1
    for position, (index, cell) in enumerate(filled[:5]):
        if goal is None and l1 is None and l2 is None and goal_label(cell, horizon):
            goal = goal_label(cell, horizon)
            continue
        following = filled[position + 1][1] if position + 1 < len(filled) else ""
        if l1 is None and l2 is None:
            found = match_l1(cell, next_is_l2=bool(match_l2(following)))
            if found and position + 2 < len(filled):
                l1, last_vocab = found, index
                continue
        found2 = match_l2(cell)
        if found2 and l2 is not None and not squash(cell).endswith("指标"):
            found2 = None  # a second l2 must be a whole word; 服务对象满意度 after its l2 is the name
        if found2 and position + 1 < len(filled):
            l2, last_vocab = found2, index
            continue
        if last_vocab >= 0 or not is_vocab_tail(cell):
            break
    start = last_vocab + 1 if last_vocab >= 0 else 0
    for index in range(start, len(cells)):
        cell = cells[index]
        if not cell or goal_label(cell, horizon) and index < 2 or (last_vocab < 0 and is_vocab_tail(cell)):
            continue
        return goal, l1, l2, index
    return goal, l1, l2, -1


def printed_l1(cells: list[str], l1: str) -> Optional[str]:
    """The cell a row's level 1 was read from, as printed (spaces removed)."""
    filled = [squash(c) for c in cells if squash(c)]
    for position, cell in enumerate(filled[:5]):
        following = filled[position + 1] if position + 1 < len(filled) else ""
        if match_l1(cell, next_is_l2=bool(match_l2(following))) == l1:
            return cell
    return None


def assign_roles(values: list[str], roles: list[str], self_eval: bool) -> list[str]:
    """Value cells to columns: by position when the count fits, else by the non-empty cells.

    Rows print empty 前年/上年 cells or drop them; a self-evaluation always
    ends with its score, a budget table usually loses its trailing basis.
    """
    while values and not values[-1]:
        values = values[:-1]
    if len(values) == len(roles):
        return values
    filled = [v for v in values if v]
    if len(filled) == len(roles):
        return filled
    if len(filled) > len(roles):
        head = len(filled) - len(roles) + 1
        return [" ".join(filled[:head])] + filled[head:] if roles and roles[0] != "target" else filled[: len(roles) - 1] + [" ".join(filled[len(roles) - 1:])]
    if self_eval or (roles and roles[-1] == "score"):
        return [""] * (len(roles) - len(filled)) + filled
    if "prior_2" in roles and len(filled) == 2 and roles[-1] == "basis":
        return ["", ""] + [filled[0], filled[1]]
    return filled + [""] * (len(roles) - len(filled))


def parse_cell_region(state: TableState, start: int, end: int):
    """Rows of a tab-separated region."""
    indicators: list[IndicatorLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    draft: Optional[Draft] = None
    after_blank = False
    pending_l1_prefix = None

    def flush():
        nonlocal draft
        if draft is None:
            return
        row = build_indicator(state, draft)
        if row is None:
            findings.append(unreadable(state, draft.line, "indicator row without a name or a level-1 indicator"))
            cover.append(coverage(state, draft.line, "finding", "no indicator name or level 1"))
        else:
            indicators.append(row)
            cover.append(coverage(state, draft.line, "fact", row.indicator_name))
            for extra in draft.lines[1:]:
                cover.append(coverage(state, extra, "fact", f"continuation of line {draft.line}"))
        draft = None

    for number, text in state.doc.numbered(start, end):
        if not text.strip():
            after_blank = True
            continue
        cells = split_cells(text)
        flat = squash(text)
        blank_before, after_blank = after_blank, False
        if read_project_identity(state, number, cells):
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "header", "project identity"))
            continue
        if is_header_line(text):
            flush()
            state.name_column = _name_column(cells)
            state.roles = header_roles(cells[state.name_column + 1:])
            first = horizon_of(cells[0]) if cells else None
            if state.self_eval:
                state.horizon = "annual"
            elif first:
                state.horizon = first
            state.l1 = state.l2 = state.l1_printed = None
            state.in_table = True
            cover.append(coverage(state, number, "header", "column header"))
            continue
        if state.in_table and is_sub_header(cells):
            state.roles = refine_roles(state.roles, cells)
            cover.append(coverage(state, number, "header", "column sub-header"))
            continue
        horizon = _horizon_marker(flat)
        if horizon:
            flush()
            state.horizon = horizon
            state.in_table = False
            state.goal = None
            cover.append(coverage(state, number, "header", "horizon marker"))
            continue
        if "\t" not in text and state.in_table :
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "note", "text line ends the cell table"))
            continue
        if not state.in_table:
            if squash(cells[0]) in ("长期", "年度"):
                state.horizon = horizon_of(cells[0])
            if goal_label(cells[0], state.horizon) if cells else None:
                state.goal = goal_label(cells[0], state.horizon)
            _goal_from_line(state, cells)
            cover.append(coverage(state, number, "note", "outside an indicator table"))
            continue
        if any(squash(c).startswith(_STOP_WORDS) or squash(c) == "总" for c in cells[:2] if c):
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "note", "table footer"))
            continue
        goal, l1, l2, name_index = classify_cells(cells, state.horizon)
        if draft is not None and 0 <= name_index < state.name_column < len(cells) and cells[state.name_column] and not (
                goal or l1 or l2) and _ends_known_name(state, draft, cells[name_index], indicators):
            draft.cells[0] += cells[name_index]  # the end of a wrapped name printed left of its column
            cells = cells[:name_index] + [""] + cells[name_index + 1:]
            goal, l1, l2, name_index = classify_cells(cells, state.horizon)
        filled = [c for c in cells if c]
        if goal and name_index >= 0 and l1 is None and l2 is None and len(filled) <= 2:
            flush()
            state.goal = goal
            cover.append(coverage(state, number, "note", "goal description"))
            continue
        content = [c for c in cells[name_index:] if c] if name_index >= 0 else [c for c in cells if c]
        if draft is not None and l1 is None and l2 is None and goal is None and _is_continuation(
            draft, content, blank_before
        ):
            _continue_draft(draft, cells, name_index, number)
            continue
        if l1:
            state.l1_printed = printed_l1(cells, l1)
        if name_index < 0:
            if l1 or l2:
                state.l1, state.l2 = l1 or state.l1, l2 or (None if l1 else state.l2)
            cover.append(coverage(state, number, "note", "merged-cell fragment"))
            continue
        flush()
        if goal:
            state.goal = goal
        if l1:
            state.l1, state.l2 = l1, None
        if l2:
            state.l2 = l2
        values = assign_roles(cells[name_index + 1:], state.roles, state.self_eval)
        draft = Draft(number, state.l1, state.l2, [cells[name_index]] + values, list(state.roles), [number],
                      l1_printed=state.l1_printed)
        if not state.roles:
            findings.append(unreadable(state, number, "indicator row before any column header"))
    flush()
    return indicators, cover, findings


def _ends_known_name(state: TableState, draft: Draft, cell: str, earlier: list[IndicatorLine]) -> bool:
    """A cell that, added to the open row's name, spells a name the document prints whole
    elsewhere (long-term and annual tables repeat their indicators): 买岗人员 / 年度工作总结及评价标准
    printed in the l2 column is the end of that name, not a row of its own."""
    joined = squash(draft.cells[0]) + squash(cell)
    return joined in state.known_names or any(row.indicator_name == joined for row in earlier)


def _name_column(cells: list[str]) -> int:
    for index, cell in enumerate(cells):
        flat = squash(cell)
        if flat.startswith("三级") or "三级指标" in flat or flat.startswith("明细指标"):
            return index
    return min(3, len(cells) - 1)


def _horizon_marker(flat: str) -> Optional[str]:
    """长期绩效目标表 / 年度绩效目标表 open a sub-table of a project table."""
    for word, horizon in (("长期绩效目标表", "long_term"), ("年度绩效目标表", "annual"),
                          ("项目年度绩效目标表", "annual")):
        if flat.startswith(word) or flat == word:
            return horizon
    return None


def _goal_from_line(state: TableState, cells: list[str]) -> None:
    """长期目标1: / 年度目标2: lines (department tables) set the horizon and goal of what follows."""
    first = squash(cells[0]) if cells else ""
    match = re.match(r"^(长期|年度)(绩效)?目标\s*(\d+)\s*[:：]?", first)
    if match:
        state.horizon = "long_term" if match.group(1) == "长期" else "annual"
        state.goal = f"{match.group(1)}{match.group(2) or ''}目标{match.group(3)}"


def _is_continuation(draft: Draft, content: list[str], blank_before: bool) -> bool:
    """A wrapped row: it follows a blank line and adds fragments, not a new indicator."""
    if not content:
        return True
    if not blank_before and len(content) > 1:
        return False
    previous = [c for c in draft.cells if c]
    if len(content) < len(previous):
        return True
    if any(is_target_like(c) for c in content[1:]):
        return False
    return not any(c == p for c, p in zip(content[1:], previous[1:]))


def _continue_draft(draft: Draft, cells: list[str], name_index: int, line: int) -> None:
    """Fragments of a wrapped row are appended, in order, to the cells they continue."""
    fragments = [c for c in (cells[name_index:] if name_index >= 0 else cells)
                 if c and squash(c) not in ("标", "指标", "指")]
    name_has_weight = bool(_WEIGHT.search(squash(draft.cells[0])))
    if name_has_weight:
        fragments = [f for f in fragments if not _WEIGHT_TAIL.match(squash(f))]
    targets = [i for i, c in enumerate(draft.cells) if c] or [0]
    if len(fragments) > len(targets):
        fragments = [" ".join(fragments[: len(fragments) - len(targets) + 1])] + fragments[len(fragments) - len(targets) + 1:]
    for slot, fragment in zip(targets, fragments):
        draft.cells[slot] = f"{draft.cells[slot]} {fragment}".strip()
    draft.lines.append(line)


# --------------------------------------------------------------------------- stream layouts


@dataclass
class Fragment:
    line: int
    text: str
    first_on_line: bool
    line_tokens: int


def stream_fragments(doc: SourceDocument, start: int, end: int) -> list[Fragment]:
    """Non-empty tokens of a text region, each with its line, vocabulary words re-joined.

    A level-1/2 word broken over lines (满意度指 / 标, 经济成本指 / 标) is
    joined back so that it is recognised; so is a goal label (长期绩效 / 目标 1).
    """
    raw: list[Fragment] = []
    for number, text in doc.numbered(start, end):
        tokens = [t for piece in re.split(r"\s{2,}|\t", text.strip()) if piece.strip()
                  for t in _split_single_spaces(piece)]
        for position, token in enumerate(tokens):
            raw.append(Fragment(number, token.strip(), position == 0, len(tokens)))
    return _join_vocab(raw)


def _split_single_spaces(text: str) -> list[str]:
    """'党建工作 支部主题党日 36 2023年底前完成' is four cells; '≥ 90%' and '30 分钟' are one."""
    parts = text.split(" ")
    merged: list[str] = []
    for part in parts:
        if not part:
            continue
        if merged and (re.fullmatch(r"[≥≤<>=＞＜]+", merged[-1]) or re.match(r"^[%％万个人次家天分元]", part)
                       and re.search(r"\d$", merged[-1])):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def _join_vocab(raw: list[Fragment]) -> list[Fragment]:
    joined: list[Fragment] = []
    index = 0
    while index < len(raw):
        best = None
        for width in (3, 2):
            if index + width > len(raw):
                continue
            text = "".join(squash(f.text) for f in raw[index: index + width])
            if (text in L1_CANONICAL or text in L2_CANONICAL or text in L2_ALIASES or text in L1_ALIASES
                    or re.fullmatch(r"(长期|年度)绩效目标\d*", text)):
                best = (width, text)
                break
        if best:
            width, text = best
            first = raw[index]
            joined.append(Fragment(first.line, text, first.first_on_line, first.line_tokens))
            index += width
        else:
            joined.append(raw[index])
            index += 1
    return joined


def trailer_words(fragments: list[Fragment]) -> set[str]:
    """Values of the closing columns (指标值确定依据, 指标分类) of this region.

    They repeat row after row (计划标准, 2021年底前完成, 绩效基本型): a short
    single-cell line seen three times or more, or the last cell of a line whose
    cell before it is a target.
    """
    counts = Counter(squash(f.text) for f in fragments if f.line_tokens == 1)
    openers = {squash(f.text) for f in fragments if f.first_on_line and f.line_tokens > 1}
    words = {w for w, n in counts.items() if n >= 3 and 2 <= len(w) <= 8 and not is_target_like(w)
             and w not in openers
             and not match_l1(w) and not match_l2(w) and not _GOAL.match(w)}
    by_line: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        by_line.setdefault(fragment.line, []).append(fragment)
    closers = set()
    for parts in by_line.values():
        last = squash(parts[-1].text)
        if len(parts) >= 2 and is_target_like(parts[-2].text) and not is_target_like(last) and _is_label(last):
            closers.add(last)
    ends = {squash(parts[-1].text) for parts in by_line.values() if len(parts) >= 2}
    return closers | {w for w in words if w in ends}


def _is_label(word: str) -> bool:
    """A basis label (计划标准, 据实结算), not the rest of a sentence wrapped after a number (余份，形成上)."""
    return 2 <= len(word) <= 12 and not _SENTENCE.search(word) and "、" not in word


def free_l2_words(fragments: list[Fragment], trailers: set[str]) -> set[str]:
    """Level-2 names outside the vocabulary (党建工作, 监管工作) a document uses.

    They open complete one-line rows (l2, name, value, basis); once learned
    there, the same word alone on a line is an l2, not part of a name.
    """
    by_line: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        by_line.setdefault(fragment.line, []).append(fragment)
    learned = {squash(parts[0].text) for parts in by_line.values()
               if len(parts) >= 4 and not is_target_like(parts[0].text) and squash(parts[-1].text) in trailers
               and is_target_like(parts[-2].text) and _free_word(parts[0].text)}
    if not learned:
        return learned
    # A table that uses free level-2 words: another short word alone on a line again and again is one too
    # (宣传工作 only ever heads rows whose value is text); a name is printed twice at most (long-term, annual).
    alone = Counter(squash(parts[0].text) for parts in by_line.values() if len(parts) == 1)
    return learned | {w for w, n in alone.items() if n >= 3 and _free_word(w) and w not in trailers
                      and not is_target_like(w) and not _GOAL.match(w) and len(w) >= 3}


def _free_word(text: str) -> bool:
    return not match_l1(text) and not match_l2(text) and len(squash(text)) <= 8


def parse_stream_region(state: TableState, start: int, end: int):
    """Rows of a region printed as text: fragments are gathered until the row closes."""
    indicators: list[IndicatorLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    fragments = stream_fragments(state.doc, start, end)
    trailers = trailer_words(fragments)
    free_l2 = free_l2_words(fragments, trailers)
    row: list[Fragment] = []
    closed = False
    accounted: set[int] = set()

    previous: list[Fragment] = []  # the fragments of the last row read

    def flush():
        nonlocal row, closed, previous
        if (row and indicators and _adjacent(fragments, previous, row) and len(row) >= 2
                and all(f.line_tokens == 1 and _is_char_line(f.text) for f in row)
                and (indicators[-1].prior_targets or "").startswith("前年=")):
            # the one-character 前年 column running on after its row closed (… 填 / 报 / 和 / 报 | 送 / 要 / 求)
            tail = "".join(squash(f.text) for f in row)
            first, _, second = indicators[-1].prior_targets.partition("; 上年=")
            priors = first + tail + (f"; 上年={second}" if second else "")
            indicators[-1] = replace(indicators[-1], prior_targets=priors)
            cover.extend(coverage(state, line, "fact", f"continuation of line {previous[0].line}")
                         for line in sorted({f.line for f in row}))
            accounted.update(f.line for f in row)
            row, closed = [], False
            return
        if row and indicators and _adjacent(fragments, previous, row):
            spill = spilled_cell(previous, row, trailers, "basis" in state.roles and indicators[-1].basis is None)
            if spill:
                indicators[-1] = _with_spill(indicators[-1], spill, row, trailers)
                cover.extend(coverage(state, line, "fact", f"continuation of line {previous[0].line}")
                             for line in sorted({f.line for f in row}))
                accounted.update(f.line for f in row)
                row, closed = [], False
                return
            lead = leading_target(previous, row, trailers) if indicators[-1].target_op is None else 0
            if lead:  # the text value ran on after the basis printed beside its middle (…取一个号， 计划标准 排一次队…)
                text = tidy((indicators[-1].target_text or "") + "".join(squash(f.text) for f in row[:lead]))
                indicators[-1] = replace(indicators[-1], target_text=text)
                cover.extend(coverage(state, line, "fact", f"continuation of line {previous[0].line}")
                             for line in sorted({f.line for f in row[:lead]}))
                accounted.update(f.line for f in row[:lead])
                row = row[lead:]
            lead = leading_basis(previous, row, trailers, state.roles) if indicators[-1].basis is None else 0
            if lead:
                indicators[-1] = _with_spill(indicators[-1], "basis", row[:lead], trailers)
                cover.extend(coverage(state, line, "fact", f"continuation of line {previous[0].line}")
                             for line in sorted({f.line for f in row[:lead]}))
                accounted.update(f.line for f in row[:lead])
                row = row[lead:]
        if row:
            previous = list(row)
            result = build_stream_row(state, row, trailers)
            if result is None:
                findings.append(unreadable(state, row[0].line, "indicator fragments without a name, "
                                           "a level-1 indicator or a column header"))
                cover.append(coverage(state, row[0].line, "finding", "unreadable fragments"))
            else:
                indicators.append(result)
                cover.append(coverage(state, row[0].line, "fact", result.indicator_name))
                state.seen_texts.update(squash(t) for t in (result.indicator_name, result.target_text) if t)
            for fragment in row:
                accounted.add(fragment.line)
        row, closed = [], False

    lines = _group_lines(fragments)
    opened_whole_line = False
    header_open = False
    fresh = False  # l1/l2 set and no row read since
    l2_cut = False  # the last level 2 printed cut (数量指), its 标 still to come
    l2_partial = False  # the last level 2 printed as the start of a longer word (社会公众或)
    position_of = {id(f): i for i, f in enumerate(fragments)}
    for number, parts in lines:
        text = state.doc.line(number)
        flat = squash(text)
        cells = [p.text for p in parts]
        if read_project_identity(state, number, cells if len(cells) > 1 else [text]):
            flush()
            state.in_table, state.goal = False, None
            cover.append(coverage(state, number, "header", "project identity"))
            continue
        if is_header_line(text):
            flush()
            state.roles = header_roles(_header_words(state.doc, number))
            if _has_priors(state.doc, number):
                state.roles = refine_roles(state.roles, ["前年", "上年"])
            state.horizon = "annual" if state.self_eval else (horizon_of(flat) or state.horizon)
            state.l1 = state.l2 = state.l1_printed = None
            state.in_table = True
            header_open = True
            cover.append(coverage(state, number, "header", "column header"))
            continue
        if header_open and continues_header(text):
            cover.append(coverage(state, number, "header", "column header continued"))
            continue
        header_open = False
        horizon = _horizon_marker(flat) or _stream_horizon(flat)
        if horizon:
            flush()
            # 长期目标1： then 长期绩效指标 (the same horizon) keeps the goal; a new horizon drops it
            state.horizon, state.goal = horizon, state.goal if horizon == state.horizon else None
            state.in_table = False
            _goal_from_line(state, [flat])
            cover.append(coverage(state, number, "header", "horizon marker"))
            continue
        if not state.in_table:
            cover.append(coverage(state, number, "note", "outside an indicator table"))
            continue
        if _is_header_fragment(text) and not any(goal_label(squash(p.text), state.horizon) for p in parts) and not (
                row and not closed and len(flat) == 1 and flat not in ("标", "指")):  # 类 inside 各 / 类 / 宣
            cover.append(coverage(state, number, "header", "column header continued"))
            continue  # (长期绩效 / 目标 1 is a goal label broken over lines, joined into one piece)
        if flat.startswith(_STOP_WORDS) or title_kind(text) or (flat.endswith("表") and len(flat) <= 20) or (
                _NARRATIVE.match(flat)):
            flush()
            state.in_table = False
            cover.append(coverage(state, number, "note", "end of indicator table"))
            continue
        for part in parts:
            word = squash(part.text)
            goal = goal_label(word, state.horizon)
            # a level-1 piece printed after its row's level 2 (cells centred in their height)
            after_l2 = fresh and state.l2 is not None and state.l1 is None
            l1 = match_l1(word, next_is_l2=after_l2) if len(word) >= 3 else None
            l2 = match_l2(word) if not l1 else None
            if goal and part.first_on_line:
                flush()
                state.goal = goal
                if not fresh:  # a goal centred in its merged cell can print after its first l1/l2
                    state.l1 = state.l2 = None
                continue
            if l1 and (part.first_on_line or not row):
                flush()
                # a level 2 cut before this level 1 (数量指 / 产出指标 / 标) is this row's level 2
                keep = after_l2 or (fresh and l2_cut and state.l2 is not None)
                state.l1, state.l2 = l1, state.l2 if keep else None
                state.l1_printed = word
                fresh = True
                continue
            if l2 and fresh and state.l2 and (l2 == state.l2 or l2 in state.l2 and not l2_partial) and word != l2 and not is_vocab_tail(word) and len(word) >= 4:
                l2 = None  # 服务对象满 under 服务对象满意度指标 opens the name, not the level again
            following = fragments[position_of[id(part)] + 1] if position_of[id(part)] + 1 < len(fragments) else None
            if l2 and row and not closed and part.first_on_line and not any(
                    is_target_like(f.text) for f in row) and following is not None and len(
                    squash(following.text)) <= 2 and not is_target_like(following.text):
                state.l2 = l2  # printed beside the middle of the name it belongs to (准 / 质量指标 / 位)
                continue
            if l2 and (part.first_on_line or not row):
                flush()
                if not (fresh and state.l2 and is_vocab_tail(word)):
                    continued = fresh and l2_partial and state.l2 and l2 in state.l2  # 社会公众或 / 服务对象满
                    state.l2 = state.l2 if continued else l2
                    l2_cut = word.endswith("指")
                    l2_partial = not continued and word not in L2_CANONICAL and word not in L2_ALIASES
                fresh = True
                continue
            after_l1 = not part.first_on_line and parts.index(part) == 1 and match_l1(squash(parts[0].text))
            if word in free_l2 and (part.first_on_line or after_l1) and (len(parts) == 1 or len(parts) >= 4):
                flush()
                state.l2 = word
                continue
            if word in trailers:
                if row:
                    row.append(part)
                    closed = True
                continue
            if closed:
                flush()
            if not row and part.first_on_line and parts[-1] is not part and _learned_l2(state, word, parts):
                continue
            if not row and part.first_on_line and len(parts) >= 1 + len(state.roles) >= 3:
                opened_whole_line = True
            if re.fullmatch(r"[.…]{2,}", word):
                flush()  # a "……" template row: no indicator
                continue
            if not row and state.l2 and len(word) <= 3 and word in state.l2 and not is_target_like(word):
                continue  # the tail of a level-2 cell printed after its first row (…满 / 意度)
            if fresh and not row and is_vocab_tail(word):
                continue  # the end of a level word broken around a goal label (成本指 / … / 标)
            row.append(part)
            fresh = False
            if part is parts[-1] and is_target_like(part.text) and (part.line_tokens >= 2 or len(row) >= 2 and (
                    not _NUMBER.match(squash(part.text)))) and not _inside_prior(state, row, parts) and (
                    not _inside_text(row, parts)):
                closed = True  # the value ends its row, also alone below a wrapped name (not 100 / % broken)
            if part is parts[-1] and opened_whole_line:
                closed = True
        opened_whole_line = False
        if number not in accounted:
            cover.append(coverage(state, number, "fact" if row else "note", "row fragment" if row else "label"))
    flush()
    return indicators, cover, findings


def _inside_prior(state: TableState, row: list[Fragment], parts: list[Fragment]) -> bool:
    """'截至目前已在 12家' inside a row already open, in a table with 前年 / 上年 columns: a number
    ending a line of prior-year text, not the row's value (printed after the priors, or alone)."""
    if "prior_1" not in state.roles or len(parts) != 2 or is_target_like(parts[0].text):
        return False
    return row.index(parts[0]) > 0 if parts[0] in row else False


def _inside_text(row: list[Fragment], parts: list[Fragment]) -> bool:
    """'信息查询等 12项医' inside a wrapped text cell: the line is as wide as the full lines before it,
    so the number is part of a sentence running on (…等 18项医保服务事 / 项的就近办理), not the value."""
    if len(parts) < 2 or is_target_like(parts[0].text) or parts[0] not in row or row.index(parts[0]) == 0:
        return False
    before = [f for f in row if f.line < parts[0].line]
    by_line: dict[int, str] = {}
    for fragment in before:
        by_line[fragment.line] = by_line.get(fragment.line, "") + squash(fragment.text)
    widths = [display_width(t) for _, t in sorted(by_line.items())]
    if len(widths) < 3:
        return False
    here = display_width("".join(squash(p.text) for p in parts))
    return widths[-1] >= max(widths[-3:]) - 1 and widths[-2] >= max(widths[-3:]) - 1 and here >= widths[-1] - 1


def _adjacent(fragments: list[Fragment], previous: list[Fragment], row: list[Fragment]) -> bool:
    """The row's first fragment directly follows the previous row's last: no label between them."""
    if not previous or not row:
        return False
    ids = [id(f) for f in fragments]
    return ids.index(id(row[0])) == ids.index(id(previous[-1])) + 1


_VALUE_TAIL = re.compile(r"^(及?以上|及?以下|左右|以内)$")


def spilled_cell(previous: list[Fragment], row: list[Fragment], trailers: set[str],
                 basis_open: bool) -> Optional[str]:
    """'name', 'target' or 'basis' when one cell of text without a value, printed right after a row
    closed by its value, is the rest of that row: the end of a name whose value sat beside its
    middle (the name's last line before the value is full), the end of the value (以上), or the
    basis column printed below a one-line name and value."""
    body = [f for f in row if squash(f.text) not in trailers]
    before = stream_cells(previous, trailers)
    if not body or before is None or not is_target_like(before[2]) or not _one_cell(body):
        return None
    if any(is_target_like(f.text) or re.match(r"^[≥≤<>=＞＜]", squash(f.text)) for f in body):
        return None
    text = "".join(squash(f.text) for f in body)
    if _VALUE_TAIL.match(text):
        return "target"
    name = before[0]
    if len({f.line for f in name}) >= 2 and _is_unfinished([f.text for f in name]):
        return "name"
    return "basis" if basis_open else None


def leading_basis(previous: list[Fragment], row: list[Fragment], trailers: set[str], roles: list[str]) -> int:
    """How many leading fragments of a row are the basis of the row before it: a table without
    prior columns reads text, name, value; the first cell is the basis left below a one-line row."""
    if "basis" not in roles or "prior_1" in roles:
        return 0
    before, split = stream_cells(previous, trailers), stream_cells(row, trailers)
    if before is None or split is None or not is_target_like(before[2]):
        return 0
    name = before[0]
    if len({f.line for f in name}) >= 2 and _is_unfinished([f.text for f in name]):
        return 0
    if not split[1]:
        # basis and name both wrapped, read as one name: two cells by printed width (19 18 / 16 6)
        cut = _two_cells(split[0]) if split[2] and is_target_like(split[2]) else 0
        return row.index(split[0][cut - 1]) + 1 if cut else 0
    if not _one_cell(split[0]) or any(is_target_like(f.text) for f in split[1]):
        return 0
    return row.index(split[0][-1]) + 1


def leading_target(previous: list[Fragment], row: list[Fragment], trailers: set[str]) -> int:
    """How many leading fragments of a row end the previous row's text value: that value's last line was
    full (the cell ran on), these lines are as wide at most, the last of them short, and a row follows."""
    before = stream_cells(previous, trailers)
    if before is None or before[1] or not before[2] or is_target_like(before[2]):
        return 0
    body = [f for f in previous if squash(f.text) not in trailers]
    value = body[len(before[0]):]
    if len(value) < 2 or len({f.line for f in value}) != len(value):
        return 0
    widths = [display_width(f.text) for f in value]
    if widths[-1] < max(widths) - 1:
        return 0
    for index, fragment in enumerate(row):
        if fragment.line_tokens != 1 or display_width(fragment.text) > max(widths) + 1 or is_target_like(fragment.text):
            return 0
        if display_width(fragment.text) < max(widths) - 2:
            return index + 1 if index + 1 < len(row) else 0
    return 0


def _wrapped_cell(parts: list[Fragment]) -> bool:
    """One wrapped cell by printed width: every line but the last as wide as the widest."""
    if len({f.line for f in parts}) != len(parts):
        return False
    widths = [display_width(f.text) for f in parts]
    return all(w >= max(widths) - 1 for w in widths[:-1])


def _two_cells(parts: list[Fragment], prefer_one_line: bool = False) -> int:
    """Where fragments that are not one wrapped cell split into exactly two (0 if not, or not one way):
    the basis text left below the previous row, then this row's wrapped name."""
    if len(parts) < 3 or _wrapped_cell(parts):
        return 0
    cuts = [i for i in range(1, len(parts)) if _wrapped_cell(parts[:i]) and _wrapped_cell(parts[i:])
            and len(parts[i:]) >= 2]
    if len(cuts) == 1:
        return cuts[0]
    widths = [display_width(f.text) for f in parts]
    if cuts and cuts[0] == 1 and prefer_one_line and widths[0] >= max(widths[1:]) + 2:
        return 1  # a one-line name in the wider column, the narrower text below it is the value
    return 0


def _one_cell(parts: list[Fragment]) -> bool:
    """Fragments one per line, every line but the last as long as the longest: one wrapped cell."""
    if len({f.line for f in parts}) != len(parts):
        return False
    lengths = [len(squash(f.text)) for f in parts]
    return all(n >= max(lengths) - 1 for n in lengths[:-1])


def _with_spill(indicator: IndicatorLine, cell: str, row: list[Fragment], trailers: set[str]) -> IndicatorLine:
    text = "".join(squash(f.text) for f in row if squash(f.text) not in trailers)
    closing = "".join(squash(f.text) for f in row if squash(f.text) in trailers) or None
    if cell == "name":
        return replace(indicator, indicator_name=indicator.indicator_name + text, basis=indicator.basis or closing)
    if cell == "target":
        target_text = tidy(f"{indicator.target_text}{text}")
        parsed = parse_target(target_text)
        return replace(indicator, target_text=target_text, target_op=parsed.op, target_value=parsed.value,
                       target_unit=parsed.unit, basis=indicator.basis or closing)
    return replace(indicator, basis=tidy(text + (closing or "")))


def _group_lines(fragments: list[Fragment]) -> list[tuple[int, list[Fragment]]]:
    grouped: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        grouped.setdefault(fragment.line, []).append(fragment)
    return sorted(grouped.items())


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


def _has_priors(doc: SourceDocument, number: int) -> bool:
    return "前年" in _header_text(doc, number, 14)  # 前 / 年 broken over lines too


_HEADER_TEXT = "|".join(_HEADER_WORDS) + "|明细指标内容(三级指标）|指标分类|近两年指标值"


# The value columns of a header as printed, in order: a line of a broken header is a run of it
# (据前年 上年, 依据前年 上年, 前 / 年 / 预计当 / 年) even where PDF text cut it mid-word.
_HEADER_RUNS = ("三级指标指标值指标值确定依据前年上年预计当年实现", "指标值近两年指标值预期当年实现值指标值确定依据指标分类",
                "指标值指标值说明", "年初目标值实际完成值得分")


def continues_header(text: str) -> bool:
    """A line inside a header broken over lines: a run of the header's value-column words."""
    flat = squash(text)
    return bool(flat) and any(flat in run for run in _HEADER_RUNS) and not (len(flat) >= 2 and match_l2(flat))


def _is_header_fragment(text: str) -> bool:
    """A piece of a broken header cell: 指标值确定 / 依据 / 前年 上年 / 预计当年 / 实现."""
    tokens = text.split()
    if not tokens:
        return False
    return all((t in _HEADER_TEXT and (len(t) >= 2 or t in ("类", "标", "据"))) and not match_l1(t) and not match_l2(t)
               for t in tokens)


def _stream_horizon(flat: str) -> Optional[str]:
    if flat in ("长期绩效指标", "长期绩效目标表") or re.fullmatch(r"长期目标\d*[:：]?", flat):
        return "long_term"
    if flat in ("年度绩效指标", "年度绩效目标表") or re.fullmatch(r"年度目标\d*[:：]?", flat):
        return "annual"
    return None


def _learned_l2(state: TableState, word: str, parts: list[Fragment]) -> bool:
    """A free-text l2 (党建工作, 监管工作) opening a line of four cells: name, value, basis follow."""
    roles_after_name = len(state.roles)
    if len(parts) == roles_after_name + 2 and not match_l2(word) and len(word) <= 8:
        state.l2 = word
        return True
    if len(parts) == 1 and state.l2 and word == state.l2:
        return True
    return False


def stream_cells(row: list[Fragment], trailers: set[str]):
    """(name fragments, fragments between name and value, value text) of a stream row, None if empty."""
    body = [f for f in row if squash(f.text) not in trailers]
    if not body:
        return None
    value_index = next((i for i in range(len(body) - 1, -1, -1)
                        if is_target_like(body[i].text) and (i > 0 or len(body) == 1)
                        and not (i < len(body) - 1 and not body[i].first_on_line
                                 and body[i + 1].line != body[i].line)), None)  # 信息查询等 12项医 / 保事项
    if value_index is not None and value_index > 0:
        name_parts, middle = _split_name(body[:value_index])
        return name_parts, middle, body[value_index].text
    closing_lines = {f.line for f in row if squash(f.text) in trailers}
    if (len(body) >= 2 and body[-1].line in closing_lines and body[-1].first_on_line
            and body[-2].line != body[-1].line):
        # a text value alone before its basis (全年 2021年底前完成) below a wrapped name
        return body[:-1], [], body[-1].text
    name_parts, rest = _split_name(body)
    if not rest and (cut := _two_cells(body, prefer_one_line=True)):
        name_parts, rest = body[:cut], body[cut:]  # a one-line name above a text value (20 / 17 16 13)
    return name_parts, [], " ".join(f.text for f in rest) if rest else None


def build_stream_row(state: TableState, row: list[Fragment], trailers: set[str]) -> Optional[IndicatorLine]:
    """Name, value and trailing cells of a row rebuilt from its fragments."""
    closing = [f for f in row if squash(f.text) in trailers]
    roles = list(state.roles)
    if (roles and not closing and len({f.line for f in row}) == 1 and len(row) == 1 + len(roles) >= 3
            and not any(is_target_like(f.text) for f in row)):
        # one line of exactly as many cells as the header has columns (基层党建考核 优秀 上级考核)
        draft = Draft(row[0].line, state.l1, state.l2, [squash(f.text) for f in row], roles, [row[0].line],
                      l1_printed=state.l1_printed)
        return build_indicator(state, draft)
    if "prior_1" in roles and (column := _char_column_row([f for f in row if squash(f.text) not in trailers])):
        name, prior_2, prior_1, target = column
        values = {"prior_2": prior_2, "prior_1": prior_1, "target": target,
                  "basis": "".join(squash(f.text) for f in closing) or None}
        draft = Draft(row[0].line, state.l1, state.l2, [name] + [values.get(r) or "" for r in roles], roles,
                      [f.line for f in row], l1_printed=state.l1_printed)
        return build_indicator(state, draft)
    split = stream_cells(row, trailers)
    if split is None:
        return None
    name_parts, middle, value = split
    if (len(name_parts) >= 2 and not middle and closing and name_parts[-1].line_tokens == 1
            and name_parts[-1].line != name_parts[-2].line and squash(name_parts[-1].text).startswith(_BASIS_OPENERS)
            and any(f.line == closing[0].line and is_target_like(f.text) for f in row)):
        # 根据退役军人事务 / 100% 局提供人员名单: the basis begun above the value line, ended beside it
        closing = [name_parts[-1]] + closing
        name_parts = name_parts[:-1]
    name = "".join(squash(f.text) for f in name_parts)
    values: dict[str, Optional[str]] = {"target": value, "basis": "".join(squash(f.text) for f in closing) or None}
    if middle and "prior_1" in roles:
        on_value_line = _priors_beside_value(row, name_parts, middle)
        broken = _broken_prior(name_parts + middle)
        if broken:
            name = "".join(squash(f.text) for f in broken[0])
            values["prior_2"], values["prior_1"] = broken[1], broken[2]
        elif on_value_line:
            name = "".join(squash(f.text) for f in row[: row.index(on_value_line[0])]
                           if squash(f.text) not in trailers)
            values["prior_2"], values["prior_1"] = on_value_line[0].text, on_value_line[1].text
        elif (cells := _prior_text_cells(state, name_parts + middle)) is not None:
            name, values["prior_2"], values["prior_1"] = cells
        elif _same_column(name_parts, middle):
            name += "".join(squash(f.text) for f in middle)  # 医疗费是否 / 按政策准 / 确、及时支 / 付到位
        else:
            groups = _width_groups(middle)
            if len(groups) >= 2:
                values["prior_2"] = "".join(squash(f.text) for f in groups[0])
                values["prior_1"] = "".join(squash(f.text) for g in groups[1:] for f in g)
            else:
                values["prior_1"] = "".join(squash(f.text) for f in middle)
            name, values = _repeated_prior(name, values)
    elif middle:
        values["target"] = "".join(squash(f.text) for f in middle) + (value or "")
    if "prior_1" not in roles and values.get("target"):
        flat = squash(values["target"])
        half = len(flat) // 2
        if len(flat) >= 16 and len(flat) % 2 == 0 and flat[:half] == flat[half:]:
            values["target"] = flat[:half]  # the same text printed in two columns (名称 cell's second paragraph)
    cells = [name]
    for role in roles:
        cells.append(values.get(role) or "")
    draft = Draft(row[0].line, state.l1, state.l2, cells, roles, [f.line for f in row], l1_printed=state.l1_printed)
    if not roles:
        return None
    return build_indicator(state, draft)


def _prior_text_cells(state: TableState, parts: list[Fragment]) -> Optional[tuple[str, Optional[str], str]]:
    """(name, 前年, 上年) of a row whose name and 前年 print in narrow columns and 上年 in a wide one,
    all as wrapped text before the value (PDF text: 持续深化 / 医保支付 / … / 督促区域内相关医 / …).

    Lines are narrow or wide by printed width. The narrow text is the name then 前年: it splits at a
    short line inside it, at narrow text the wide column prints again later (前年 and 上年 often
    say the same), at a name or text read before, or where another band of the row began (wide lines
    between). A narrow run with no such place is the name alone, 前年 left empty rather than guessed.
    Single characters left after the cells (平 / 平, 务) finish the cells still open."""
    lines: list[list[str]] = []
    last_line = None
    for fragment in parts:
        if fragment.line == last_line:
            lines[-1].append(fragment.text)
        else:
            lines.append([fragment.text])
            last_line = fragment.line
    texts = ["".join(squash(t) for t in line) for line in lines]
    # punctuation alone on a line (”) ends the line before it
    merged: list[str] = []
    for text in texts:
        if merged and text and all(not ("\u4e00" <= ch <= "\u9fff") and not ch.isalnum() for ch in text):
            merged[-1] += text
        else:
            merged.append(text)
    texts = merged
    if len(texts) < 3:
        return None
    widths = [display_width(t) for t in texts]
    wide = max(widths)
    narrow_full = max((w for w in widths if w <= wide * 0.65), default=0)
    if wide < 14 or narrow_full < 6:
        return None
    tiny = [len(t) == 1 for t in texts]
    kind = ["t" if tiny[i] else ("W" if widths[i] > narrow_full + 1 else "N") for i in range(len(texts))]
    # runs of N and W (tiny lines set aside with their position)
    runs: list[list] = []  # [kind, [indexes]]
    for i, k in enumerate(kind):
        if k == "t":
            runs.append(["t", [i]])
        elif runs and runs[-1][0] == k:
            runs[-1][1].append(i)
        else:
            runs.append([k, [i]])
    # a short narrow line closing a wide run (回医保账户, 浓厚宣传氛围) is that wide cell's last line
    cleaned: list[list] = []
    for index, run in enumerate(runs):
        following = runs[index + 1][0] if index + 1 < len(runs) else None
        if (run[0] == "N" and len(run[1]) == 1 and cleaned and cleaned[-1][0] == "W"
                and following in (None, "W", "t")):
            cleaned[-1][1].extend(run[1])
            continue
        cleaned.append(run)
    runs = cleaned
    wide_runs = [r for r in runs if r[0] == "W"]
    narrow_runs = [r for r in runs if r[0] == "N"]
    if not wide_runs or not narrow_runs or runs[0][0] != "N":
        return None
    wide_text = "".join(texts[i] for r in wide_runs for i in r[1])
    known = state.known_names | state.seen_texts

    def cells_of_run(indexes: list[int]) -> list[list[int]]:
        short = [n for n, i in enumerate(indexes[:-1]) if widths[i] <= narrow_full * 0.6]
        if len(short) == 1:
            return [indexes[: short[0] + 1], indexes[short[0] + 1:]]
        cuts = []
        for k in range(1, len(indexes)):
            head = "".join(texts[i] for i in indexes[:k])
            tail = "".join(texts[i] for i in indexes[k:])
            common = 0
            while common < min(len(tail), len(wide_text)) and tail[common] == wide_text[common]:
                common += 1
            if common >= 4 or head in known or (tail in known and len(tail) >= 4):
                cuts.append(k)
        if len(cuts) == 1:
            return [indexes[: cuts[0]], indexes[cuts[0]:]]
        return [indexes]

    cells: list[list[int]] = []
    for run in narrow_runs:
        cells.extend(cells_of_run(run[1]))
    if len(cells) > 2:
        return None
    texts_of = [[texts[i] for i in cell] for cell in cells]
    wide_cell = [texts[i] for r in wide_runs for i in r[1]]
    leftovers = [texts[i] for r in runs if r[0] == "t" for i in r[1]]
    wide_open = display_width(wide_cell[-1]) >= max(display_width(t) for t in wide_cell) - 2
    if leftovers:
        positions = [i for r in runs if r[0] == "t" for i in r[1]]
        first_wide = min(i for r in wide_runs for i in r[1])
        if len(leftovers) == len(texts_of) and all(p < first_wide for p in positions):
            for cell, piece in zip(texts_of, leftovers):
                cell.append(piece)  # 化水 / 务水 … 平 / 平: one character left for each narrow cell
        elif len(leftovers) == 1 and wide_open and positions[0] > first_wide:
            wide_cell.append(leftovers[0])  # 结算服 … 务
        elif all(p < first_wide for p in positions) and len(leftovers) == 1:
            texts_of[-1].append(leftovers[0])  # 回医保账 / 户 before the wide column
        else:
            return None
    name = "".join(texts_of[0])
    prior_2 = "".join(texts_of[1]) if len(texts_of) == 2 else None
    return name, prior_2, "".join(wide_cell)


def _is_char_line(text: str) -> bool:
    """One character and its punctuation (明, 求，): a line of a column one character wide."""
    return len(re.sub(r"[，、。；：）（“”]", "", squash(text))) == 1


def _char_column_row(body: list[Fragment]) -> Optional[tuple[str, str, str, Optional[str]]]:
    """(name, 前年, 上年, target) of a row whose 前年 prints one character per line (按 / 政 / 策 …):
    the name before that run, 上年 the wide text after it, then the value; a text value prints in
    a narrower column after 上年 (全面梳理贯标平台， … then 全面梳 / 理贯标 …)."""
    lines: list[list[Fragment]] = []
    for fragment in body:
        if lines and lines[-1][-1].line == fragment.line:
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    texts = ["".join(squash(f.text) for f in line) for line in lines]
    single = [len(line) == 1 and _is_char_line(t) for line, t in zip(lines, texts)]
    start = next((i for i in range(len(texts) - 2) if all(single[i: i + 3])), None)
    if start is None or start == 0:
        return None
    end = start
    while end < len(texts) and single[end]:
        end += 1
    name_widths = [display_width(t) for t in texts[:start]]
    if start >= 2 and name_widths[-1] >= max(name_widths) - 1 and end - start > 3:
        start += 1  # 民性的宣 / 传: the name's last character, its line still full before it
    name = "".join(texts[:start])
    prior_2 = "".join(texts[start: end])
    rest = texts[end:]
    if not rest:
        return None
    value = rest[-1] if is_target_like(rest[-1]) and lines[-1][0].line_tokens >= 1 else None
    if value is not None:
        return name, prior_2, "".join(rest[:-1]), value
    widths = [display_width(t) for t in rest]
    wide = max(widths)
    split = next((i for i in range(1, len(rest)) if all(w <= wide * 0.5 for w in widths[i:])), None)
    if split is None:
        return None
    return name, prior_2, "".join(rest[:split]), "".join(rest[split:])


def _same_column(name_parts: list[Fragment], middle: list[Fragment]) -> bool:
    """Text after a name's short line that is as wide as the name's lines, one cell, with no other value
    column beside it: the name itself wrapping unevenly (a line one character short), not a prior."""
    if not name_parts or not middle or len(_width_groups(middle)) != 1:
        return False
    if any(f.line_tokens != 1 for f in name_parts + middle):
        return False
    name_widths = [display_width(f.text) for f in name_parts]
    widths = [display_width(f.text) for f in middle]
    return len(name_widths) >= 2 and max(widths) <= max(name_widths) + 1 and max(widths) >= max(name_widths) - 2 and (
        min(name_widths) >= max(name_widths) - 2)


_BASIS_OPENERS = ("根据", "依据", "按照")
_OP_ALONE = re.compile(r"^[≥≤<>=＞＜]+$")


def _broken_prior(parts: list[Fragment]) -> Optional[tuple[list[Fragment], str, str]]:
    """(name, 前年, 上年) when 前年 is a value broken over lines of its own (＞ / 60 / %, 100 / %) just
    before the line printing 上年 beside the target (＞80% ＞90% 上年数据)."""
    if len(parts) < 3 or parts[-1].line_tokens < 2 or not is_target_like(parts[-1].text):
        return None
    if len([f for f in parts if f.line == parts[-1].line]) != 1:
        return None
    index = len(parts) - 1
    pieces: list[Fragment] = []
    while index > 0 and parts[index - 1].line_tokens == 1 and len(pieces) < 3 and (
            _OP_ALONE.match(squash(parts[index - 1].text)) or _NUMBER.match(squash(parts[index - 1].text))
            or re.fullmatch(r"[%％]", squash(parts[index - 1].text))):
        index -= 1
        pieces.insert(0, parts[index])
    text = "".join(squash(f.text) for f in pieces)
    if len(pieces) < 2 or not _NUMBER.match(squash(pieces[0].text).lstrip("≥≤<>=＞＜")) and not _OP_ALONE.match(
            squash(pieces[0].text)) or not is_target_like(text) or index == 0:
        return None
    return parts[:index], text, parts[-1].text


def _priors_beside_value(row: list[Fragment], name_parts: list[Fragment], middle: list[Fragment]) -> list[Fragment]:
    """前年 and 上年 printed on the value's line (95% 95% 95% 上年数据): those two cells, else []."""
    values = [f for f in middle if f.line == middle[-1].line]
    if len(values) == 2 and all(is_target_like(f.text) for f in values) and values[0].first_on_line:
        return values
    return []


def _repeated_prior(name: str, values: dict[str, Optional[str]]) -> tuple[str, dict[str, Optional[str]]]:
    """前年 and 上年 printing the same text in columns as narrow as the name's: the text read twice
    at the end of name + priors is the two priors, what is before it the name."""
    full = name + (values.get("prior_2") or "") + (values.get("prior_1") or "")
    for size in range((len(full) - 2) // 2, 3, -1):
        tail = full[-size:]
        if full[-2 * size: -size] == tail:
            return full[: -2 * size], {**values, "prior_2": tail, "prior_1": tail}
    return name, values


def _split_name(parts: list[Fragment]) -> tuple[list[Fragment], list[Fragment]]:
    """Name fragments first, the value after: PDF columns wrap at a fixed width, so the
    name ends at its short last line (the first line followed by a longer one)."""
    if len(parts) <= 1:
        return parts, []
    if parts[0].line == parts[-1].line:
        return parts[:1], parts[1:]
    if len(parts) >= 4 and _one_cell(parts[1:]) and len(squash(parts[0].text)) >= len(squash(parts[1].text)) + 2:
        return parts[:1], parts[1:]  # a one-line name, then a narrower column's text wrapped over many lines
    widest = 0
    for index in range(len(parts) - 1):
        width = display_width(parts[index].text)
        widest = max(widest, width)
        following = display_width(parts[index + 1].text)
        if following > width + 1 or (width < widest - 1 and following >= width):
            return parts[: index + 1], parts[index + 1:]
        if parts[index + 1].line == parts[index].line or (
                parts[index + 1].line_tokens >= 2 and is_target_like(parts[index + 1].text)):
            return parts[: index + 1], parts[index + 1:]  # (a value line 95% 95% … opens the next cell)
    return parts, []


def _width_groups(parts: list[Fragment]) -> list[list[Fragment]]:
    groups: list[list[Fragment]] = []
    rest = parts
    while rest:
        head, rest = _split_name(rest)
        groups.append(head)
        if not head:
            break
    return groups


# --------------------------------------------------------------------------- PDF text with every cell broken

# Template vocabularies of the closing columns (指标值确定依据, 指标分类): PDF text breaks
# them into pieces (预算支出 / 标准, 绩 / 效 / 基 / 本 / 型) that are re-joined here.
BASIS_WORDS = ("预算支出标准", "计划标准", "行业标准", "历史标准", "其他标准", "上年数据")
CLASS_WORDS = ("绩效基本型", "绩效创新型")
_SECTION_WORDS = {"长期绩效指标": "long_term", "年度绩效指标": "annual",
                  "长期目标：": None, "年度目标：": None, "长期目标:": None, "年度目标:": None}
_SENTENCE = re.compile(r"[，。；]")
_NARROW_PUNCT = set("，、；：。（）“”《》")


def display_width(text: str) -> int:
    """Printed width: CJK characters count two, ASCII and most punctuation one."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") and ch not in _NARROW_PUNCT else 1
               for ch in squash(text))


def closing_progress(text: str, words: tuple[str, ...], last: tuple[str, ...]) -> Optional[tuple[bool, str]]:
    """(row complete, unfinished piece) when text is a run of closing words, else None."""
    complete = False
    ordered = sorted(words, key=len, reverse=True)
    while text:
        word = next((w for w in ordered if text.startswith(w)), None)
        if word:
            text, complete = text[len(word):], word in last
            continue
        if any(w.startswith(text) for w in ordered):
            return False, text
        return None
    return complete, ""


@dataclass
class BrokenRow:
    """A row of a broken-cell table: fragments in print order, closing text, split cells."""

    line: int
    l1: Optional[str]
    l1_printed: Optional[str]
    l2: Optional[str]
    frags: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells) before the closing
    closing: str = ""
    complete: bool = False
    cells: dict[str, list[str]] = field(default_factory=dict)  # name / prior / target / basis
    band2: list[str] = field(default_factory=list)  # value text printed once the closing has begun
    spilled: int = 0  # pieces returned to a cell after the closing
    known: frozenset[str] = frozenset()  # names the document's other tables print


def _is_unfinished(frags: list[str]) -> bool:
    """A wrapped cell still running: its last line is as wide as its widest."""
    if len(frags) < 2:
        return False
    widths = [display_width(f) for f in frags]
    return widths[-1] >= max(widths) - 1


def split_broken_row(row: BrokenRow, two_values: bool) -> dict[str, list[str]]:
    """Name and value cells of a row from its fragments (line structure first, widths last)."""
    flat: list[tuple[int, str, int]] = []  # (index of its line, cell, cells on the line)
    for index, (_, cells) in enumerate(row.frags):
        for cell in cells:
            flat.append((index, cell, len(cells)))
    if not flat:
        return {"name": [], "prior": [], "target": []}
    start = _known_name_end(flat, row.known) or _value_start(flat)
    name = [c for _, c, _ in flat[:start]]
    values = flat[start:]
    if two_values:
        band1 = [c for _, c, _ in values]
        twin = _twin_split(band1, row.band2) or _twin_split(band1, row.band2, partial=True)
        if twin is not None:
            return {"name": name, "prior": twin[0], "target": twin[1]}
    values = values + [(len(row.frags) + k, c, 1) for k, c in enumerate(row.band2)]
    prior, target = _split_values(values, two_values)
    return {"name": name, "prior": prior, "target": target}


def _twin_split(band1: list[str], band2: list[str], partial: bool = False):
    """(prior, target) when the two value columns print the same text (近两年 = 当年).

    PDF text prints a tall row in bands: the wide column's lines, then the narrow
    column's, per band. The split is where the prior pieces of each band, joined,
    equal the target pieces; partial accepts a target that is still a proper prefix
    of the prior (the rest of the narrow column is still to come)."""
    for i in range(1, len(band1)):
        for j in range(len(band2) + 1):
            prior, target = band1[:i] + band2[:j], band1[i:] + band2[j:]
            first, second = squash("".join(prior)), squash("".join(target))
            if len(second) < 2 or not first.startswith(second):
                continue
            if first == second or (partial and not is_target_like(second)):
                return prior, target
    return None


def _continues_twin(row: BrokenRow, cell: str) -> bool:
    """A piece printed after a closed row whose narrow twin column is still shorter than the
    wide one: it continues one of them as long as the two columns can still be equal."""
    if twin_complete(row):
        return False
    return _twin_split(_value_band(row), row.band2 + [cell], partial=True) is not None


def _value_band(row: BrokenRow) -> list[str]:
    """The value pieces printed before the row's closing (its first band)."""
    flat = [(index, c, len(parts)) for index, (_, parts) in enumerate(row.frags) for c in parts]
    return [c for _, c, _ in flat[_known_name_end(flat, row.known) or _value_start(flat):]]


def _known_name_end(flat: list[tuple[int, str, int]], known: frozenset[str]) -> int:
    """Pieces that spell a name printed whole elsewhere in the document (the longest), or 0."""
    text, end = "", 0
    for k, (_, cell, _) in enumerate(flat[:-1]):
        text += squash(cell)
        if text in known:
            end = k + 1
    return end


def twin_complete(row: BrokenRow) -> bool:
    """Both value columns printed in full and equal: nothing after the closing is theirs."""
    return _twin_split(_value_band(row), row.band2) is not None


def _value_start(flat: list[tuple[int, str, int]]) -> int:
    """Index of the first value piece: the line structure (name and values on one line,
    a quantitative value, an enumeration or bracket opening a sentence) or, earlier, the
    name's width (a wrapped name ends at its short line)."""
    structural = _line_value_start(flat)
    if _twin_split([c for _, c, _ in flat[structural:]], []) is not None:
        return structural  # 不涉及 不涉及: both columns start and end there, the rest is name
    return min(structural, _width_value_start(flat[:structural]))


def _line_value_start(flat: list[tuple[int, str, int]]) -> int:
    for k, (index, cell, count) in enumerate(flat):
        opens_line = k == 0 or flat[k - 1][0] != index
        if count >= 2 and opens_line:
            line_cells = [c for i, c, _ in flat if i == index]
            if k == 0:
                return 1
            if is_target_like(line_cells[0]) or len(set(map(squash, line_cells))) == 1:
                return k
            if all(is_target_like(c) for c in line_cells[1:]):
                return k + 1
        if k > 0 and opens_line and (is_target_like(cell) or re.match(r"^[(（①⑴1１]", squash(cell))):
            return k
    return len(flat)


def _width_value_start(flat: list[tuple[int, str, int]]) -> int:
    """A name wraps at its column's width: it ends at a short line, or before a wider one."""
    widths = [display_width(c) for _, c, _ in flat]
    limit = 18
    for k in range(1, len(flat)):
        if flat[k][0] == flat[k - 1][0]:
            continue
        if (widths[k] > limit or widths[k] > widths[k - 1] + 1 or widths[k - 1] < max(widths[:k]) - 2
                or widths[k - 1] < limit - 2):
            return k
    return len(flat)


def _split_values(values: list[tuple[int, str, int]], two_values: bool) -> tuple[list[str], list[str]]:
    cells = [c for _, c, _ in values]
    if not two_values or len(cells) < 2:
        return [], cells
    if _value_alone_after_text(values):
        return cells[:-1], cells[-1:]
    first_line = [c for i, c, _ in values if i == values[0][0]]
    if len(first_line) >= 2:
        rest = cells[len(first_line):]
        prior, target = [first_line[0]], [" ".join(first_line[1:])]
        if rest:
            more_prior, more_target = _split_by_width(rest)
            prior, target = prior + more_prior, target + more_target
        return prior, target
    return _split_by_width(cells)


def _value_alone_after_text(values: list[tuple[int, str, int]]) -> bool:
    """Wrapped prior-year text, then a value alone on the last line (…计划相匹配 / 100%): the
    value is the current target, unless the text before it leads into it (达到 / 60%)."""
    (*before, last) = values
    if last[2] != 1 or before[-1][0] == last[0] or not is_target_like(last[1]):
        return False
    if any(is_target_like(c) for _, c, _ in before):
        return False
    return not re.search(r"(达到|达|为|于|超过|[≥≤<>=＞＜])$", squash(before[-1][1]))


def _split_by_width(cells: list[str]) -> tuple[list[str], list[str]]:
    """A wide column printed before a narrow one: the narrow one is the longest even suffix."""
    widths = [display_width(c) for c in cells]
    widest = max(widths)
    for start in range(1, len(cells)):
        tail = widths[start:]
        body = tail[:-1] or tail
        if max(tail) < 0.7 * widest and min(body) >= max(tail) - 2:
            return cells[:start], cells[start:]
    return cells, []


def _overflow_target(row: BrokenRow, cell: str, following: Optional[str] = None,
                     known: frozenset[str] = frozenset()) -> Optional[str]:
    """The cell of a finished row a fragment printed after its closing belongs to, or None.

    A short first piece followed by a wider one is the next row's name before its value text,
    not the end of a cell (that ends a sentence, or follows the cell's first wrapped line)."""
    width = display_width(cell)
    word = squash(cell)
    if len(word) >= 4 and any(name.startswith(word) for name in known):
        return None  # the opening of a name the department's other table prints whole
    if not row.spilled and following and display_width(following) > width + 1 and not re.search(
            r"[。；]$", squash(cell)):
        return None
    open_cells = [(max(display_width(f) for f in row.cells[key]), key) for key in ("target", "prior")
                  if row.cells.get(key) and _is_unfinished(row.cells[key])]
    fitting = sorted((w, key) for w, key in open_cells if width <= w + 1)
    if fitting:
        return fitting[0][1]
    if _SENTENCE.search(cell):
        texts = [key for key in ("prior", "target") if row.cells.get(key) and not is_target_like(row.cells[key][0])]
        if texts:
            return texts[0]
    return None


def _section_runs(doc: SourceDocument, start: int, end: int) -> dict[int, tuple[int, str]]:
    """Lines that with the next ones spell a section word (长期绩 / 效指标): first line -> (last line, word)."""
    lines = [(n, squash(t)) for n, t in doc.numbered(start, end) if squash(t)]
    runs: dict[int, tuple[int, str]] = {}
    for index in range(len(lines)):
        text = ""
        for width in range(3):
            if index + width >= len(lines):
                break
            text += lines[index + width][1]
            if text in _SECTION_WORDS:
                runs[lines[index][0]] = (lines[index + width][0], text)
                break
    return runs


def is_broken_layout(doc: SourceDocument, region: Region) -> bool:
    """PDF text whose header announces the closing 指标分类 column (cells broken over lines)."""
    for number, text in doc.numbered(region.start, region.end):
        if is_header_line(text) and "\t" not in text:
            return "指标分类" in _header_text(doc, number)
    return False


def _header_text(doc: SourceDocument, number: int, span: int = 30) -> str:
    """The header and the lines after it, spaces removed: broken header words re-joined."""
    return squash("".join(text for _, text in doc.numbered(number, number + span)))


def parse_broken_region(state: TableState, start: int, end: int):
    """Rows of a table printed as PDF text with every cell broken over lines.

    A row is the fragments from its first name (or l1/l2) piece to the closing
    columns, recognised by their template words; wrapped text printed after the
    closing (PDF lines are ordered by height) goes back to the cell it continues.
    """
    indicators: list[IndicatorLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    sections = _section_runs(state.doc, start, end)
    words = BASIS_WORDS + CLASS_WORDS
    last = CLASS_WORDS
    row: Optional[BrokenRow] = None
    l2_parts: list[str] = []
    two_values = False
    skip_to = 0
    header_until = 0

    def finish():
        nonlocal row
        if row is None:
            return
        if not row.cells:
            row.cells = split_broken_row(row, two_values)
        built = build_broken_row(state, row)
        if built is None:
            cover.append(coverage(state, row.line, "note", "placeholder row (……) without an indicator"))
        else:
            indicators.append(built)
            cover.append(coverage(state, row.line, "fact", built.indicator_name))
        row = None

    tokens = [(number, cell) for number, text in state.doc.numbered(start, end)
              for cell in _split_single_spaces(" ".join(text.split()))]
    placeholder = False
    placeholder_closing = ""
    skip_token = -1
    for position, (number, cell) in enumerate(tokens):
        text = state.doc.line(number)
        flat = squash(text)
        first = position == 0 or tokens[position - 1][0] != number
        if position == skip_token:
            continue
        if first and number <= skip_to:
            cover.append(coverage(state, number, "header", "section word"))
            continue
        if number <= skip_to:
            continue
        if first and number in sections:
            skip_to, word = sections[number]
            horizon = _SECTION_WORDS[word]
            if horizon:
                state.horizon = horizon
            else:
                finish()
                state.in_table = False
            cover.append(coverage(state, number, "header", "section word"))
            continue
        if first and is_header_line(text):
            finish()
            state.roles = header_roles(_header_words(state.doc, number))
            two_values = "前年" in _header_text(state.doc, number) or "近两年" in _header_text(state.doc, number)
            state.in_table, state.l1, state.l2, l2_parts = True, None, None, []
            header_until = _header_end(state.doc, number, end)
            cover.append(coverage(state, number, "header", "column header"))
            continue
        if number <= header_until or not state.in_table:
            if first:
                cover.append(coverage(state, number, "header" if state.in_table else "note",
                                      "column header continued" if state.in_table else "outside an indicator table"))
            continue
        if first and (flat.startswith(_STOP_WORDS) or title_kind(text)):
            finish()
            state.in_table = False
            cover.append(coverage(state, number, "note", "end of indicator table"))
            continue
        if first:
            cover.append(coverage(state, number, "fact", "row fragment"))
        word = squash(cell)
        following = [squash(c) for _, c in tokens[position + 1: position + 3]]
        l1 = _l1_at(word, following, not l2_parts)
        if l1:
            finish()
            state.l1, state.l2, state.l1_printed, placeholder = l1[0], None, l1[1], False
            if l1[2]:
                skip_token = position + 1
            continue
        if row is not None and row.frags and not row.complete:
            progress = closing_progress(row.closing + word, words, last)
            if progress is not None:
                row.closing += word
                if progress[0]:
                    row.complete = True
                    row.cells = split_broken_row(row, two_values)
                    row.cells["basis"] = [_basis_of(row.closing)]
                continue
            if row.closing:
                row.band2.append(cell)  # a tall row's next band, printed inside its closing cells
            else:
                _add_fragment(row, number, cell)
            continue
        if row is not None and row.complete and two_values and _continues_twin(row, cell):
            row.band2.append(cell)
            basis = row.cells.get("basis")
            row.cells = {**split_broken_row(row, two_values), "basis": basis}
            continue
        short = display_width(word) <= 6 and not is_target_like(word)
        if re.fullmatch(r"[.…]+", word):
            finish()
            if l2_parts:
                state.l2, l2_parts = _l2_of(l2_parts), []
            placeholder, placeholder_closing = True, ""
            continue
        if placeholder and closing_progress(placeholder_closing + word, words, last) is not None:
            placeholder_closing += word
            continue  # the closing cells of a placeholder row
        two_short = short and following and display_width(following[0]) <= 6
        if row is not None and row.complete and not l2_parts and not two_short and not (
                two_values and twin_complete(row)):
            key = _overflow_target(row, cell, following[0] if following else None, state.known_names)
            if key:
                row.cells[key].append(cell)
                row.spilled += 1
                continue
            if closing_progress(word, words, last) is not None:
                continue  # the rest of a closing broken around overflow text
        if short or (l2_parts and re.fullmatch(r"\d+", word)):
            finish()
            l2_parts.append(word)
            placeholder = False
            continue
        finish()
        if l2_parts:
            state.l2, l2_parts = _l2_of(l2_parts), []
        elif placeholder:
            state.l2 = None
        placeholder = False
        row = BrokenRow(number, state.l1, state.l1_printed, state.l2, known=state.known_names)
        _add_fragment(row, number, cell)
    finish()
    return indicators, cover, findings


def _l1_at(word: str, following: list[str], may_open: bool) -> Optional[tuple[str, str, bool]]:
    """(canonical l1, printed l1, joins the next piece) when a piece is a level-1 cell (可持续发展能 / 力)."""
    if not may_open:
        return None
    if following and len(word) >= 3:
        joined = word + following[0]
        if joined in L1_ALIASES or joined in L1_CANONICAL:
            return match_l1(joined), joined, True
    found = match_l1(word, next_is_l2=True) if len(word) >= 3 else None
    return (found, word, False) if found else None


def _l2_of(parts: list[str]) -> Optional[str]:
    joined = "".join(parts)
    return match_l2(joined) or joined


def _add_fragment(row: BrokenRow, number: int, cell: str) -> None:
    if row.frags and row.frags[-1][0] == number:
        row.frags[-1][1].append(cell)
    else:
        row.frags.append((number, [cell]))


def _basis_of(closing: str) -> str:
    for word in sorted(BASIS_WORDS, key=len, reverse=True):
        if closing.startswith(word):
            return word
    return closing


def _header_end(doc: SourceDocument, number: int, end: int) -> int:
    """Last line of a header broken over lines (指标值确 / 定依据, 前 年 上 年)."""
    last = number
    vocabulary = _HEADER_TEXT + "|近两年指标值|预期当年实现值|前年上年|指标值指标"
    for line, text in doc.numbered(number + 1, min(end, number + 40)):
        flat = squash(text)
        if not flat:
            continue
        if flat in vocabulary or all(t in vocabulary for t in text.split()):
            last = line
            continue
        break
    return last


def build_broken_row(state: TableState, row: BrokenRow) -> Optional[IndicatorLine]:
    name = "".join(squash(c) for c in row.cells.get("name", []))
    name = re.sub(r"^[.…]+", "", name)
    if not name or re.fullmatch(r"[.…]+", name):
        return None
    roles = ["prior_1", "target", "basis"]
    cells = [name, " ".join(row.cells.get("prior", [])), " ".join(row.cells.get("target", [])),
             " ".join(row.cells.get("basis", []))]
    built = build_indicator(state, Draft(row.line, row.l1, row.l2, cells, roles, [row.line]))
    if built is None:
        return None
    prior = tidy(" ".join(row.cells.get("prior", [])))
    return replace(built, prior_targets=f"近两年={prior}" if prior else None,
                   indicator_l1_printed=row.l1_printed if row.l1_printed != built.indicator_l1 else None)


# --------------------------------------------------------------------------- entry point


def is_cell_layout(doc: SourceDocument, region: Region) -> bool:
    """Tab-separated when its indicator header line has tabs."""
    for _, text in doc.numbered(region.start, region.end):
        if is_header_line(text):
            return "\t" in text
    return False


def parse_indicators(doc: SourceDocument) -> tuple[list[IndicatorLine], list[CoverageLine], list[Finding]]:
    """Every indicator of every performance region, with coverage of each candidate line."""
    indicators: list[IndicatorLine] = []
    cover: list[CoverageLine] = []
    findings: list[Finding] = []
    regions = find_regions(doc)
    known = broken_names(doc, regions)
    for region in regions:
        rows, lines, problems = parse_region(doc, region, known | {r.indicator_name for r in indicators})
        repeat_of = _repeated_table(rows, indicators)
        if repeat_of is not None:
            rows, lines = [], [replace(c, outcome="note", detail=f"repeat of the table at line {repeat_of}")
                               if c.outcome == "fact" else c for c in lines]
            findings.append(Finding(doc.document_id, "repeated_indicator_table", "info",
                                    f"{doc.file_name}:{region.start}: {region.label} repeats the indicators "
                                    f"of the table at line {repeat_of}; kept once", region.start))
        indicators.extend(rows)
        cover.extend(lines)
        findings.extend(problems)
    return indicators, cover, findings


def parse_region(doc: SourceDocument, region: Region, known: frozenset[str] = frozenset()):
    state = TableState(doc=doc, region=region, known_names=known)
    state.horizon = "annual" if state.self_eval else None
    if is_cell_layout(doc, region):
        parser = parse_cell_region
    elif is_broken_layout(doc, region):
        parser = parse_broken_region
    else:
        parser = parse_stream_region
    return parser(state, region.start, region.end)


def broken_names(doc: SourceDocument, regions: list[Region]) -> frozenset[str]:
    """Names read from the document's broken-cell tables: a department prints the same
    indicators in its long-term and annual tables, and one table's wrapped cells can settle
    where the other's names begin."""
    names: set[str] = set()
    for region in regions:
        if not is_cell_layout(doc, region) and is_broken_layout(doc, region):
            names.update(row.indicator_name for row in parse_region(doc, region)[0])
    return frozenset(names)


def _indicator_key(row: IndicatorLine) -> tuple:
    return (row.table_kind, row.project_name, row.horizon, row.indicator_l2, row.indicator_name,
            row.target_text, row.actual_text, row.score)


def _repeated_table(rows: list[IndicatorLine], earlier: list[IndicatorLine]) -> Optional[int]:
    """Line of an earlier table printing exactly the same indicators (a summary reprinted)."""
    if not rows:
        return None
    keys = [_indicator_key(r) for r in rows]
    for start in range(0, len(earlier) - len(rows) + 1):
        window = earlier[start: start + len(rows)]
        if [_indicator_key(r) for r in window] == keys:
            return window[0].source_line
    return None
