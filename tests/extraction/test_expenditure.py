"""Expenditure tables of the five real seeds: rows, arithmetic, repairs, coverage."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from budget_extraction.model import ExpenditureLine
from budget_extraction.numbers import is_amount
from budget_extraction.readers.expenditure import extract_expenditure
from budget_extraction.source import read_source, source_from_text

RAW = Path(__file__).resolve().parents[2] / "raw"
SEEDS = sorted(p.stem for p in RAW.glob("*.txt"))
FIELDS = ("amount_total", "amount_basic", "amount_project", "amount_personnel", "amount_public")
# Rounding (尾差): 0.02 of the printed unit. Every seed table prints 万元 (test_three_tables_parsed_with_printed_totals).
ROUNDING_WAN = Decimal("0.02")


def by_table(lines: Iterable[ExpenditureLine]) -> dict[str, list[ExpenditureLine]]:
    out: dict[str, list[ExpenditureLine]] = defaultdict(list)
    for line in lines:
        out[line.source_table].append(line)
    return dict(out)


def leaves(rows: list[ExpenditureLine]) -> list[ExpenditureLine]:
    codes = [r.subject_code for r in rows if r.subject_code]
    return [
        r
        for r in rows
        if r.subject_code and not any(c != r.subject_code and c.startswith(r.subject_code) for c in codes)
    ]


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v or Decimal(0) for v in values), Decimal(0))


def leaf_vs_total(rows: list[ExpenditureLine]) -> list[str]:
    total = next(r for r in rows if r.row_kind == "total")
    bad = []
    for field in FIELDS:
        printed = getattr(total, field)
        if printed is None:
            continue
        summed = _sum(getattr(r, field) for r in leaves(rows))
        if abs(summed - printed) > ROUNDING_WAN:
            bad.append(f"{total.source_table} total {field}: printed {printed}, leaves {summed}")
    return bad


def parents_vs_children(rows: list[ExpenditureLine]) -> list[str]:
    subjects = [r for r in rows if r.subject_code]
    bad = []
    for parent in subjects:
        code = parent.subject_code
        kids = [
            r
            for r in subjects
            if r.subject_code != code
            and r.subject_code.startswith(code)
            and not any(
                o.subject_code != code
                and o.subject_code != r.subject_code
                and r.subject_code.startswith(o.subject_code)
                and o.subject_code.startswith(code)
                for o in subjects
            )
        ]
        if not kids:
            continue
        for field in FIELDS:
            printed = getattr(parent, field)
            if printed is None:
                continue
            summed = _sum(getattr(k, field) for k in kids)
            if abs(summed - printed) > ROUNDING_WAN:
                bad.append(f"{parent.source_table} {code} {field}: printed {printed}, children {summed}")
    return bad


def row_identities(rows: list[ExpenditureLine]) -> list[str]:
    bad = []
    for r in rows:
        label = f"{r.source_table} {r.subject_code or '合计'}"
        printed = (r.amount_total, r.amount_basic, r.amount_project)
        if None not in printed and abs(r.amount_basic + r.amount_project - r.amount_total) > ROUNDING_WAN:
            bad.append(f"{label}: 基本 {r.amount_basic} + 项目 {r.amount_project} != 合计 {r.amount_total}")
        base = r.amount_basic if r.amount_basic is not None else r.amount_total
        parts = (base, r.amount_personnel, r.amount_public)
        if None not in parts and abs(r.amount_personnel + r.amount_public - base) > ROUNDING_WAN:
            bad.append(f"{label}: 人员 {r.amount_personnel} + 公用 {r.amount_public} != 基本 {base}")
    return bad


def all_problems(rows: list[ExpenditureLine]) -> list[str]:
    return leaf_vs_total(rows) + parents_vs_children(rows) + row_identities(rows)


@pytest.fixture(scope="module")
def extracted():
    return {stem: extract_expenditure(read_source(RAW / f"{stem}.txt")) for stem in SEEDS}


# Printed totals (万元) of the three tables of every seed, read off the documents.
PRINTED_TOTALS = {
    "000_df7f9757fe457667": {"表 3": "1442.99", "表 5-1": "1442.99", "表 6": "261.83"},
    "001_6727838b316e5f85": {"附表 4-3": "9817.07", "附表 4-5": "9817.07", "附表 4-6": "843.41"},
    "002_59fd46f20b32f4cf": {"公开表3": "294.64", "公开表5": "294.64", "公开表6": "181.66"},
    "003_305331944a1f3ba9": {"公开 03 表": "1969.42", "公开 05 表": "1969.42", "公开 06 表": None},
    "004_f083e30e185bc13b": {"表3": "895.62", "表5": "895.62", "表6": "210.17"},
}


@pytest.mark.parametrize("stem", SEEDS)
def test_three_tables_parsed_with_printed_totals(extracted, stem):
    _, lines, _, _ = extracted[stem]
    tables = by_table(lines)
    assert set(tables) == set(PRINTED_TOTALS[stem])
    for label, printed in PRINTED_TOTALS[stem].items():
        totals = [r for r in tables[label] if r.row_kind == "total"]
        assert len(totals) == 1
        expected = None if printed is None else Decimal(printed)
        assert totals[0].amount_total == expected
        assert all(r.source_unit == "万元" for r in tables[label])


@pytest.mark.parametrize("stem", SEEDS)
def test_identities_hold_in_every_table(extracted, stem):
    """Leaf sums = 合计, parents = children, 基本+项目 = 合计, 人员+公用 = 基本 (±0.02).

    All five seeds are internally consistent within rounding in these tables (the
    inconsistencies they do have are across tables, e.g. 004 表3 210 基本支出 169.22 vs
    表5 169.23, and 003 公开03表 208 356.08 vs 公开01表 356.09: not within one table).
    """
    _, lines, _, _ = extracted[stem]
    for label, rows in by_table(lines).items():
        assert all_problems(rows) == [], label


def test_003_grouped_economic_table_has_partial_totals_only(extracted):
    _, lines, _, _ = extracted["003_305331944a1f3ba9"]
    rows = by_table(lines)["公开 06 表"]
    total = next(r for r in rows if r.row_kind == "total")
    assert (total.amount_total, total.amount_personnel, total.amount_public) == (
        None,
        Decimal("1498.00"),
        Decimal("160.84"),
    )
    got = {r.subject_code: r for r in rows if r.subject_code}
    assert got["301"].amount_personnel == Decimal("1473.63") and got["301"].amount_public == 0
    assert got["30226"].amount_public == Decimal("54.94") and got["30226"].printed_code == "3022"
    assert got["39908"].printed_code == "3990"
    assert len([r for r in rows if r.subject_code]) == 81


def test_003_truncated_codes_are_repaired_and_reported(extracted):
    _, lines, _, findings = extracted["003_305331944a1f3ba9"]
    rows = by_table(lines)["公开 03 表"]
    repaired = {(r.printed_code, r.subject_name): r.subject_code for r in rows if r.printed_code != r.subject_code}
    assert repaired[("208010", "综合业务管理")] == "2080104"
    assert repaired[("210110", "事业部门医疗")] == "2101102"
    assert repaired[("210155", "事业运行")] == "2101550"
    assert all(len(r.subject_code) in (3, 5, 7) for r in rows if r.subject_code)
    repairs = [f for f in findings if f.check == "code_repaired"]
    assert all(f.severity == "warning" and "003_305331944a1f3ba9.txt:" in f.detail for f in repairs)
    assert any("208010" in f.detail and "2080104" in f.detail for f in repairs)
    # the repaired codes of 公开03表 are the codes 公开05表 prints
    table05 = {r.subject_code for r in by_table(lines)["公开 05 表"] if r.subject_code}
    assert {r.subject_code for r in rows if r.subject_code} == table05
    assert not [f for f in findings if f.severity == "error"]


def test_001_rows_whose_amounts_precede_their_code(extracted):
    _, lines, _, _ = extracted["001_6727838b316e5f85"]
    rows = {r.subject_code: r for r in by_table(lines)["附表 4-5"] if r.subject_code}
    assert rows["2080502"].subject_name == "事业单位离退休"
    assert rows["2080502"].amount_total == Decimal("38.10")
    assert rows["2080502"].source_line == 682
    assert rows["2080505"].subject_name == "机关事业单位基本养老保险缴费支出"
    assert rows["2080505"].amount_total == Decimal("65.67")
    assert rows["2101202"].subject_name == "财政对城乡居民基本医疗保险基金的补助"
    assert rows["210"].amount_personnel == Decimal("594.64")


def test_002_blank_cells_placed_by_the_parent(extracted):
    _, lines, _, findings = extracted["002_59fd46f20b32f4cf"]
    rows = {r.subject_code: r for r in by_table(lines)["公开表5"] if r.subject_code}
    assert (rows["2101502"].amount_basic, rows["2101502"].amount_project) == (0, Decimal("112.98"))
    assert (rows["2101501"].amount_basic, rows["2101501"].amount_project) == (Decimal("141.74"), 0)
    assert rows["2101501"].subject_name == "行政运行（医疗保障）"
    econ = {r.subject_code: r for r in by_table(lines)["公开表6"] if r.subject_code}
    assert (econ["302"].amount_personnel, econ["302"].amount_public) == (0, Decimal("23.32"))
    assert (econ["30201"].amount_personnel, econ["30201"].amount_public) == (0, Decimal("6.00"))
    assert not [f for f in findings if f.check == "ambiguous_columns"]


def test_columns_not_printed_are_none_and_blank_cells_zero(extracted):
    _, lines, _, _ = extracted["004_f083e30e185bc13b"]
    t3 = {r.subject_code: r for r in by_table(lines)["表3"] if r.subject_code}
    assert t3["20811"].amount_personnel is None and t3["20811"].amount_basic == Decimal(0)
    t5 = {r.subject_code: r for r in by_table(lines)["表5"] if r.subject_code}
    assert t5["2101501"].amount_public == Decimal("22.32") and t5["2101501"].amount_project == 0
    t6 = {r.subject_code: r for r in by_table(lines)["表6"] if r.subject_code}
    assert t6["310"].amount_basic is None and t6["310"].amount_public == Decimal("1.20")


@pytest.mark.parametrize("stem", SEEDS)
def test_every_row_keeps_table_line_and_fund_scope(extracted, stem):
    tables, lines, _, _ = extracted[stem]
    labels = {t.source_table for t in tables}
    for r in lines:
        assert r.source_table in labels
        assert r.fund_scope == {"expenditure_summary": "all_funds"}.get(r.table_kind, "general_public_budget")
        assert r.classification == ("economic" if r.table_kind == "general_public_basic_economic" else "functional")
        if r.row_kind == "subject":
            assert r.subject_code and r.subject_code.isdigit() and r.subject_name
        else:
            assert r.subject_code is None and r.printed_code is None


@pytest.mark.parametrize("stem", SEEDS)
def test_zero_silent_drops(extracted, stem):
    """Every line of an expenditure table that prints a code or an amount is accounted for."""
    doc = read_source(RAW / f"{stem}.txt")
    from budget_extraction.tables import find_tables

    covered = {(c.source_table, c.source_line) for c in extracted[stem][2]}
    for block in find_tables(doc):
        if block.kind not in ("expenditure_summary", "general_public_functional", "general_public_basic_economic"):
            continue
        for number, text in doc.numbered(block.header_end_line + 1, block.end_line):
            tokens = text.replace("\t", " ").split()
            if any(is_amount(t) and "." in t for t in tokens) or (tokens and tokens[0].isdigit()):
                assert (block.label, number) in covered, (block.label, number, text)


@pytest.mark.parametrize("stem", SEEDS)
def test_row_source_lines_hold_the_row(extracted, stem):
    doc = read_source(RAW / f"{stem}.txt")
    _, lines, _, _ = extracted[stem]
    for r in lines:
        if r.row_kind == "subject" and r.printed_code and r.table_kind != "general_public_basic_economic":
            window = "".join(doc.line(n) for n in range(r.source_line, r.source_line + 8))
            assert r.printed_code in window.replace(" ", ""), (r.source_table, r.source_line)


def test_unparseable_line_is_an_error_finding():
    printed = (
        "表 3",
        "支出总表",
        "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "\t合计\t10.00\t10.00\t0.00",
        "210\t卫生健康支出\t10.00\t10.00\t0.00",
        "21011\t行政事业单位医疗\t10.00\t10.00\t0.00",
        "210110\t完全不相干的名称\t10.00\t10.00\t0.00",
    )
    text = "\n".join(printed)
    _, lines, coverage, findings = extract_expenditure(source_from_text(text, "x.txt"))
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1 and "x.txt:8" in errors[0].detail and "210110" in errors[0].detail
    assert "210110" not in {r.printed_code for r in lines}
    assert {c.source_line: c.outcome for c in coverage}[8] == "finding"
