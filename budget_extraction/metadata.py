"""Who published a document, for which year, at which stage and scope.

The cover line is the best witness ("武汉市青山区医疗保障局（汇总） 2026 年部门预算公开"),
but not every document prints one, so each fact is voted on by every
sentence of the document that states it, the cover and section titles first.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .source import SourceDocument

_CJK = "\u4e00-\u9fff"
_ORG_END = "局|委员会|委|办公室|办|中心|院|所|厅|部|会|馆|站|队|处|校|园|社|署|室|团|府"
_SUFFIX = r"[（(]?\s*(?:汇总|本级|部门汇总|单位汇总)\s*[）)]?"
# "<name>（汇总） 2026 年部门预算", "<name>本级2024年部门预算表", "<name>（汇总） 2024 年度部门决算"
_TITLE = re.compile(
    rf"(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))\s*(?P<suffix>{_SUFFIX})?\s*(?P<year>20\d\d)\s*年度?\s*部门\s*(?P<stage>预算|决算)"
)
# "2024年武汉市江汉区教育局部门预算": the year printed before the name.
_TITLE_YEAR_FIRST = re.compile(
    rf"(?P<year>20\d\d)\s*年度?\s*(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))\s*(?P<suffix>{_SUFFIX})?\s*(?:部门|单位)?\s*(?P<stage>预算|决算)"
)
_YEAR_STAGE = re.compile(r"(?P<year>20\d\d)\s*年度?\s*部门\s*(?P<stage>预算|决算)")
_NAMED = [
    re.compile(rf"单位名称\s*[：:]?\s*(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))(?P<suffix>{_SUFFIX})?"),
    re.compile(rf"部门\s*[/／]?\s*(?:单位)?\s*[：:]\s*(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))(?P<suffix>{_SUFFIX})?"),
    re.compile(rf"^(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))(?P<suffix>{_SUFFIX})?共有编制"),
]
_PART_PREFIX = re.compile(r"^.*?第[一二三四五六七八九十]+部分\s*")
_REGION = re.compile(rf"^(?P<region>(?:[{_CJK}]{{2,7}}?(?:省|自治区))?(?:[{_CJK}]{{2,5}}?(?:市|州|盟|地区))?[{_CJK}]{{1,6}}?(?:区|县|旗|市))")
_CITY_MENTION = re.compile(rf"(?P<city>[{_CJK}]{{2}}市)(?![场值级民长委政属县区直])")
_NOT_A_CITY_START = set("城本全各省该县区我此超上都门股夜集早午晚街闹坊")
# Common words that end right before a 市 meaning "the city's" ("根据市医保局…").
_NOT_A_CITY_WORD = {"根据", "按照", "依据", "建立", "全面", "推动", "直辖", "设区", "地级", "县级", "所在", "其他", "报送", "经过", "通过", "配合", "落实", "完成", "执行", "参照", "由于", "为了", "对于", "关于", "联系"}


@dataclass(frozen=True)
class DocumentMeta:
    department_name: str | None
    region: str | None
    fiscal_year: int | None
    stage: str | None  # budget | final
    scope: str | None  # consolidated | entity


def _stage(word: str) -> str:
    return "final" if word == "决算" else "budget"


def _strip_part(line: str) -> str:
    return _PART_PREFIX.sub("", line.strip())


def _vote(counter: Counter):
    return counter.most_common(1)[0][0] if counter else None


def _region_of(name: str) -> str | None:
    match = _REGION.match(name)
    if not match:
        return None
    region = match.group("region")
    # "医疗保障局" alone has no place in it; a region must leave something for the organisation.
    return region if len(region) < len(name) else None


def _city_for(region: str, doc: SourceDocument) -> str | None:
    """A district printed without its city: find the city the document names beside it."""
    text = "\n".join(doc.lines)
    # Only where the city starts a phrase: "随州市曾都区…", not "…推动建立市江汉区…".
    beside = re.search(rf"(?:^|[^{_CJK}]|省)([{_CJK}]{{2,3}}?市){re.escape(region)}", text, re.M)
    if beside:
        return beside.group(1)
    cities = Counter()
    for match in _CITY_MENTION.finditer(text):
        city = match.group("city")
        if city[0] in _NOT_A_CITY_START or city[:2] in _NOT_A_CITY_WORD or city == region:
            continue
        cities[city] += 1
    best = cities.most_common(1)
    return best[0][0] if best and best[0][1] >= 2 else None


def document_metadata(doc: SourceDocument) -> DocumentMeta:
    names: Counter = Counter()
    years: Counter = Counter()
    stages: Counter = Counter()
    suffixes: Counter = Counter()
    for number, line in doc.numbered():
        compact = _strip_part(line)
        weight = 5 if number <= 20 else 2
        for match in _TITLE_YEAR_FIRST.finditer(compact):
            years[int(match.group("year"))] += weight
            stages[_stage(match.group("stage"))] += weight
        for match in [*_TITLE.finditer(compact), *_TITLE_YEAR_FIRST.finditer(compact)]:
            names[match.group("name")] += weight
            if match.group("suffix"):
                suffixes[re.sub(r"[（()）\s]", "", match.group("suffix"))] += weight
        for match in _YEAR_STAGE.finditer(compact):
            years[int(match.group("year"))] += weight
            stages[_stage(match.group("stage"))] += weight
        for pattern in _NAMED:
            for match in pattern.finditer(compact):
                names[match.group("name")] += 1
                if match.group("suffix"):
                    suffixes[re.sub(r"[（()）\s]", "", match.group("suffix"))] += 1
    name = _vote(names)
    region = _region_of(name) if name else None
    if region and not re.search("市|州|盟|地区", region[:-1]):
        city = _city_for(region, doc)
        if city:
            region = city + region
    return DocumentMeta(
        department_name=name,
        region=region,
        fiscal_year=_vote(years),
        stage=_vote(stages),
        scope=_scope(doc, suffixes),
    )


_NO_SUBORDINATES = re.compile(r"下属\s*0\s*(?:个|家)|无二级预算单位|无下属")
_SUBORDINATES = re.compile(r"下属\s*[1-9]\d*\s*(?:个|家)")


def _scope(doc: SourceDocument, suffixes: Counter) -> str | None:
    """汇总 -> consolidated, 本级 -> entity; unprinted, a department with no subordinate units is one entity."""
    if suffixes:
        return "entity" if _vote(suffixes) == "本级" else "consolidated"
    text = "\n".join(doc.lines[:400])
    if _NO_SUBORDINATES.search(text):
        return "entity"
    if _SUBORDINATES.search(text):
        return "consolidated"
    return None
