"""A synthetic corpus for benchmarks: N documents, deterministic from a seed number.

Each document is a template (a seed text of raw/, or the text layer of a real PDF of
../shared/corpus) under another department and region, another fiscal year, other amounts and
another layout — with every identity of the template still holding:

* region: the template's city and district replaced everywhere by generated names, unique per
  document, so department, region, year, stage and scope never collide (no document supersedes
  another);
* year: every printed year shifted by the same offset (the 上年 comparisons shift with it);
* amounts: every printed amount multiplied by one small integer (sums of scaled rows are the
  scaled sums, exactly); templates printing whole-元 integers, or with reviewed inconsistencies
  (whose printed figures are listed by value), keep factor 1;
* layout: as printed, tabs as runs of spaces, or the 万元 tables printed in 元 (×10000, exact).

A scaled figure also scales the template's rounding differences (尾差), and a layout may be one
the parser reads less well: each (factor, layout) is tried once per template and kept only if it
adds no error the template itself does not have, so the corpus measures speed, not new errors.

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

CITIES = (
    "临江市",
    "安平市",
    "青州市",
    "云阳市",
    "长宁市",
    "南川市",
    "北辰市",
    "东原市",
    "西峡市",
    "和平市",
    "永安市",
    "广德市",
    "宁远市",
    "泰和市",
    "兴国市",
    "瑞金市",
    "建宁市",
    "崇安市",
    "丰城市",
    "高安市",
)
DISTRICT_CHARS = "东西南北中新安平和兴华康宁泰福昌"
AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d.]*\s*%)")
YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*年)")
UNIT_WAN = re.compile(r"(单位\s*[:：]\s*)万元")
WHOLE_YUAN_ROW = re.compile(r"单位\s*[:：]\s*元")
LAYOUTS = ("printed", "spaces", "yuan")
SCALE_FACTORS = (1, 3, 7)
YEAR_OFFSETS = (-2, -1, 0, 1, 2)


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    city: str | None
    district: str | None
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
        if meta.department_name is None or meta.fiscal_year is None:
            continue  # a part without identity of its own (e.g. a tables-only companion) is no template
        city, district = _split_region(meta.region)
        entries = tuple(line for line in reviewed if line.startswith(doc.document_id + ","))
        templates.append(Template(doc.document_id, "\n".join(doc.lines), city, district, entries))
    return templates


def _split_region(region: str | None) -> tuple[str | None, str | None]:
    if not region:
        return None, None
    match = re.match(r"^(.+?[省市])?(.+?[区县市])?$", region)
    if not match:
        return None, None
    return match.group(1), match.group(2)


def district_name(index: int) -> str:
    """A district name unique for every index (three characters of a 16-character alphabet, then 区)."""
    base = len(DISTRICT_CHARS)
    chars = []
    for _ in range(3):
        index, digit = divmod(index, base)
        chars.append(DISTRICT_CHARS[digit])
    return "".join(chars) + ("区" if index == 0 else f"{index}区")


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


def to_yuan_tables(text: str, name: str) -> str:
    """The 万元 tables printed in 元: their unit line and every amount inside them, ×10000 exactly."""
    from budget_extraction.source import source_from_text

    lines = text.split("\n")
    doc = source_from_text(text, f"{name}.txt")
    for block in find_tables(doc):
        if block.unit != "万元":
            continue
        for number in range(block.start_line, block.end_line + 1):
            line = UNIT_WAN.sub(r"\1元", lines[number - 1])
            lines[number - 1] = AMOUNT.sub(lambda m: f"{Decimal(m.group(1).replace(',', '')) * 10000:.2f}", line)
    return "\n".join(lines)


def render(template: Template, index: int, offset: int, factor: int, layout: str) -> str:
    """The template under the index-th generated region, its years shifted, amounts scaled, in a layout."""
    text = template.text
    if template.district:
        text = text.replace(template.district, district_name(index))
    if template.city:
        text = text.replace(template.city, CITIES[index % len(CITIES)])
    text = YEAR.sub(lambda m: str(int(m.group(1)) + offset), text)
    text = scale_amounts(text, factor)
    if layout == "spaces":
        text = text.replace("\t", "  ")
    elif layout == "yuan":
        text = to_yuan_tables(text, template.name)
    return text


def _error_checks(text: str, name: str) -> Counter:
    from budget_extraction import extract_document
    from budget_extraction.source import BadInputError, source_from_text

    try:
        findings = extract_document(source_from_text(text, f"{name}.txt")).findings
    except BadInputError:
        return Counter({"refused": 1})
    return Counter(f.check for f in findings if f.severity == "error")


def allowed_variants(template: Template) -> list[tuple[int, str]]:
    """The (factor, layout) pairs that add no error to the template's own (see the module doc)."""
    factors = (1,) if WHOLE_YUAN_ROW.search(template.text) or template.reviewed else SCALE_FACTORS
    own = _error_checks(template.text, template.name)
    allowed = [(1, "printed")]
    for factor in factors:
        for layout in LAYOUTS:
            if (factor, layout) == (1, "printed"):
                continue
            errors = _error_checks(render(template, 0, 0, factor, layout), template.name)
            if not errors - own:
                allowed.append((factor, layout))
    return allowed


def generate(out: Path, count: int, seed: int, raw_dir: Path, pdf_corpus: Path | None, reviewed_csv: Path) -> Path:
    """Write count documents into out/raw and the reviewed list that covers them; return the list's path."""
    templates = load_templates(raw_dir, pdf_corpus, reviewed_csv)
    if not templates:
        raise SystemExit(f"no template documents in {raw_dir}")
    rng = random.Random(seed)
    variants = {template.name: allowed_variants(template) for template in templates}
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
