"""A stream row's cells from its fragments: name, 前年 / 上年, value and basis.

PDF text prints a table cell by cell, each wrapped at its column's width; the stream reader
gathers a row's fragments and this module tells its cells apart by the lines' structure
(cells side by side on one line, a value closing the row) and, where that says nothing, by
the printed widths of the lines (a cell's lines are as wide as its column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import IndicatorLine
from .layout import CHAR_SLACK, NARROW_SLACK, display_width
from .rows import Draft, TableState, build_indicator
from .vocabulary import KNOWN_TEXT_MIN_CHARS, PLAIN_NUMBER, is_target_like, squash

# A line printing every column of a row (name and each header role): three cells at least.
WHOLE_LINE_MIN_CELLS = 3
# A 前年 column one character wide prints this many single-character lines in a row at least.
CHAR_COLUMN_MIN_LINES = 3
# A text value after 上年 prints in a column at most this share of 上年's widest line.
TEXT_VALUE_SHARE = 0.5
# A value broken over lines of its own (＞ / 60 / %): three pieces at most.
BROKEN_VALUE_MAX_PIECES = 3
# A one-line name above a narrower column's text wrapped over this many lines at least.
WRAPPED_TEXT_MIN_LINES = 3
# The same text printed twice (two columns read as one) is told apart from a chance repeat by this length.
REPEATED_TEXT_MIN_CHARS = 16
# 前年 / 上年 as text columns: the name and 前年 print in narrow columns, lines at most
# PRIOR_NARROW_SHARE of the wide 上年 column's widest; below PRIOR_WIDE_MIN_WIDTH (wide) or
# PRIOR_NARROW_MIN_WIDTH (narrow) the widths tell nothing. Three cells need three lines at least.
PRIOR_NARROW_SHARE = 0.65
PRIOR_WIDE_MIN_WIDTH = 14
PRIOR_NARROW_MIN_WIDTH = 6
PRIOR_TEXT_MIN_LINES = 3
# A narrow line at most this share of its column's full width is a cell's short last line.
SHORT_LINE_SHARE = 0.6
# 前年 starting as the wide 上年 text does, this many characters alike, is the same text.
SHARED_TEXT_MIN_CHARS = 4


@dataclass
class Fragment:
    """One cell of a printed line, with its line and how many cells that line prints."""

    line: int
    text: str
    first_on_line: bool
    line_tokens: int


def _wrapped_cell(parts: list[Fragment]) -> bool:
    """One wrapped cell by printed width: every line but the last as wide as the widest."""
    if len({f.line for f in parts}) != len(parts):
        return False
    widths = [display_width(f.text) for f in parts]
    return all(w >= max(widths) - NARROW_SLACK for w in widths[:-1])


def two_cells(parts: list[Fragment], prefer_one_line: bool = False) -> int:
    """Where fragments that are not one wrapped cell split into exactly two (0 if not, or not one way):
    the basis text left below the previous row, then this row's wrapped name."""
    if len(parts) < 3 or _wrapped_cell(parts):
        return 0
    cuts = [
        i for i in range(1, len(parts)) if _wrapped_cell(parts[:i]) and _wrapped_cell(parts[i:]) and len(parts[i:]) >= 2
    ]
    if len(cuts) == 1:
        return cuts[0]
    widths = [display_width(f.text) for f in parts]
    if cuts and cuts[0] == 1 and prefer_one_line and widths[0] >= max(widths[1:]) + CHAR_SLACK:
        return 1  # a one-line name in the wider column, the narrower text below it is the value
    return 0


def one_cell(parts: list[Fragment]) -> bool:
    """Fragments one per line, every line but the last as long as the longest: one wrapped cell."""
    if len({f.line for f in parts}) != len(parts):
        return False
    lengths = [len(squash(f.text)) for f in parts]
    return all(n >= max(lengths) - 1 for n in lengths[:-1])


def stream_cells(row: list[Fragment], trailers: set[str]):
    """(name fragments, fragments between name and value, value text) of a stream row, None if empty."""
    body = [f for f in row if squash(f.text) not in trailers]
    if not body:
        return None
    value_index = next(
        (
            i
            for i in range(len(body) - 1, -1, -1)
            if is_target_like(body[i].text)
            and (i > 0 or len(body) == 1)
            and not (i < len(body) - 1 and not body[i].first_on_line and body[i + 1].line != body[i].line)
        ),
        None,
    )  # 信息查询等 12项医 / 保事项
    if value_index is not None and value_index > 0:
        name_parts, middle = _split_name(body[:value_index])
        return name_parts, middle, body[value_index].text
    closing_lines = {f.line for f in row if squash(f.text) in trailers}
    if len(body) >= 2 and body[-1].line in closing_lines and body[-1].first_on_line and body[-2].line != body[-1].line:
        # a text value alone before its basis (全年 2021年底前完成) below a wrapped name
        return body[:-1], [], body[-1].text
    name_parts, rest = _split_name(body)
    if not rest and (cut := two_cells(body, prefer_one_line=True)):
        name_parts, rest = body[:cut], body[cut:]  # a one-line name above a text value (20 / 17 16 13)
    return name_parts, [], " ".join(f.text for f in rest) if rest else None


def build_stream_row(state: TableState, row: list[Fragment], trailers: set[str]) -> IndicatorLine | None:
    """Name, value and trailing cells of a row rebuilt from its fragments: a line printing every
    column, a row whose 前年 prints one character a line, or name, middle and value by the lines."""
    roles = list(state.roles)
    closing = [f for f in row if squash(f.text) in trailers]
    lines = [f.line for f in row]
    if _is_whole_line(row, roles, closing):
        # one line of exactly as many cells as the header has columns (基层党建考核 优秀 上级考核)
        return _indicator(state, row[0].line, [squash(f.text) for f in row], roles, [row[0].line])
    if "prior_1" in roles and (column := _char_column_row([f for f in row if squash(f.text) not in trailers])):
        name, prior_2, prior_1, target = column
        values = {"prior_2": prior_2, "prior_1": prior_1, "target": target, "basis": _joined(closing) or None}
        return _indicator(state, row[0].line, [name] + [values.get(r) or "" for r in roles], roles, lines)
    split = stream_cells(row, trailers)
    if split is None or not roles:
        return None
    name, values = _named_values(state, row, split, closing, trailers)
    return _indicator(state, row[0].line, [name] + [values.get(r) or "" for r in roles], roles, lines)


def _indicator(state: TableState, line: int, cells: list[str], roles: list[str], lines: list[int]):
    draft = Draft(line, state.l1, state.l2, cells, roles, lines, l1_printed=state.l1_printed)
    return build_indicator(state, draft)


def _joined(fragments: list[Fragment]) -> str:
    return "".join(squash(f.text) for f in fragments)


def _is_whole_line(row: list[Fragment], roles: list[str], closing: list[Fragment]) -> bool:
    """One line of exactly as many text cells as the header has columns, no closing word."""
    if not roles or closing or len({f.line for f in row}) != 1:
        return False
    return len(row) == 1 + len(roles) >= WHOLE_LINE_MIN_CELLS and not any(is_target_like(f.text) for f in row)


def _named_values(
    state: TableState, row: list[Fragment], split, closing: list[Fragment], trailers: set[str]
) -> tuple[str, dict[str, str | None]]:
    """The name and the cell per role of a row split into name, middle and value."""
    name_parts, middle, value = split
    name_parts, closing = _basis_begun_above(row, name_parts, middle, closing)
    name = _joined(name_parts)
    values: dict[str, str | None] = {"target": value, "basis": _joined(closing) or None}
    if middle and "prior_1" in state.roles:
        name, values = _with_priors(state, row, name_parts, middle, trailers, values)
    elif middle:
        values["target"] = _joined(middle) + (value or "")
    if "prior_1" not in state.roles and values.get("target"):
        values["target"] = _printed_once(values["target"])
    return name, values


def _basis_begun_above(
    row: list[Fragment], name_parts: list[Fragment], middle: list[Fragment], closing: list[Fragment]
) -> tuple[list[Fragment], list[Fragment]]:
    """根据退役军人事务 / 100% 局提供人员名单: the basis begun above the value line, ended beside it."""
    if (
        len(name_parts) >= 2
        and not middle
        and closing
        and name_parts[-1].line_tokens == 1
        and name_parts[-1].line != name_parts[-2].line
        and squash(name_parts[-1].text).startswith(_BASIS_OPENERS)
        and any(f.line == closing[0].line and is_target_like(f.text) for f in row)
    ):
        return name_parts[:-1], [name_parts[-1]] + closing
    return name_parts, closing


def _with_priors(
    state: TableState,
    row: list[Fragment],
    name_parts: list[Fragment],
    middle: list[Fragment],
    trailers: set[str],
    values: dict[str, str | None],
) -> tuple[str, dict[str, str | None]]:
    """The name and the 前年 / 上年 cells printed between the name and the value, by the first layout
    that fits: a value broken over lines, two values beside the current one, text columns of
    different widths, the name itself wrapping, else the middle by its widths."""
    name = _joined(name_parts)
    on_value_line = _priors_beside_value(row, name_parts, middle)
    broken = _broken_prior(name_parts + middle)
    if broken:
        return _joined(broken[0]), {**values, "prior_2": broken[1], "prior_1": broken[2]}
    if on_value_line:
        name = "".join(squash(f.text) for f in row[: row.index(on_value_line[0])] if squash(f.text) not in trailers)
        return name, {**values, "prior_2": on_value_line[0].text, "prior_1": on_value_line[1].text}
    if (cells := _prior_text_cells(state, name_parts + middle)) is not None:
        return cells[0], {**values, "prior_2": cells[1], "prior_1": cells[2]}
    if _same_column(name_parts, middle):
        return name + _joined(middle), values  # 医疗费是否 / 按政策准 / 确、及时支 / 付到位
    groups = _width_groups(middle)
    if len(groups) >= 2:
        values = {**values, "prior_2": _joined(groups[0]), "prior_1": "".join(_joined(g) for g in groups[1:])}
    else:
        values = {**values, "prior_1": _joined(middle)}
    return _repeated_prior(name, values)


def _printed_once(target: str) -> str:
    """The same text printed in two columns (名称 cell's second paragraph) is read once."""
    flat = squash(target)
    half = len(flat) // 2
    if len(flat) >= REPEATED_TEXT_MIN_CHARS and len(flat) % 2 == 0 and flat[:half] == flat[half:]:
        return flat[:half]
    return target


def _prior_text_cells(state: TableState, parts: list[Fragment]) -> tuple[str, str | None, str] | None:
    """(name, 前年, 上年) of a row whose name and 前年 print in narrow columns and 上年 in a wide one,
    all as wrapped text before the value (PDF text: 持续深化 / 医保支付 / … / 督促区域内相关医 / …).

    Lines are narrow or wide by printed width. The narrow text is the name then 前年: it splits at a
    short line inside it, at narrow text the wide column prints again later (前年 and 上年 often
    say the same), at a name or text read before, or where another band of the row began (wide lines
    between). A narrow run with no such place is the name alone, 前年 left empty rather than guessed.
    Single characters left after the cells (平 / 平, 务) finish the cells still open."""
    texts = _line_texts(parts)
    if len(texts) < PRIOR_TEXT_MIN_LINES:
        return None
    widths = [display_width(t) for t in texts]
    wide = max(widths)
    narrow_full = max((w for w in widths if w <= wide * PRIOR_NARROW_SHARE), default=0)
    if wide < PRIOR_WIDE_MIN_WIDTH or narrow_full < PRIOR_NARROW_MIN_WIDTH:
        return None
    runs = _width_runs(texts, widths, narrow_full)
    wide_runs = [r for r in runs if r[0] == "W"]
    narrow_runs = [r for r in runs if r[0] == "N"]
    if not wide_runs or not narrow_runs or runs[0][0] != "N":
        return None
    wide_text = "".join(texts[i] for r in wide_runs for i in r[1])
    known = state.known_names | state.seen_texts
    cells = [
        cell for run in narrow_runs for cell in _narrow_cells(run[1], texts, widths, narrow_full, wide_text, known)
    ]
    if len(cells) > 2:
        return None
    texts_of = [[texts[i] for i in cell] for cell in cells]
    wide_cell = [texts[i] for r in wide_runs for i in r[1]]
    if not _place_leftovers(runs, texts, texts_of, wide_cell):
        return None
    name = "".join(texts_of[0])
    prior_2 = "".join(texts_of[1]) if len(texts_of) == 2 else None
    return name, prior_2, "".join(wide_cell)


def _line_texts(parts: list[Fragment]) -> list[str]:
    """The text of each line of the fragments; punctuation alone on a line (”) ends the line before it."""
    lines: list[list[str]] = []
    last_line = None
    for fragment in parts:
        if fragment.line == last_line:
            lines[-1].append(fragment.text)
        else:
            lines.append([fragment.text])
            last_line = fragment.line
    merged: list[str] = []
    for text in ("".join(squash(t) for t in line) for line in lines):
        if merged and text and all(not ("\u4e00" <= ch <= "\u9fff") and not ch.isalnum() for ch in text):
            merged[-1] += text
        else:
            merged.append(text)
    return merged


def _width_runs(texts: list[str], widths: list[int], narrow_full: int) -> list[list]:
    """Runs of narrow (N) and wide (W) lines, one-character lines (t) set aside with their position;
    a short narrow line closing a wide run (回医保账户, 浓厚宣传氛围) is that wide cell's last line."""
    kinds = [
        "t" if len(text) == 1 else ("W" if widths[i] > narrow_full + NARROW_SLACK else "N")
        for i, text in enumerate(texts)
    ]
    runs: list[list] = []  # [kind, [indexes]]
    for i, kind in enumerate(kinds):
        if kind == "t":
            runs.append(["t", [i]])
        elif runs and runs[-1][0] == kind:
            runs[-1][1].append(i)
        else:
            runs.append([kind, [i]])
    cleaned: list[list] = []
    for index, run in enumerate(runs):
        following = runs[index + 1][0] if index + 1 < len(runs) else None
        if run[0] == "N" and len(run[1]) == 1 and cleaned and cleaned[-1][0] == "W" and following in (None, "W", "t"):
            cleaned[-1][1].extend(run[1])
            continue
        cleaned.append(run)
    return cleaned


def _narrow_cells(
    indexes: list[int],
    texts: list[str],
    widths: list[int],
    narrow_full: int,
    wide_text: str,
    known: frozenset[str] | set[str],
) -> list[list[int]]:
    """A narrow run as the name and 前年: split at its one short line, else at the one place where
    前年 starts (see _prior_starts_at); no such single place, it is one cell."""
    short = [n for n, i in enumerate(indexes[:-1]) if widths[i] <= narrow_full * SHORT_LINE_SHARE]
    if len(short) == 1:
        return [indexes[: short[0] + 1], indexes[short[0] + 1 :]]
    cuts = [k for k in range(1, len(indexes)) if _prior_starts_at(k, indexes, texts, wide_text, known)]
    if len(cuts) == 1:
        return [indexes[: cuts[0]], indexes[cuts[0] :]]
    return [indexes]


def _prior_starts_at(
    k: int, indexes: list[int], texts: list[str], wide_text: str, known: frozenset[str] | set[str]
) -> bool:
    """前年 starts at line k of a narrow run: its text starts as the wide 上年 text does, or the
    text before it is a name read before, or the text from it is a text read before."""
    head = "".join(texts[i] for i in indexes[:k])
    tail = "".join(texts[i] for i in indexes[k:])
    common = 0
    while common < min(len(tail), len(wide_text)) and tail[common] == wide_text[common]:
        common += 1
    return common >= SHARED_TEXT_MIN_CHARS or head in known or (tail in known and len(tail) >= KNOWN_TEXT_MIN_CHARS)


def _place_leftovers(runs: list[list], texts: list[str], texts_of: list[list[str]], wide_cell: list[str]) -> bool:
    """One-character lines finish the cells still open (False: they fit none)."""
    leftovers = [texts[i] for r in runs if r[0] == "t" for i in r[1]]
    if not leftovers:
        return True
    wide_open = display_width(wide_cell[-1]) >= max(display_width(t) for t in wide_cell) - CHAR_SLACK
    positions = [i for r in runs if r[0] == "t" for i in r[1]]
    first_wide = min(i for r in runs if r[0] == "W" for i in r[1])
    if len(leftovers) == len(texts_of) and all(p < first_wide for p in positions):
        for cell, piece in zip(texts_of, leftovers):
            cell.append(piece)  # 化水 / 务水 … 平 / 平: one character left for each narrow cell
    elif len(leftovers) == 1 and wide_open and positions[0] > first_wide:
        wide_cell.append(leftovers[0])  # 结算服 … 务
    elif all(p < first_wide for p in positions) and len(leftovers) == 1:
        texts_of[-1].append(leftovers[0])  # 回医保账 / 户 before the wide column
    else:
        return False
    return True


def is_char_line(text: str) -> bool:
    """One character and its punctuation (明, 求，): a line of a column one character wide."""
    return len(re.sub(r"[，、。；：）（“”]", "", squash(text))) == 1


def _char_column_row(body: list[Fragment]) -> tuple[str, str, str, str | None] | None:
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
    single = [len(line) == 1 and is_char_line(t) for line, t in zip(lines, texts)]
    start = next(
        (i for i in range(len(texts) - CHAR_COLUMN_MIN_LINES + 1) if all(single[i : i + CHAR_COLUMN_MIN_LINES])), None
    )
    if start is None or start == 0:
        return None
    end = start
    while end < len(texts) and single[end]:
        end += 1
    name_widths = [display_width(t) for t in texts[:start]]
    if start >= 2 and name_widths[-1] >= max(name_widths) - NARROW_SLACK and end - start > CHAR_COLUMN_MIN_LINES:
        start += 1  # 民性的宣 / 传: the name's last character, its line still full before it
    name = "".join(texts[:start])
    prior_2 = "".join(texts[start:end])
    rest = texts[end:]
    if not rest:
        return None
    value = rest[-1] if is_target_like(rest[-1]) and lines[-1][0].line_tokens >= 1 else None
    if value is not None:
        return name, prior_2, "".join(rest[:-1]), value
    widths = [display_width(t) for t in rest]
    wide = max(widths)
    split = next((i for i in range(1, len(rest)) if all(w <= wide * TEXT_VALUE_SHARE for w in widths[i:])), None)
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
    widest = max(name_widths)
    return (
        len(name_widths) >= 2
        and widest - CHAR_SLACK <= max(widths) <= widest + NARROW_SLACK
        and min(name_widths) >= widest - CHAR_SLACK
    )


_BASIS_OPENERS = ("根据", "依据", "按照")
_OP_ALONE = re.compile(r"^[≥≤<>=＞＜]+$")


def _broken_prior(parts: list[Fragment]) -> tuple[list[Fragment], str, str] | None:
    """(name, 前年, 上年) when 前年 is a value broken over lines of its own (＞ / 60 / %, 100 / %) just
    before the line printing 上年 beside the target (＞80% ＞90% 上年数据)."""
    if len(parts) < 3 or parts[-1].line_tokens < 2 or not is_target_like(parts[-1].text):
        return None
    if len([f for f in parts if f.line == parts[-1].line]) != 1:
        return None
    index = len(parts) - 1
    pieces: list[Fragment] = []
    while (
        index > 0
        and parts[index - 1].line_tokens == 1
        and len(pieces) < BROKEN_VALUE_MAX_PIECES
        and (
            _OP_ALONE.match(squash(parts[index - 1].text))
            or PLAIN_NUMBER.match(squash(parts[index - 1].text))
            or re.fullmatch(r"[%％]", squash(parts[index - 1].text))
        )
    ):
        index -= 1
        pieces.insert(0, parts[index])
    text = "".join(squash(f.text) for f in pieces)
    if (
        len(pieces) < 2
        or not PLAIN_NUMBER.match(squash(pieces[0].text).lstrip("≥≤<>=＞＜"))
        and not _OP_ALONE.match(squash(pieces[0].text))
        or not is_target_like(text)
        or index == 0
    ):
        return None
    return parts[:index], text, parts[-1].text


def _priors_beside_value(row: list[Fragment], name_parts: list[Fragment], middle: list[Fragment]) -> list[Fragment]:
    """前年 and 上年 printed on the value's line (95% 95% 95% 上年数据): those two cells, else []."""
    values = [f for f in middle if f.line == middle[-1].line]
    if len(values) == 2 and all(is_target_like(f.text) for f in values) and values[0].first_on_line:
        return values
    return []


def _repeated_prior(name: str, values: dict[str, str | None]) -> tuple[str, dict[str, str | None]]:
    """前年 and 上年 printing the same text in columns as narrow as the name's: the text read twice
    at the end of name + priors is the two priors, what is before it the name."""
    full = name + (values.get("prior_2") or "") + (values.get("prior_1") or "")
    for size in range((len(full) - 2) // 2, 3, -1):
        tail = full[-size:]
        if full[-2 * size : -size] == tail:
            return full[: -2 * size], {**values, "prior_2": tail, "prior_1": tail}
    return name, values


def _split_name(parts: list[Fragment]) -> tuple[list[Fragment], list[Fragment]]:
    """Name fragments first, the value after: PDF columns wrap at a fixed width, so the
    name ends at its short last line (the first line followed by a longer one)."""
    if len(parts) <= 1:
        return parts, []
    if parts[0].line == parts[-1].line:
        return parts[:1], parts[1:]
    if (
        len(parts) >= 1 + WRAPPED_TEXT_MIN_LINES
        and one_cell(parts[1:])
        and len(squash(parts[0].text)) >= len(squash(parts[1].text)) + 2
    ):
        return parts[:1], parts[1:]  # a one-line name, then a narrower column's text wrapped over many lines
    widest = 0
    for index in range(len(parts) - 1):
        width = display_width(parts[index].text)
        widest = max(widest, width)
        following = display_width(parts[index + 1].text)
        if following > width + NARROW_SLACK or (width < widest - NARROW_SLACK and following >= width):
            return parts[: index + 1], parts[index + 1 :]
        if parts[index + 1].line == parts[index].line or (
            parts[index + 1].line_tokens >= 2 and is_target_like(parts[index + 1].text)
        ):
            return parts[: index + 1], parts[index + 1 :]  # (a value line 95% 95% … opens the next cell)
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
