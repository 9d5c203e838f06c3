"""Layouts other regions print, generated from logical tables: the same facts, or a finding.

Each test builds a small but realistic document from a *logical* table (codes, names and
amounts known exactly) — hand-written here or taken from a seed's real table — renders it
along the axes DOMAIN.md names and others regions use (元 integers with or without ``,``,
万元 with 2 or 4 decimals, ``-`` or blank for zero, codes as columns, names wrapped above or
below, full-width digits, a 序号 column, columns in another order, the 合计 row last,
prefixed titles, other labels, the unit on the title line, mixed units) and parses it.

The contract is the product's: either the facts of the logical table come back exactly
(in 万元), or an error finding says the layout could not be read. A silent wrong number is
the one outcome no test here accepts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest

from budget_extraction import extract_document
from budget_extraction.readers.expenditure import extract_expenditure
from budget_extraction.source import source_from_text

RAW = Path(__file__).resolve().parents[2] / "raw"
D = Decimal

# --------------------------------------------------------------------------------------
# Logical tables
# --------------------------------------------------------------------------------------

WORDS = {"total": "合计", "basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费"}
ROLES = ("total", "basic", "project", "personnel", "public")


@dataclass(frozen=True)
class Row:
    code: str | None  # None on the 合计 row
    name: str
    values: dict  # role -> Decimal in 元 (whole 元)


@dataclass(frozen=True)
class Table:
    kind: str  # expenditure_summary | general_public_functional | general_public_basic_economic
    number: int  # printed table number
    title: str
    roles: tuple[str, ...]  # amount columns in the national order
    rows: tuple[Row, ...]  # 合计 row first

    @property
    def classification(self) -> str:
        return "economic" if self.kind == "general_public_basic_economic" else "functional"


def _row(code: str | None, name: str, roles: Sequence[str], *amounts: int) -> Row:
    return Row(code, name, {r: D(a) for r, a in zip(roles, amounts)})


def _summary_table() -> Table:
    """支出总表 of an education bureau, amounts in whole 元, multiples of 100 (exact in 万元 .2f)."""
    roles = ("total", "basic", "project")
    rows = [
        (None, "合计", 5873500, 3873500, 2000000),
        ("205", "教育支出", 5210300, 3210300, 2000000),
        ("20501", "教育管理事务", 3710300, 3210300, 500000),
        ("2050101", "行政运行", 3210300, 3210300, 0),
        ("2050199", "其他教育管理事务支出", 500000, 0, 500000),
        ("20502", "普通教育", 1500000, 0, 1500000),
        ("2050201", "学前教育", 1500000, 0, 1500000),
        ("208", "社会保障和就业支出", 421400, 421400, 0),
        ("20805", "行政事业单位养老支出", 421400, 421400, 0),
        ("2080505", "机关事业单位基本养老保险缴费支出", 280900, 280900, 0),
        ("2080506", "机关事业单位职业年金缴费支出", 140500, 140500, 0),
        ("221", "住房保障支出", 241800, 241800, 0),
        ("22102", "住房改革支出", 241800, 241800, 0),
        ("2210201", "住房公积金", 241800, 241800, 0),
    ]
    return Table("expenditure_summary", 3, "支出总表", roles, tuple(_row(*r[:2], roles, *r[2:]) for r in rows))


def _functional_table() -> Table:
    """一般公共预算支出表 with 基本支出 split into 人员经费 and 公用经费."""
    roles = ("total", "basic", "personnel", "public", "project")
    rows = [
        (None, "合计", 5873500, 3873500, 3500000, 373500, 2000000),
        ("205", "教育支出", 5210300, 3210300, 2836800, 373500, 2000000),
        ("20501", "教育管理事务", 3710300, 3210300, 2836800, 373500, 500000),
        ("2050101", "行政运行", 3210300, 3210300, 2836800, 373500, 0),
        ("2050199", "其他教育管理事务支出", 500000, 0, 0, 0, 500000),
        ("20502", "普通教育", 1500000, 0, 0, 0, 1500000),
        ("2050201", "学前教育", 1500000, 0, 0, 0, 1500000),
        ("208", "社会保障和就业支出", 421400, 421400, 421400, 0, 0),
        ("20805", "行政事业单位养老支出", 421400, 421400, 421400, 0, 0),
        ("2080505", "机关事业单位基本养老保险缴费支出", 280900, 280900, 280900, 0, 0),
        ("2080506", "机关事业单位职业年金缴费支出", 140500, 140500, 140500, 0, 0),
        ("221", "住房保障支出", 241800, 241800, 241800, 0, 0),
        ("22102", "住房改革支出", 241800, 241800, 241800, 0, 0),
        ("2210201", "住房公积金", 241800, 241800, 241800, 0, 0),
    ]
    return Table(
        "general_public_functional", 5, "一般公共预算支出表", roles, tuple(_row(*r[:2], roles, *r[2:]) for r in rows)
    )


def _economic_table() -> Table:
    """一般公共预算基本支出表: economic codes, 合计 = 人员经费 + 公用经费."""
    roles = ("total", "personnel", "public")
    rows = [
        (None, "合计", 3873500, 3500000, 373500),
        ("301", "工资福利支出", 3300000, 3300000, 0),
        ("30101", "基本工资", 1200000, 1200000, 0),
        ("30102", "津贴补贴", 1400000, 1400000, 0),
        ("30108", "机关事业单位基本养老保险缴费", 280900, 280900, 0),
        ("30113", "住房公积金", 419100, 419100, 0),
        ("302", "商品和服务支出", 373500, 0, 373500),
        ("30201", "办公费", 123500, 0, 123500),
        ("30211", "差旅费", 50000, 0, 50000),
        ("30228", "工会经费", 200000, 0, 200000),
        ("303", "对个人和家庭的补助", 200000, 200000, 0),
        ("30302", "退休费", 200000, 200000, 0),
    ]
    return Table(
        "general_public_basic_economic",
        6,
        "一般公共预算基本支出表",
        roles,
        tuple(_row(*r[:2], roles, *r[2:]) for r in rows),
    )


def _odd_yuan_table() -> Table:
    """The reported 支出总表 in odd whole 元 (5,873,551): exact only in 元 or 万元 with 4 decimals."""
    roles = ("total", "basic", "project")
    rows = [
        (None, "合计", 5873551, 3873551, 2000000),
        ("205", "教育支出", 5873551, 3873551, 2000000),
        ("20501", "教育管理事务", 5873551, 3873551, 2000000),
        ("2050101", "行政运行", 3873551, 3873551, 0),
        ("2050199", "其他教育管理事务支出", 2000000, 0, 2000000),
    ]
    return Table("expenditure_summary", 3, "支出总表", roles, tuple(_row(*r[:2], roles, *r[2:]) for r in rows))


HAND_TABLES = {"summary": _summary_table(), "functional": _functional_table(), "economic": _economic_table()}


# --------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    unit: str = "元"  # 元 | 万元
    decimals: int = 0  # printed decimals (元: 0 or 2; 万元: 2 or 4)
    separators: bool = False  # 5,873,551
    zero: str = "0"  # how a zero prints: "0" (formatted), "-", "" (blank)
    tabs: bool = True  # tab cells, else runs of spaces
    code_columns: bool = False  # 205 01 01 / 301 01
    wrap: str | None = None  # None | "above" (name above the code line) | "below" (name below)
    fullwidth: bool = False  # full-width digits in figures and codes, （） in names
    serial: bool = False  # a leading 序号 column
    order: tuple[str, ...] | None = None  # amount columns in this order (by header words)
    total_last: bool = False  # the 合计 row printed after the subjects
    title: str = "plain"  # plain | prefixed (某某县教育局2024年部门支出总表)
    label: str = "表{n}"  # format of the label: 表{n}, 表{cn}, 附表{n}, 预算公开表{n}, 公开{n:02d}表
    unit_on_title: bool = False  # 金额单位：元 printed on the title line

    def describe(self) -> str:
        default = Layout()
        return ",".join(f"{k}={v}" for k, v in self.__dict__.items() if getattr(default, k) != v) or "default"


_CN = "零一二三四五六七八九十"
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def fmt_amount(yuan: Decimal, layout: Layout) -> str:
    """One figure as the layout prints it."""
    if yuan == 0 and layout.zero != "0":
        return layout.zero
    value = yuan if layout.unit == "元" else yuan / D(10000)
    text = f"{value:,.{layout.decimals}f}" if layout.separators else f"{value:.{layout.decimals}f}"
    return text.translate(_FULL) if layout.fullwidth else text


def fmt_code(code: str | None, layout: Layout) -> list[str]:
    if code is None:
        return [""]
    parts = [code[:3]] + [code[i : i + 2] for i in range(3, len(code), 2)] if layout.code_columns else [code]
    text = " ".join(parts)
    return [text.translate(_FULL) if layout.fullwidth else text]


def fmt_label(number: int, layout: Layout) -> str:
    return layout.label.format(n=number, cn=_CN[number] if number <= 10 else str(number))


def fmt_title(table: Table, layout: Layout) -> str:
    title = table.title
    if layout.title == "prefixed":
        title = "某某县教育局2024年部门" + title
    return title


def render(table: Table, layout: Layout) -> str:
    """The table as text: label, title, unit line, header, rows."""
    order = layout.order or table.roles
    sep = "\t" if layout.tabs else "   "
    unit_line = f"金额单位：{layout.unit}"
    head = [fmt_label(table.number, layout)]
    if layout.unit_on_title:
        head.append(f"{fmt_title(table, layout)}{sep}{unit_line}")
    else:
        head += [fmt_title(table, layout), unit_line]
    code_word = "科目编码"
    labels = (["序号"] if layout.serial else []) + [code_word, "科目名称"]
    header = labels + [WORDS[r] for r in order]
    if table.classification == "functional" and "personnel" in order:
        # two header lines: 基本支出 spans 小计 人员经费 公用经费
        top = labels + [("基本支出" if r in ("basic", "personnel", "public") else WORDS[r]) for r in order]
        sub = [""] * len(labels) + [
            ("小计" if r == "basic" else WORDS[r] if r in ("personnel", "public") else "") for r in order
        ]
        spanned = [c if i == 0 or c != top[i - 1] else "" for i, c in enumerate(top)]
        header_lines = (
            [sep.join(spanned), sep.join(sub)]
            if layout.tabs
            else [sep.join(_dedupe(top)), sep.join(c for c in sub if c)]
        )
    else:
        header_lines = [sep.join(header)]
    rows = list(table.rows)
    if layout.total_last:
        rows = rows[1:] + rows[:1]
    body: list[str] = []
    for index, row in enumerate(rows, 1):
        name = row.name
        if layout.fullwidth:
            name = name.replace("(", "（").replace(")", "）")
        figures = [fmt_amount(row.values.get(r, D(0)), layout) for r in order]
        serial = [str(index).translate(_FULL) if layout.fullwidth else str(index)] if layout.serial else []
        code = fmt_code(row.code, layout)
        if layout.tabs:
            cells = serial + code + [name] + figures
            line = "\t".join(cells)
        else:
            cells = serial + code + [name] + figures
            line = sep.join(c for c in cells if c)
        if layout.wrap and row.code is not None and len(name) > 4:
            rest_cells = (
                serial + code + [name[4:]] + figures
                if layout.wrap == "above"
                else serial + code + [name[:-3]] + figures
            )
            line = (
                ("\t" if layout.tabs else sep).join(rest_cells) if layout.tabs else sep.join(c for c in rest_cells if c)
            )
            if layout.wrap == "above":
                body += [name[:4], line]
            else:
                body += [line, name[-3:]]
            continue
        body.append(line)
    return "\n".join(head + header_lines + body)


def _dedupe(cells: list[str]) -> list[str]:
    """Space layouts print a spanning title once."""
    out: list[str] = []
    for cell in cells:
        if not out or cell != out[-1]:
            out.append(cell)
    return out


def document(*tables: str, cover: str = "某某县教育局2024年部门预算") -> str:
    """A cover line, the tables, and a closing section (a text ending inside a table is cut short)."""
    closing = ["", "第三部分 名词解释", "一、财政拨款收入：指本级财政当年拨付的资金。"]
    return "\n".join([cover, "", *("\n\n".join(tables).split("\n")), *closing]) + "\n"


# --------------------------------------------------------------------------------------
# Expected facts and the check
# --------------------------------------------------------------------------------------

Facts = dict  # (row_kind, code) -> tuple of amounts (万元 or None), one per ROLE


def expected_facts(table: Table) -> Facts:
    out: Facts = {}
    for row in table.rows:
        key = ("total" if row.code is None else "subject", row.code)
        out[key] = tuple((row.values[r] / D(10000)) if r in table.roles else None for r in _fact_roles(table))
    return out


def _fact_roles(table: Table) -> tuple[str, ...]:
    """The ExpenditureLine columns a table fills (an economic table has no 基本/项目 columns)."""
    return ROLES


def parsed_facts(lines) -> Facts:
    return {
        (r.row_kind, r.subject_code): (
            r.amount_total,
            r.amount_basic,
            r.amount_project,
            r.amount_personnel,
            r.amount_public,
        )
        for r in lines
    }


def errors(findings) -> list:
    return [f for f in findings if f.severity == "error"]


def _comparable(facts: Facts, table: Table) -> Facts:
    """Facts with None where the table has no such column (basic/project on an economic table)."""
    keep = {r: r in table.roles for r in ROLES}
    out = {}
    for key, values in facts.items():
        out[key] = tuple(v if keep[r] and v is not None else None for r, v in zip(ROLES, values))
    return out


def check_same_or_flagged(text: str, table: Table, *, flag_ok: bool = False, layout: Layout | None = None) -> None:
    """The same facts as the logical table (exactly, in 万元), or — when flag_ok — an error finding.

    With ``layout``, every row also keeps the printed label and unit of its table.
    """
    _, lines, _, findings = extract_expenditure(source_from_text(text, "unseen.txt"))
    lines = [line for line in lines if line.table_kind == table.kind]
    got = _comparable(parsed_facts(lines), table)
    want = _comparable(expected_facts(table), table)
    if errors(findings):
        assert flag_ok, (errors(findings), text)
        return
    assert got == want, _diff(got, want, text)
    kinds = {line.table_kind for line in lines}
    assert kinds == {table.kind}
    if layout is not None:
        assert {(line.source_table, line.source_unit) for line in lines} == {
            (fmt_label(table.number, layout), layout.unit)
        }


def _diff(got: Facts, want: Facts, text: str) -> str:
    missing = {k: v for k, v in want.items() if got.get(k) != v}
    extra = {k: v for k, v in got.items() if k not in want or want[k] != v}
    return f"\nwant (differing): {missing}\ngot (differing): {extra}\n--- text ---\n{text}"


# --------------------------------------------------------------------------------------
# The axes, combined
# --------------------------------------------------------------------------------------

NUMBER_FORMS = [
    Layout(unit="元", decimals=0, separators=False),
    Layout(unit="元", decimals=0, separators=True),
    Layout(unit="元", decimals=2, separators=False),
    Layout(unit="元", decimals=2, separators=True),
    Layout(unit="万元", decimals=2, separators=False),
    Layout(unit="万元", decimals=2, separators=True),
    Layout(unit="万元", decimals=4, separators=False),
]
ZEROS = ["0", "-", ""]
SHAPES = [
    {},
    {"tabs": False},
    {"code_columns": True},
    {"code_columns": True, "tabs": False},
    {"wrap": "above", "tabs": False},
    {"wrap": "below", "tabs": False},
    {"wrap": "above"},
    {"fullwidth": True},
    {"fullwidth": True, "tabs": False},
    {"serial": True},
    {"serial": True, "tabs": False},
    {"total_last": True},
    {"total_last": True, "tabs": False},
    {"title": "prefixed"},
    {"label": "表{cn}"},
    {"label": "附表{n}"},
    {"label": "预算公开表{n}"},
    {"label": "公开{n:02d}表"},
    {"unit_on_title": True},
    {"unit_on_title": True, "tabs": False, "title": "prefixed"},
]


def _layouts() -> list[Layout]:
    """Every number form x zero form on the plain shape, and every shape on a few number forms."""
    out = [replace(n, zero=z) for n in NUMBER_FORMS for z in ZEROS]
    for shape, number in itertools.product(SHAPES, (NUMBER_FORMS[0], NUMBER_FORMS[1], NUMBER_FORMS[4])):
        out.append(replace(number, **shape))
    seen, unique = set(), []
    for layout in out:
        if layout not in seen:
            seen.add(layout)
            unique.append(layout)
    return unique


LAYOUTS = _layouts()


@pytest.mark.parametrize("name", sorted(HAND_TABLES))
@pytest.mark.parametrize("layout", LAYOUTS, ids=Layout.describe)
def test_hand_table_in_layout(name, layout):
    table = HAND_TABLES[name]
    check_same_or_flagged(document(render(table, layout)), table, layout=layout)


def test_reported_tab_yuan_table_with_separators():
    """The case found in the field: tab cells, 元 integers with ``,``; 合计 row and every column kept."""
    table = _odd_yuan_table()
    for layout in (
        Layout(separators=True),
        Layout(separators=False),
        Layout(separators=True, tabs=False),
        Layout(separators=False, tabs=False),
        Layout(unit="万元", decimals=4),
    ):
        check_same_or_flagged(document(render(table, layout)), table)


@pytest.mark.parametrize("name", sorted(HAND_TABLES))
@pytest.mark.parametrize("tabs", [True, False])
def test_columns_in_another_order_named_by_header_words(name, tabs):
    table = HAND_TABLES[name]
    order = tuple(reversed(table.roles[1:])) + table.roles[:1]  # 项目支出 before 基本支出, 合计 last
    check_same_or_flagged(document(render(table, Layout(order=order, tabs=tabs))), table)


# --------------------------------------------------------------------------------------
# Harder combinations: blank cells that vanish, wrapped names and whole-元 figures together
# --------------------------------------------------------------------------------------

COMBINED = [
    Layout(tabs=False, zero="", separators=True),
    Layout(tabs=False, zero="-", separators=False),
    Layout(tabs=False, zero="", wrap="above"),
    Layout(tabs=False, zero="-", wrap="below", code_columns=True),
    Layout(tabs=False, zero="", unit="万元", decimals=2, total_last=True),
    Layout(tabs=False, zero="-", unit="万元", decimals=4, serial=True, fullwidth=True),
    Layout(tabs=True, zero="", separators=True, serial=True, total_last=True, title="prefixed", label="附表{n}"),
    Layout(tabs=True, zero="-", code_columns=True, wrap="above", unit_on_title=True, label="表{cn}"),
]


@pytest.mark.parametrize("name", sorted(HAND_TABLES))
@pytest.mark.parametrize("layout", COMBINED, ids=Layout.describe)
def test_hand_table_in_combined_layouts(name, layout):
    """Where space text drops blank cells, the row's identities and its parent place the figures;
    where they cannot, an error says so — never a figure in the wrong column."""
    table = HAND_TABLES[name]
    check_same_or_flagged(document(render(table, layout)), table, layout=layout)


# --------------------------------------------------------------------------------------
# The seeds' real tables, re-rendered
# --------------------------------------------------------------------------------------

# The tab-separated expenditure tables of two seeds, read cell by cell from the printed rows (not
# through the parser): where the rows are, which table kind, and which role each amount column has,
# all from the printed header. A blank cell prints zero.
SUMMARY = ("total", "basic", "project")  # 合计 基本支出 项目支出
FUNCTIONAL = ("total", "basic", "personnel", "public", "project")  # 合计 基本支出(小计 人员经费 公用经费) 项目支出
ECONOMIC = ("total", "personnel", "public")  # 合计 人员经费 公用经费
PRINTED_SEED_TABLES = {  # (document, label): (kind, printed number, first and last row line, column roles)
    ("000_df7f9757fe457667", "表 3"): ("expenditure_summary", 3, 218, 238, SUMMARY),
    ("000_df7f9757fe457667", "表 5-1"): ("general_public_functional", 5, 287, 307, FUNCTIONAL),
    ("000_df7f9757fe457667", "表 6"): ("general_public_basic_economic", 6, 334, 350, ECONOMIC),
    ("004_f083e30e185bc13b", "表3"): ("expenditure_summary", 3, 152, 176, SUMMARY),
    ("004_f083e30e185bc13b", "表5"): ("general_public_functional", 5, 232, 255, FUNCTIONAL),
    ("004_f083e30e185bc13b", "表6"): ("general_public_basic_economic", 6, 271, 291, ECONOMIC),
}
TITLES = {
    "expenditure_summary": "支出总表",
    "general_public_functional": "一般公共预算支出表",
    "general_public_basic_economic": "一般公共预算基本支出表",
}


def printed_seed_table(stem: str, label: str) -> Table:
    """A seed's tab-separated table as a logical table (figures in whole 元), from its printed cells."""
    kind, number, first, last, roles = PRINTED_SEED_TABLES[stem, label]
    text = (RAW / f"{stem}.txt").read_text("utf-8").split("\n")[first - 1 : last]
    rows = []
    for line in (line for line in text if "\t" in line):
        code, name, *cells = [re.sub(r"</?b>", "", cell).strip() for cell in line.split("\t")]  # bold markup
        figures = [D(cell.replace(",", "")) * 10000 if cell else D(0) for cell in cells[: len(roles)]]
        figures += [D(0)] * (len(roles) - len(figures))
        rows.append(Row(code or None, name, dict(zip(roles, figures))))
    assert rows[0].name == "合计" and all(row.code for row in rows[1:]), (stem, label)
    return Table(kind, number, TITLES[kind], roles, tuple(rows))


def _space_table_002() -> Table:
    """002 公开表5 (lines 633-671), printed with spaces: blank cells vanish, so each row's two figures
    were placed by hand by 合计 = 基本 + 项目 and the parent's columns (万元)."""
    rows = [
        (None, "合计", "294.64", "181.66", "112.98"),
        ("208", "社会保障和就业支出", "9.33", "9.33", "0"),
        ("20805", "行政事业单位养老支出", "9.33", "9.33", "0"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "9.33", "9.33", "0"),
        ("210", "卫生健康支出", "263.72", "150.74", "112.98"),
        ("21011", "行政事业单位医疗", "9.00", "9.00", "0"),
        ("2101103", "公务员医疗补助", "9.00", "9.00", "0"),
        ("21015", "医疗保障管理事务", "254.72", "141.74", "112.98"),
        ("2101501", "行政运行（医疗保障）", "141.74", "141.74", "0"),
        ("2101502", "一般行政管理事务（医疗保障）", "112.98", "0", "112.98"),
        ("221", "住房保障支出", "21.59", "21.59", "0"),
        ("22102", "住房改革支出", "21.59", "21.59", "0"),
        ("2210201", "住房公积金", "15.74", "15.74", "0"),
        ("2210202", "提租补贴", "3.28", "3.28", "0"),
        ("2210203", "购房补贴", "2.57", "2.57", "0"),
    ]
    return Table(
        "general_public_functional",
        5,
        "一般公共预算支出表",
        SUMMARY,
        tuple(Row(code, name, {r: D(v) * 10000 for r, v in zip(SUMMARY, figures)}) for code, name, *figures in rows),
    )


SEED_TABLES = {
    **{f"{stem} {label}": printed_seed_table(stem, label) for stem, label in PRINTED_SEED_TABLES},
    "002_59fd46f20b32f4cf 公开表5": _space_table_002(),
}


SEED_LAYOUTS = [
    Layout(separators=True),
    Layout(),
    Layout(tabs=False),
    Layout(unit="万元", decimals=2, separators=True),
    Layout(unit="万元", decimals=4, zero="-"),
    Layout(code_columns=True, tabs=False),
    Layout(serial=True),
    Layout(total_last=True, title="prefixed", label="预算公开表{n}"),
    Layout(fullwidth=True, zero=""),
]


@pytest.mark.parametrize("name", sorted(SEED_TABLES))
@pytest.mark.parametrize("layout", SEED_LAYOUTS, ids=Layout.describe)
def test_seed_table_in_layout(name, layout):
    table = SEED_TABLES[name]
    check_same_or_flagged(document(render(table, layout)), table, layout=layout)


# --------------------------------------------------------------------------------------
# 收支总表, 三公 and 项目支出表, alone and in one document with mixed units
# --------------------------------------------------------------------------------------

INCOME = [  # (printed item, income_source, 元)
    ("一、一般公共预算拨款收入", "general_public_budget", 5873500),
    ("二、政府性基金预算拨款收入", "government_fund", 0),
    ("三、国有资本经营预算拨款收入", "state_capital", 0),
    ("四、事业收入", "business", 0),
    ("五、其他收入", "other", 0),
]
CLASSES = [
    ("一、教育支出", "205", 5210300),
    ("二、社会保障和就业支出", "208", 421400),
    ("三、住房保障支出", "221", 241800),
]
INCOME_TOTAL = 5873500


def render_income_summary(layout: Layout) -> str:
    """收支总表: income items left, class totals right, 本年收入合计 / 本年支出合计 at the foot."""
    sep = "\t" if layout.tabs else "   "

    def amount(v):
        return fmt_amount(D(v), layout)

    head = [fmt_label(1, layout)]
    title = ("某某县教育局2024年部门" if layout.title == "prefixed" else "") + "收支总表"
    head += [f"{title}{sep}金额单位：{layout.unit}"] if layout.unit_on_title else [title, f"单位：{layout.unit}"]
    header = [
        sep.join(["收入", "", "支出", ""]) if layout.tabs else "收入   支出",
        sep.join(["项目", "预算数", "项目", "预算数"]),
    ]
    body = []
    for index in range(max(len(INCOME), len(CLASSES))):
        cells: list[str] = []
        cells += [INCOME[index][0], amount(INCOME[index][2])] if index < len(INCOME) else ["", ""]
        cells += [CLASSES[index][0], amount(CLASSES[index][2])] if index < len(CLASSES) else ["", ""]
        body.append(sep.join(cells) if layout.tabs else sep.join(c for c in cells if c))
    foot = ["本年收入合计", amount(INCOME_TOTAL), "本年支出合计", amount(INCOME_TOTAL)]
    body.append(sep.join(foot))
    return "\n".join(head + header + body)


THREE_PUBLIC = [
    ("total", 35000),
    ("outbound", 0),
    ("vehicle", 20000),
    ("vehicle_purchase", 0),
    ("vehicle_operation", 20000),
    ("reception", 15000),
]


def render_three_public(layout: Layout) -> str:
    """Horizontal 三公 table: titles over two header lines, one data row."""
    sep = "\t" if layout.tabs else "   "
    title = ("某某县教育局2024年部门" if layout.title == "prefixed" else "") + "一般公共预算“三公”经费支出表"
    head = [fmt_label(7, layout)]
    head += [f"{title}{sep}金额单位：{layout.unit}"] if layout.unit_on_title else [title, f"单位：{layout.unit}"]
    if layout.tabs:
        header = [
            "合计\t因公出国（境）费\t公务用车购置及运行费\t\t\t公务接待费",
            "\t\t小计\t公务用车购置费\t公务用车运行费\t",
        ]
    else:
        header = [
            "合计   因公出国（境）费   公务用车购置及运行费   公务接待费",
            "小计   公务用车购置费   公务用车运行费",
        ]
    figures = [fmt_amount(D(v), layout) for _, v in THREE_PUBLIC]
    row = "\t".join(figures) if layout.tabs else sep.join(f for f in figures if f)
    return "\n".join(head + header + [row])


PROJECTS = [  # (code, name, 元 total = 一般公共预算)
    ("42108124205T000000001", "学前教育发展专项", 1500000),
    ("42108124205T000000002", "教育信息化建设", 500000),
]


def render_projects(layout: Layout) -> str:
    """项目支出表: code, name, unit, 合计 and the fund columns; the 合计 row first or last."""
    sep = "\t" if layout.tabs else "   "
    title = ("某某县教育局2024年部门" if layout.title == "prefixed" else "") + "项目支出表"
    head = [fmt_label(10, layout)]
    head += [f"{title}{sep}金额单位：{layout.unit}"] if layout.unit_on_title else [title, f"单位：{layout.unit}"]
    header = [
        sep.join(["项目编码", "项目名称", "项目单位", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"])
    ]
    unit_name = "某某县教育局"

    def amount(v):
        return fmt_amount(D(v), layout)

    total = sum(v for _, _, v in PROJECTS)
    rows = [["", "合计", "", amount(total), amount(total), amount(0), amount(0)]]
    rows += [[code, name, unit_name, amount(v), amount(v), amount(0), amount(0)] for code, name, v in PROJECTS]
    if layout.total_last:
        rows = rows[1:] + rows[:1]
    body = [sep.join(r) if layout.tabs else sep.join(c for c in r if c) for r in rows]
    return "\n".join(head + header + body)


def _other_facts(extraction) -> dict:
    income = {line.income_source: line.amount for line in extraction.income_lines}
    classes = {line.subject_code: line.amount for line in extraction.class_total_lines}
    three = {line.item: line.amount for line in extraction.three_public_lines}
    projects = {
        (p.project_code, p.project_name): (p.amount_total, p.amount_general_public_budget)
        for p in extraction.project_lines
    }
    return {"income": income, "classes": classes, "three": three, "projects": projects}


def _expected_other(units: dict) -> dict:
    def wan(v):
        return D(v) / D(10000)

    return {
        "income": {**{source: wan(v) for _, source, v in INCOME}, "total": wan(INCOME_TOTAL)},
        "classes": {code: wan(v) for _, code, v in CLASSES},
        "three": {item: wan(v) for item, v in THREE_PUBLIC},
        "projects": {(code, name): (wan(v), wan(v)) for code, name, v in PROJECTS},
    }


OTHER_LAYOUTS = [
    Layout(),
    Layout(separators=True),
    Layout(tabs=False),
    Layout(tabs=False, separators=True),
    Layout(unit="万元", decimals=2),
    Layout(unit="万元", decimals=4, tabs=False),
    Layout(zero="-"),
    Layout(zero="", separators=True),
    Layout(tabs=False, zero="-"),
    Layout(fullwidth=True),
    Layout(title="prefixed", label="附表{n}"),
    Layout(label="表{cn}", unit_on_title=True),
    Layout(total_last=True, tabs=False, label="预算公开表{n}"),
]


@pytest.mark.parametrize("layout", OTHER_LAYOUTS, ids=Layout.describe)
def test_other_tables_in_layout(layout):
    """收支总表, 三公 and 项目支出表 in one layout: the same facts, no error."""
    text = document(
        render_income_summary(layout),
        render_three_public(layout),
        render_projects(layout),
        render(HAND_TABLES["summary"], layout),
    )
    extraction = extract_document(source_from_text(text, "other.txt"))
    assert not errors(extraction.findings), (errors(extraction.findings), text)
    got = _other_facts(extraction)
    want = _expected_other({})
    for part in want:
        got_part = {k: v for k, v in got[part].items() if k in want[part]}
        assert got_part == want[part], (part, got[part], text)


@pytest.mark.parametrize("tabs", [True, False])
def test_mixed_units_in_one_document(tabs):
    """三公 printed in 万元 beside tables in 元: each table read in its own unit."""
    yuan = Layout(tabs=tabs, separators=True)
    wan = Layout(tabs=tabs, unit="万元", decimals=2)
    text = document(
        render_income_summary(yuan),
        render_three_public(wan),
        render_projects(yuan),
        render(HAND_TABLES["summary"], yuan),
        render(HAND_TABLES["economic"], wan),
    )
    extraction = extract_document(source_from_text(text, "mixed.txt"))
    assert not errors(extraction.findings), errors(extraction.findings)
    got, want = _other_facts(extraction), _expected_other({})
    for part in want:
        assert {k: v for k, v in got[part].items() if k in want[part]} == want[part], part
    assert {line.source_unit for line in extraction.three_public_lines} == {"万元"}
    assert {line.source_unit for line in extraction.project_lines} == {"元"}
    by_kind = {}
    for line in extraction.expenditure_lines:
        by_kind.setdefault(line.table_kind, set()).add(line.source_unit)
    assert by_kind == {"expenditure_summary": {"元"}, "general_public_basic_economic": {"万元"}}
    for table in (HAND_TABLES["summary"], HAND_TABLES["economic"]):
        lines = [line for line in extraction.expenditure_lines if line.table_kind == table.kind]
        assert _comparable(parsed_facts(lines), table) == _comparable(expected_facts(table), table)


# --------------------------------------------------------------------------------------
# Vertical 三公, ambiguity and the safety net
# --------------------------------------------------------------------------------------

VERTICAL_NAMES = {
    "total": "“三公”经费合计",
    "outbound": "1.因公出国（境）费",
    "vehicle": "2.公务用车购置及运行费",
    "vehicle_purchase": "其中：公务用车购置费",
    "vehicle_operation": "公务用车运行费",
    "reception": "3.公务接待费",
}


@pytest.mark.parametrize(
    "layout",
    [
        Layout(),
        Layout(tabs=False),
        Layout(tabs=False, separators=True, zero="-"),
        Layout(unit="万元", decimals=2, tabs=False),
        Layout(tabs=False, fullwidth=True),
    ],
    ids=Layout.describe,
)
def test_vertical_three_public(layout):
    """One row per item (项目 / 预算数): whole 元, dashes and full-width figures read in space text too."""
    sep = "\t" if layout.tabs else "   "
    rows = [f"{VERTICAL_NAMES[item]}{sep}{fmt_amount(D(v), layout)}".rstrip() for item, v in THREE_PUBLIC]
    table = "\n".join(["表7", "“三公”经费支出表", f"单位：{layout.unit}", f"项目{sep}预算数", *rows])
    extraction = extract_document(source_from_text(document(table, render(HAND_TABLES["summary"], layout)), "v.txt"))
    assert not errors(extraction.findings), errors(extraction.findings)
    assert {line.item: line.amount for line in extraction.three_public_lines} == {
        i: D(v) / 10000 for i, v in THREE_PUBLIC
    }


def test_unreadable_whole_yuan_line_is_an_error():
    """A line of whole-元 figures that no parser can place is reported, never dropped."""
    text = render(_odd_yuan_table(), Layout(separators=True, tabs=False))
    text += "\n说不清的一行   1,234   5,678"
    extraction = extract_document(source_from_text(document(text), "n.txt"))
    assert [f for f in errors(extraction.findings) if f.source_line == 12]


def test_space_row_whose_blank_cells_cannot_be_placed_is_not_silent():
    """项目支出 and 基本支出 equal, blank cells vanished: 1000 could sit in either column. The parent
    settles it where it can; where it cannot, the read is reported (warning or error), never silent."""
    printed = (
        "表3",
        "支出总表",
        "单位：元",
        "科目编码   科目名称   合计   基本支出   项目支出",
        "合计   2000   1000   1000",
        "205   教育支出   2000   1000   1000",
        "20501   教育管理事务   2000   1000   1000",
        "2050101   行政运行   1000   1000",
        "2050102   一般行政管理事务   1000   1000",
    )
    table = "\n".join(printed)
    _, lines, _, findings = extract_expenditure(source_from_text(document(table), "a.txt"))
    leaves = {
        line.subject_code: (line.amount_basic, line.amount_project)
        for line in lines
        if line.subject_code in ("2050101", "2050102")
    }
    assert all(D("0.1") in v for v in leaves.values())
    flagged = {f.source_line for f in findings if f.check == "ambiguous_columns"}
    placed_right = sorted(leaves.values()) == sorted([(D("0.1"), D("0")), (D("0"), D("0.1"))])
    assert placed_right or len(flagged) == 2, (leaves, findings)
