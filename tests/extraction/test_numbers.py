"""Printed amounts: parsing, splitting, joining and exact unit conversion."""

from decimal import Decimal

import pytest

from budget_extraction.numbers import (
    is_amount,
    join_split_amount,
    parse_amount,
    split_glued_amounts,
    split_leading_amount,
    table_decimals,
    to_wan,
    tolerance_wan,
    unit_of,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,442.99", Decimal("1442.99")),
        ("1442.99", Decimal("1442.99")),
        ("5,873,551", Decimal(5873551)),
        ("2892504.00", Decimal("2892504.00")),
        ("206.4", Decimal("206.4")),
        (" 0.00 ", Decimal("0.00")),
        ("-3.50", Decimal("-3.50")),
        ("", None),
        ("-", None),
        ("—", None),
        ("合计", None),
        ("1,44.2", None),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


def test_is_amount_rejects_text_and_codes_glued_to_names():
    assert is_amount("9,812.41")
    assert not is_amount("201一般公共服务支出")
    assert not is_amount("一、")


def test_split_glued_amounts_needs_fixed_decimals():
    assert split_glued_amounts("0.004.00", 2) == ["0.00", "4.00"]
    assert split_glued_amounts("1,234.5612.00", 2) == ["1,234.56", "12.00"]
    assert split_glued_amounts("0.00", 2) is None
    assert split_glued_amounts("0.004.00", None) is None


def test_split_leading_amount_keeps_separators_and_decimals():
    assert split_leading_amount("9,812.41一、一般公共服务支出") == ("9,812.41", "一、一般公共服务支出")
    assert split_leading_amount("9,817.07") is None  # a whole amount is not glued to anything
    assert split_leading_amount("201一般公共服务支出") is None  # a code glued to its name


def test_join_split_amount_only_completes_missing_decimals():
    assert join_split_amount("0.0", "0", 2) == "0.00"
    assert join_split_amount("12.3", "4", 2) == "12.34"
    assert join_split_amount("0.00", "0", 2) is None
    assert join_split_amount("0.0", "00", 2) is None
    assert join_split_amount("0.0", "0", None) is None


def test_table_decimals_is_the_most_common_precision():
    assert table_decimals(["1,442.99", "0.00", "206.4", "3", "合计"]) == 2
    assert table_decimals(["1", "2"]) is None


@pytest.mark.parametrize(
    "line, unit",
    [
        ("单位：万元", "万元"),
        ("单位:万元", "万元"),
        ("单位: 万元", "万元"),
        ("金额单位：元", "元"),
        ("金额部门：万元", "万元"),
        ("部门/单位：武汉市青山区医疗保障局（汇总） 单位：万元", "万元"),
        ("预算 13表 单位：元", "元"),
        ("部门/单位：武汉市青山区医疗保障局（汇总）", None),
    ],
)
def test_unit_of(line, unit):
    assert unit_of(line) == unit


def test_to_wan_is_exact_for_yuan():
    assert to_wan(Decimal("2892504.00"), "元") == Decimal("289.2504")
    assert to_wan(Decimal(1), "元") == Decimal("0.0001")
    assert to_wan(Decimal("0.01"), "元") == Decimal("0.000001")
    assert to_wan(Decimal("1442.99"), "万元") == Decimal("1442.99")
    assert to_wan(None, "元") is None
    assert isinstance(to_wan(Decimal(5873551), "元"), Decimal)
    with pytest.raises(ValueError):
        to_wan(Decimal(1), "千元")


def test_tolerance_is_two_hundredths_of_the_printed_unit():
    """Rounding (尾差) is 0.02 of the unit a table prints: 0.02 万元, or 0.02 元 = 0.000002 万元."""
    assert tolerance_wan("万元") == Decimal("0.02")
    assert tolerance_wan("元") == Decimal("0.000002")
