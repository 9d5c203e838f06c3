"""Column roles of the expenditure tables, from their header words.

The national template prints 合计, 基本支出 (小计, 人员经费, 公用经费) and 项目支出, and
other columns (经营支出, 上缴上级…) some tables add; regions reorder them. Every table reader
that maps amounts to these columns (the functional and economic tables, the table by unit)
reads the header here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from . import codes as C
from .numbers import unit_of
from .source import SourceDocument
from .tables import TableBlock, is_header_line

TOTAL, BASIC, PROJECT, PERSONNEL, PUBLIC, OTHER = "total", "basic", "project", "personnel", "public", "other"
_OTHER_COLUMN = re.compile(
    r"经营支出|上缴上级|对附属单位补助|对附属部门补助|结转下年|年初结转|本年收入|年末结转|预留机动"
)


def compact(text: str) -> str:
    return "".join(text.split())


def _role_of(stack: Sequence[str], classification: str) -> str | None:
    """The role of one column from its header texts, top to bottom (spanning titles first)."""
    texts = [compact(t) for t in stack if compact(t)]
    if not texts:
        return None
    bottom, above = texts[-1], "".join(texts[:-1])
    if re.search(r"科目|代码|编码|名称|^项目$|栏次|^序号$|^行次$|^编号$", bottom):
        return None
    if "人员经费" in bottom:
        role = PERSONNEL
    elif "公用经费" in bottom:
        role = PUBLIC
    elif "基本支出" in bottom:
        role = BASIC
    elif "项目支出" in bottom:
        role = PROJECT
    elif _OTHER_COLUMN.search(bottom):
        role = OTHER
    elif re.fullmatch(r"小计|合计|总计", bottom):
        role = BASIC if "基本支出" in above else TOTAL
    elif re.search(r"合计|总计|决算数|预算数|本年支出|金额", bottom):
        role = TOTAL
    else:
        role = OTHER
    if classification == C.ECONOMIC and role == BASIC:
        role = TOTAL  # an economic table is all basic expenditure: its 合计 is the total
    return role


def tab_columns(header_lines: Sequence[str], classification: str) -> dict[int, str]:
    """Cell index -> role for a tab-separated header (several rows, spanning titles)."""
    rows = [line.split("\t") for line in header_lines]
    width = max((len(r) for r in rows), default=0)
    grid = [r + [""] * (width - len(r)) for r in rows]
    # A title spans the empty cells to its right when the row below splits it.
    for i in range(len(grid) - 1):
        last = ""
        for j in range(width):
            if grid[i][j].strip():
                last = grid[i][j]
            elif last and grid[i + 1][j].strip():
                grid[i][j] = last
            else:
                last = "" if not grid[i][j].strip() and not (i + 1 < len(grid) and grid[i + 1][j].strip()) else last
    roles: dict[int, str] = {}
    for j in range(width):
        role = _role_of([grid[i][j] for i in range(len(grid))], classification)
        if role:
            roles[j] = role
    return roles


def stream_columns(header_text: str, classification: str) -> list[str]:
    """Roles in the national template's order, from the header words a table prints."""
    text = compact(header_text)
    roles: list[str] = []
    has_basic = "基本支出" in text
    has_personnel, has_public = "人员经费" in text, "公用经费" in text
    if re.search(r"合计|总计|小计|决算数|预算数|本年支出", text):
        roles.append(TOTAL)
    if has_basic and classification == C.FUNCTIONAL:
        roles.append(BASIC)
    if has_personnel:
        roles.append(PERSONNEL)
    if has_public:
        roles.append(PUBLIC)
    if "项目支出" in text and classification == C.FUNCTIONAL:
        roles.append(PROJECT)
    roles.extend(OTHER for _ in _OTHER_COLUMN.findall(text))
    if not roles:
        roles.append(TOTAL)
    return roles


_ROLE_WORD = re.compile(r"人员经费|公用经费|基本支出|项目支出|小计|合计|总计|决算数|预算数|本年支出")
_WORD_ROLE = {"人员经费": PERSONNEL, "公用经费": PUBLIC, "基本支出": BASIC, "项目支出": PROJECT, "小计": BASIC}


def _positional_roles(header_lines: Sequence[str], classification: str) -> list[str] | None:
    """Roles in the order the header prints its words, or None when the header does not say.

    One line of titles gives the order directly; two lines give it when the second splits the
    first's 基本支出 into 小计 / 人员经费 / 公用经费. Anything else (PDF-broken headers) is None.
    """
    lines = []
    for line in header_lines:
        words = [w for w in _ROLE_WORD.findall(compact(line)) if not (classification == C.ECONOMIC and w == "基本支出")]
        if words:
            lines.append([_WORD_ROLE.get(w, TOTAL) for w in words])
    if len(lines) == 1:
        return None if "小计" in compact("".join(header_lines)) else lines[0]
    if len(lines) == 2 and lines[0].count(BASIC) == 1 and set(lines[1]) <= {BASIC, PERSONNEL, PUBLIC}:
        at = lines[0].index(BASIC)
        return lines[0][:at] + lines[1] + lines[0][at + 1 :]
    return None


def header_roles(header_lines: Sequence[str], classification: str) -> list[str]:
    """The roles of a space/PDF header: in printed order when the header's words give one that
    names the same columns as the national template, else in the template's order.

    Regions print 项目支出 before 基本支出 (or 合计 last); the header words say so.
    """
    national = stream_columns("".join(header_lines), classification)
    printed = _positional_roles(header_lines, classification)
    if printed is not None and sorted(printed) == sorted(national) and OTHER not in national:
        return printed
    return national


def identities_hold(values: dict[str, Decimal], roles: Sequence[str], tol: Decimal) -> bool:
    """The row's own sums: 合计 = 基本 + 项目 (+ others), 基本 = 人员 + 公用, 合计 = 人员 + 公用."""
    get = lambda r: values.get(r, Decimal(0))  # noqa: E731
    others = sum((v for r, v in values.items() if r.startswith(OTHER)), Decimal(0))
    if TOTAL in roles and (BASIC in roles or PROJECT in roles):
        if abs(get(TOTAL) - get(BASIC) - get(PROJECT) - others) > tol:
            return False
    if BASIC in roles and PERSONNEL in roles and PUBLIC in roles:
        if abs(get(BASIC) - get(PERSONNEL) - get(PUBLIC)) > tol:
            return False
    if TOTAL in roles and BASIC not in roles and PERSONNEL in roles and PUBLIC in roles:
        if abs(get(TOTAL) - get(PERSONNEL) - get(PUBLIC)) > tol:
            return False
    return True


def header_lines(doc: SourceDocument, block: TableBlock) -> list[str]:
    """The column-title lines: from the first header line to the header's end, blanks and
    column numbering left out (wrapped titles such as 事业单 / 位经营 / 支出 are kept)."""
    numbers = range(block.start_line, block.header_end_line + 1)
    first = next((n for n in numbers if is_header_line(doc.line(n))), None)
    if first is None:
        return []
    return [
        doc.line(n)
        for n in range(first, block.header_end_line + 1)
        if doc.line(n).strip() and not re.search(r"^\s*栏次|^[\d\s]+$", doc.line(n)) and not unit_of(doc.line(n))
    ]
