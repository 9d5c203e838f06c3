"""Printed amounts: recognising, splitting, joining and converting them exactly.

PDF text prints amounts with or without thousands separators, leaves cells
blank or prints ``-``, splits one amount over two tokens (``0.0`` then ``0``)
and glues amounts to each other (``0.004.00``) or to the following text
(``9,812.41一、一般公共服务支出``). Everything here is pure and works on
strings, so every parser reads amounts the same way. Amounts are ``Decimal``
throughout: a float would not survive the ÷10000 of 元 -> 万元 exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

# A printed amount: 1,442.99 | 1442.99 | 206.4 | 5,873,551 | -3.00 | 0
AMOUNT_TEXT = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = re.compile(rf"^{AMOUNT_TEXT}$")
_BLANK = {"", "-", "--", "—", "——", "－", "/", "…"}
_LEADING_AMOUNT = re.compile(rf"^({AMOUNT_TEXT})(?=[^\d.,])")
_UNIT_LINE = re.compile(r"(?:金额)?(?:单位|部门)\s*[:：]\s*(万\s*元|元)")

UNITS = ("万元", "元")
_PER_UNIT = {"万元": Decimal(1), "元": Decimal(10000)}

# The documents warn of 尾差: figures that should agree may differ by rounding, up to this much of the
# table's printed unit. One source for the parser and the marts: the dbt var rounding_tolerance_printed.
DBT_PROJECT_FILE = Path(__file__).resolve().parent.parent / "dbt_project" / "dbt_project.yml"


def rounding_tolerance_printed() -> Decimal:
    """The rounding tolerance in the printed unit, as dbt_project.yml sets it for the marts."""
    settings = yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))
    return Decimal(str(settings["vars"]["rounding_tolerance_printed"]))


ROUNDING_TOLERANCE_PRINTED = rounding_tolerance_printed()


def is_amount(token: str) -> bool:
    """True for a token printed as a number (with or without separators)."""
    return bool(_AMOUNT.match(token.strip()))


def is_blank_cell(token: str) -> bool:
    """A cell that prints no figure: empty, or a dash standing for nothing."""
    return token.strip() in _BLANK


def parse_amount(token: str) -> Decimal | None:
    """The Decimal a cell prints, or None when the cell is blank or not a number.

    Separators are dropped; the digits are kept exactly as printed (no rounding).
    """
    text = token.strip()
    if text in _BLANK or not _AMOUNT.match(text):
        return None
    text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return None


def decimals_of(token: str) -> int | None:
    """Number of printed decimal places of an amount token, None if not an amount."""
    text = token.strip()
    if not is_amount(text):
        return None
    return len(text.split(".", 1)[1]) if "." in text else 0


def table_decimals(tokens: Iterable[str]) -> int | None:
    """The decimal places a table prints, from the most common among its decimal amounts.

    Used to recognise amounts split or glued by the PDF text (only meaningful when the
    table prints a fixed number of decimals, as budget tables do).
    """
    counts = Counter(d for d in (decimals_of(t) for t in tokens) if d)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def split_glued_amounts(token: str, decimals: int | None) -> list[str] | None:
    """Split ``0.004.00`` into ``['0.00', '4.00']`` when the table prints fixed decimals.

    Returns None when the token is not a run of glued amounts.
    """
    if not decimals or token.count(".") < 2:
        return None  # two amounts glued print two decimal points
    one = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)\.\d{{{decimals}}}"
    if not re.fullmatch(rf"(?:{one}){{2,}}", token):
        return None
    return re.findall(one, token)


def split_leading_amount(token: str) -> tuple[str, str] | None:
    """``9,812.41一、一般公共服务支出`` -> (``9,812.41``, ``一、一般公共服务支出``); None otherwise.

    Only a decimal amount (or one with separators) counts, so that a code glued to its
    name (``201一般公共服务支出``) is not mistaken for an amount.
    """
    match = _LEADING_AMOUNT.match(token)
    if not match:
        return None
    number = match.group(1)
    if "." not in number and "," not in number:
        return None
    return number, token[match.end() :]


def join_split_amount(first: str, second: str, decimals: int | None) -> str | None:
    """Join ``0.0`` + ``0`` -> ``0.00`` when the table prints ``decimals`` places.

    The PDF text breaks a cell's last digit onto the next line; the join only happens
    when the first part is short of exactly the missing digits.
    """
    if not decimals or "." not in first or not second.isdigit():
        return None
    if not is_amount(first):
        return None
    have = len(first.split(".", 1)[1])
    if have >= decimals or have + len(second) != decimals:
        return None
    return first + second


def unit_of(text: str) -> str | None:
    """The unit a line declares (单位：万元, 金额单位：元, 金额部门：万元 ...), else None."""
    if "元" not in text:
        return None  # both units end in 元
    match = _UNIT_LINE.search(text)
    if not match:
        return None
    return "万元" if "万" in match.group(1) else "元"


def to_wan(amount: Decimal | None, unit: str) -> Decimal | None:
    """Convert a printed amount to 万元 exactly (元 / 10000 by shifting the exponent)."""
    if amount is None:
        return None
    if unit not in _PER_UNIT:
        raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
    if unit == "万元":
        return amount
    return amount.scaleb(-4)


def tolerance_wan(unit: str) -> Decimal:
    """The rounding tolerance of a table printed in ``unit``, expressed in 万元."""
    return to_wan(ROUNDING_TOLERANCE_PRINTED, unit)  # type: ignore[return-value]
