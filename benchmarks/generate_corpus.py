"""A synthetic corpus for benchmarks: N documents, deterministic from a seed number.

Each document is a template (a seed text of raw/, or the text layer of a real PDF of
../shared/corpus) under another department and region, another fiscal year, other amounts and
another layout — with every identity of the template still holding:

* region: each level of the template's region (province, city, district) replaced everywhere by
  a generated name of the same level and suffix, unique per document, so department, region,
  year, stage and scope never collide (no document supersedes another) and the region is read
  from a generated document as it was from its template;
* year: every printed year shifted by the same offset (the 上年 comparisons shift with it);
* amounts: every printed amount multiplied by one small integer (sums of scaled rows are the
  scaled sums, exactly); templates printing whole-元 integers, or with reviewed inconsistencies
  (whose printed figures are listed by value), keep factor 1;
* layout: as printed (the templates' own: tab cells, PDF text with spaces, indicator tables with
  cells broken over lines, 元 tables with split codes), tabs as runs of spaces, the 万元 tables
  printed in 元 (×10000, exact), or in 元 with their codes split as shared/corpus prints them.

A scaled figure also scales the template's rounding differences (尾差), and so does printing it
in 元: a template whose expenditure tables print one keeps its amounts and its unit. A layout may
be one the parser reads less well: each (factor, layout) is tried once per template and kept only
if it adds no extraction error the template itself does not have and reads its performance
indicators the same, so the corpus measures speed, not new errors. A template whose text alone
reads with an unreviewed error (a PDF whose tables need the positions of its words) is left out:
its documents would all be held.

    .venv/bin/python benchmarks/generate_corpus.py --count 1000 --seed 7 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from budget_extraction.metadata import document_metadata  # noqa: E402
from budget_extraction.source import read_source  # noqa: E402
from budget_extraction.tables import find_tables  # noqa: E402

# Generated place names: characters of no organisation ending and no common word, so a generated
# name is read as a place exactly as the template's was. Each level draws from its own alphabet
# (no character in two of them), so no two regions of the corpus share a name.
PLACE_ALPHABETS = {
    "province": "晋冀豫湘赣闽粤桂滇黔蜀秦陇青辽吉",
    "city": "临云长丰瑞崇高永广泰建川峡原辰阳",
    "district": "东西南北中新安平和兴华康宁福昌江",
}
# A template's region split into its levels, each with the suffix it prints: 江苏省, 上海市 普陀区,
# 随州市 曾都区. A generated document keeps every level and suffix, under generated names.
REGION_LEVELS = re.compile(r"^(?P<province>.+?(?:省|自治区))?(?P<city>.+?市)?(?P<district>.+?[区县市])?$")
AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d.]*\s*%)")
YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*年)")
UNIT_WAN = re.compile(r"(单位\s*[:：]\s*)万元")
WHOLE_YUAN_ROW = re.compile(r"单位\s*[:：]\s*元")
LAYOUTS = ("printed", "spaces", "yuan", "yuan_split_codes")
# The layouts that print every amount as the template does (the others print it in 元).
AMOUNT_KEEPING_LAYOUTS = ("printed", "spaces")
AMOUNT_COLUMNS = ("amount_total", "amount_basic", "amount_project", "amount_personnel", "amount_public")
# A code printed whole at the start of a table row ("2010601\t行政运行", "30101\t基本工资"), and
# the split form of the 元 tables of shared/corpus ("201\t06\t01 行政运行", "301\t01\t基本工资").
WHOLE_CODE = re.compile(r"^(\d{3})(\d{2})(\d{2})?\t")
SCALE_FACTORS = (1, 3, 7)
YEAR_OFFSETS = (-2, -1, 0, 1, 2)


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    region: dict[str, str]  # level (province, city, district) -> the name the template prints
    reviewed: tuple[str, ...]  # rows of the reviewed list that name this template


def load_templates(raw_dir: Path, pdf_corpus: Path | None, reviewed_csv: Path) -> list[Template]:
    paths = sorted(raw_dir.glob("*.txt"))
    if pdf_corpus is not None and pdf_corpus.is_dir():
        paths += sorted(pdf_corpus.glob("*.pdf"))
    reviewed = [line for line in reviewed_csv.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    templates = []
    for path in paths:
        doc = read_source(path)
        meta = document_metadata(doc)
        if meta.department_name is None or meta.fiscal_year is None or meta.region is None:
            continue  # a part without identity of its own (e.g. a tables-only companion) is no template
        entries = tuple(line for line in reviewed if line.startswith(doc.document_id + ","))
        templates.append(Template(doc.document_id, "\n".join(doc.lines), region_levels(meta.region), entries))
    return templates


def region_levels(region: str) -> dict[str, str]:
    match = REGION_LEVELS.match(region)
    return {level: name for level, name in match.groupdict().items() if name} if match else {}


def place_name(index: int, level: str, length: int, unique: bool) -> str:
    """A place name of `length` characters (the digits of index in the level's alphabet); a unique
    one takes more characters when index needs them, so no two indexes share it."""
    alphabet = PLACE_ALPHABETS[level]
    chars = []
    while len(chars) < length or (unique and index):
        index, digit = divmod(index, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(chars)


def generated_region(template: Template, index: int) -> dict[str, str]:
    """The index-th document's name for each level of its template's region. Each keeps the
    suffix and the length of the printed name (a text may name its city by a two-character
    mention, 武汉市); the finest level is unique to the index, so the region is."""
    generated = {}
    finest = list(template.region)[-1]
    for level, printed in template.region.items():
        suffix = "自治区" if printed.endswith("自治区") else printed[-1]
        length = len(printed) - len(suffix)
        generated[level] = place_name(index, level, length, unique=level == finest) + suffix
    return generated


def scale_amounts(text: str, factor: int) -> str:
    if factor == 1:
        return text

    def scaled(match: re.Match) -> str:
        printed = match.group(1)
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        value = Decimal(printed.replace(",", "")) * factor
        body = f"{value:,.{decimals}f}" if "," in printed else f"{value:.{decimals}f}"
        return body

    return AMOUNT.sub(scaled, text)


def split_code(line: str) -> str:
    return WHOLE_CODE.sub(lambda m: f"{m[1]}\t{m[2]}\t" + (f"{m[3]} " if m[3] else ""), line, count=1)


def to_yuan_tables(text: str, name: str, split_codes: bool = False) -> str:
    """The 万元 tables printed in 元: their unit line and every amount inside them, ×10000 exactly;
    with split_codes, their codes printed split as well."""
    from budget_extraction.source import source_from_text

    lines = text.split("\n")
    doc = source_from_text(text, f"{name}.txt")
    for block in find_tables(doc):
        if block.unit != "万元":
            continue
        for number in range(block.start_line, block.end_line + 1):
            line = UNIT_WAN.sub(r"\1元", lines[number - 1])
            line = AMOUNT.sub(lambda m: f"{Decimal(m.group(1).replace(',', '')) * 10000:.2f}", line)
            lines[number - 1] = split_code(line) if split_codes else line
    return "\n".join(lines)


def render(template: Template, index: int, offset: int, factor: int, layout: str) -> str:
    """The template under the index-th generated region, its years shifted, amounts scaled, in a layout."""
    text = template.text
    for level, name in generated_region(template, index).items():
        text = text.replace(template.region[level], name)
    text = YEAR.sub(lambda m: str(int(m.group(1)) + offset), text)
    text = scale_amounts(text, factor)
    if layout == "spaces":
        text = text.replace("\t", "  ")
    elif layout == "yuan":
        text = to_yuan_tables(text, template.name)
    elif layout == "yuan_split_codes":
        text = to_yuan_tables(text, template.name, split_codes=True)
    return text


def _extract(text: str, name: str):
    from budget_extraction import extract_document
    from budget_extraction.source import BadInputError, source_from_text

    try:
        return extract_document(source_from_text(text, f"{name}.txt"))
    except BadInputError:
        return None


def _error_checks(extraction) -> Counter:
    if extraction is None:
        return Counter({"refused": 1})
    return Counter(f.check for f in extraction.findings if f.severity == "error")


def _indicator_reading(extraction) -> list[tuple]:
    """How the performance indicators were read (levels and names): a layout must not change it."""
    lines = extraction.indicator_lines if extraction else []
    return [(line.indicator_l1, line.indicator_l2, line.indicator_name) for line in lines]


def _differs(printed, parts: list, column: str) -> bool:
    amounts = [getattr(part, column) for part in parts]
    if getattr(printed, column) is None or any(amount is None for amount in amounts):
        return False
    return getattr(printed, column) != sum(amounts)


def prints_rounding_differences(extraction) -> bool:
    """Whether an expenditure table prints a parent, a 合计 or a 基本+项目 sum that differs from its
    parts (a 尾差 the identities accept within the rounding tolerance of the printed unit): scaled,
    or printed in 元, the same difference would pass the tolerance and become an error."""
    tables: dict[tuple, list] = {}
    for line in extraction.expenditure_lines if extraction else []:
        tables.setdefault((line.table_kind, line.source_table), []).append(line)
    for rows in tables.values():
        coded = {r.subject_code: r for r in rows if r.row_kind == "subject" and r.subject_code}
        groups = [
            (r, [coded[c] for c in coded if len(c) == len(code) + 2 and c.startswith(code)])
            for code, r in coded.items()
        ]
        groups += [(r, [coded[c] for c in coded if len(c) == 3]) for r in rows if r.row_kind == "total"]
        for printed, parts in groups:
            if parts and any(_differs(printed, parts, column) for column in AMOUNT_COLUMNS):
                return True
        for r in rows:
            if None not in (r.amount_total, r.amount_basic, r.amount_project):
                if r.amount_basic + r.amount_project != r.amount_total:
                    return True
    return False


def allowed_variants(template: Template) -> list[tuple[int, str]]:
    """The (factor, layout) pairs that add no error to the template's own (see the module doc);
    none for a template whose text reads with an error the reviewed list does not name."""
    extraction = _extract(template.text, template.name)
    reviewed_checks = {row.split(",")[1] for row in template.reviewed}
    if set(_error_checks(extraction)) - reviewed_checks:
        return []
    exact = not (WHOLE_YUAN_ROW.search(template.text) or template.reviewed or prints_rounding_differences(extraction))
    factors = SCALE_FACTORS if exact else (1,)
    layouts = LAYOUTS if exact else AMOUNT_KEEPING_LAYOUTS
    own, reading = _error_checks(extraction), _indicator_reading(extraction)
    allowed = [(1, "printed")]
    for factor in factors:
        for layout in layouts:
            if (factor, layout) == (1, "printed"):
                continue
            variant = _extract(render(template, 0, 0, factor, layout), template.name)
            if not _error_checks(variant) - own and _indicator_reading(variant) == reading:
                allowed.append((factor, layout))
    return allowed


def generate(out: Path, count: int, seed: int, raw_dir: Path, pdf_corpus: Path | None, reviewed_csv: Path) -> Path:
    """Write count documents into out/raw and the reviewed list that covers them; return the list's path."""
    templates = load_templates(raw_dir, pdf_corpus, reviewed_csv)
    if not templates:
        raise SystemExit(f"no template documents in {raw_dir}")
    rng = random.Random(seed)
    variants = {template.name: allowed_variants(template) for template in templates}
    templates = [template for template in templates if variants[template.name]]
    (out / "raw").mkdir(parents=True, exist_ok=True)
    header = [
        line
        for line in reviewed_csv.read_text("utf-8").splitlines()
        if line.startswith("#") or line.startswith("document_id,")
    ]
    reviewed_rows = []
    for index in range(count):
        template = templates[index % len(templates)]
        factor, layout = rng.choice(variants[template.name])
        text = render(template, index, rng.choice(YEAR_OFFSETS), factor, layout)
        document_id = f"gen{seed}_{index:05d}"
        (out / "raw" / f"{document_id}.txt").write_text(text, "utf-8")
        reviewed_rows += [document_id + row[len(template.name) :] for row in template.reviewed]
    reviewed = out / "reviewed.csv"
    reviewed.write_text("\n".join(header + reviewed_rows) + "\n", "utf-8")
    return reviewed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, required=True, help="folder: documents go to OUT/raw, the list to OUT/reviewed.csv"
    )
    parser.add_argument("--raw-dir", type=Path, default=REPO / "raw", help="template texts (default: raw/)")
    parser.add_argument(
        "--pdf-corpus",
        type=Path,
        default=REPO.parent / "shared" / "corpus",
        help="real PDFs whose text layers are templates too (skipped if absent)",
    )
    parser.add_argument("--reviewed", type=Path, default=REPO / "expectations" / "known_source_inconsistencies.csv")
    args = parser.parse_args()
    reviewed = generate(args.out, args.count, args.seed, args.raw_dir, args.pdf_corpus, args.reviewed)
    print(f"{args.count} documents in {args.out / 'raw'}; reviewed list {reviewed}")


if __name__ == "__main__":
    main()
