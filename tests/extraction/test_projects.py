"""项目支出表: projects, kinds, fund sources and totals, per seed and re-rendered."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from budget_extraction.readers.projects import amount_columns, parse_projects, remove_unit

from ._other_tables_support import block_of, rerender, seed

D = Decimal


def _parse(doc, block):
    return parse_projects(doc, block)


# prefix: (number of projects, their sum, printed 合计, kinds)
SEEDS = {
    "000": (5, D("1181.16"), D("1181.16"), {"T": 5}),
    "004": (22, D("895.62"), D("895.62"), {"R": 11, "Y": 4, "T": 7}),
    # 001 (PDF text, rows over ~80 lines each): 4 units; unit subtotals 157.18 + 9369.57 + 196.28 + 94.04
    # kinds counted from the code pieces "dddd[RYT]dd" printed in lines 905-7180: R 54, Y 10, T 11
    "001": (75, D("9817.11"), D("9817.07"), {"R": 54, "Y": 10, "T": 11}),
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_projects(prefix):
    count, total, printed, kinds = SEEDS[prefix]
    doc = seed(prefix)
    projects, cover, findings = _parse(doc, block_of(doc, "project_expenditure"))
    assert len(projects) == count
    assert sum(p.amount_total for p in projects) == total
    assert Counter(p.project_kind for p in projects) == kinds
    assert all(p.project_code and len(p.project_code) == 21 for p in projects)
    assert len({p.project_code for p in projects}) == count
    assert not [f for f in findings if f.check in ("unreadable_line", "project_code_incomplete")]
    mismatch = [f for f in findings if f.check == "project_total_mismatch"]
    if printed == total:
        assert mismatch == []
    else:  # 001 prints 9,817.07 while its 75 projects add to 9,817.11: reported, never corrected
        assert [f.severity for f in mismatch] == ["error"]


def test_000_rows_and_parents():
    doc = seed("000")
    projects, cover, _ = _parse(doc, block_of(doc, "project_expenditure"))
    first = projects[0]
    assert (first.project_code, first.project_name, first.unit_name) == (
        "42010726202T000000100",
        "城乡医疗救助",
        "武汉市青山区医疗保障局本级",
    )
    assert first.amount_total == D("890.00") and first.amount_general_public_budget == D("890.00")
    assert first.amount_other == D(0) and first.source_line == 399
    outcomes = {c.source_line: c.outcome for c in cover}
    assert (
        outcomes[395] == "total"
        and outcomes[396] == "parent"
        and outcomes[397] == "parent"
        and outcomes[398] == "parent"
    )


def test_001_pdf_rows_name_unit_and_carryover():
    doc = seed("001")
    projects, _, findings = _parse(doc, block_of(doc, "project_expenditure"))
    by_code = {p.project_code: p for p in projects}
    # code printed as 4213032 / 4032T00 / 0000107, name and unit broken over many lines
    p = by_code["42130324032T000000107"]
    assert p.project_name == "中央财政医疗服务和保障能力提升补助" and p.unit_name == "曾都区医疗保障局本级"
    assert p.amount_total == D("52.59") and p.amount_general_public_budget == D("52.59")  # 50.00 + 2.59 结转
    # unit name woven into the project name by the PDF
    q = by_code["42130324032T000000101"]
    assert q.project_name == "城乡医疗救助地方配套" and q.amount_total == D("300.00")
    # code pieces printed after the figures
    r = by_code["42130322032Y000000121"]
    assert r.project_name == "在职人员公用" and r.amount_total == D("7.50")
    units = Counter(p.unit_name for p in projects)
    assert units == {
        "曾都区医疗保障局本级": 20,
        "曾都区医疗保障服务中心": 26,
        "曾都区医疗保障基金核查中心": 15,
        "曾都区医疗保障信息中心": 14,
    }
    unit_checks = [f for f in findings if f.check == "project_unit_total_mismatch"]
    assert unit_checks and all(f.severity == "info" for f in unit_checks)  # within 0.02: 尾差


def test_fund_columns_from_two_level_header():
    header = (
        "项目编码项目名称项目单位合计本年拨款财政拨款结转结余财政专户管理资金单位资金"
        "一般公共预算政府性基金预算国有资本经营预算一般公共预算政府性基金预算国有资本经营预算"
    )
    assert amount_columns(header) == ["total", "gpb", "gf", "sc", "gpb", "gf", "sc", "other", "other"]
    assert amount_columns("项目名称合计一般公共预算政府性基金单位资金") == ["total", "gpb", "gf", "other"]


def test_remove_unit_woven_into_name():
    assert remove_unit("曾都区医疗保障服务中城乡医疗救助地方配套心", "曾都区医疗保障服务中心") == "城乡医疗救助地方配套"
    assert remove_unit("医疗保障工作经费", "曾都区医疗保障局本级") == "医疗保障工作经费"


@pytest.mark.parametrize("prefix", ["000", "004"])
@pytest.mark.parametrize("options", [{"spaces": True}, {"yuan": True}, {"spaces": True, "yuan": True}])
def test_rerendered_layouts_give_the_same_facts(prefix, options):
    doc = seed(prefix)
    block = block_of(doc, "project_expenditure")
    expected, _, _ = _parse(doc, block)
    if options.get("spaces") and prefix == "004":
        # blank cells vanish in a space layout; such documents print 0.00, so do the same
        from budget_extraction.source import source_from_text

        lines = list(doc.lines)
        for i in range(block.header_end_line, block.end_line):
            cells = lines[i].split("\t")
            if len(cells) > 3:
                cells = cells[:3] + [c or "0.00" for c in cells[3:]] + ["0.00"] * (12 - len(cells))
                lines[i] = "\t".join(cells)
        doc = source_from_text("\n".join(lines), doc.file_name)
    got, _, findings = _parse(*rerender(doc, block, **options))

    def key(p):
        return p.project_code, p.project_kind, p.amount_total, p.amount_general_public_budget, p.amount_other

    assert [key(p) for p in got] == [key(p) for p in expected]
    assert not [f for f in findings if f.severity == "error"]


def test_wrapped_project_cell_in_tab_layout():
    doc = seed("000")
    block = block_of(doc, "project_expenditure")
    tail = "\t44.36" + "\t0.00" * 7
    new_doc, new_block = rerender(
        doc, block, wrap={"\t医疗保障工作经费\t": ["\t医疗保障工作\t"], tail: [tail, "\t经费"]}
    )
    projects, _, findings = _parse(new_doc, new_block)
    assert len(projects) == 5
    names = [p.project_name for p in projects]
    assert "医疗保障工作经费" in names
