"""Who published a document, for which year, at which stage and scope.

The cover is the best witness ("武汉市青山区医疗保障局（汇总） 2026 年部门预算公开",
"预算主管部门：上海市普陀区人民政府万里街道办事处"), but not every document prints one (a scanned
cover, a tables part printed alone), so each fact is voted on by every sentence of the document
that states it: the cover and section titles first, then the 编制部门/部门 line of every table.
Everything is read in one pass over the lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .source import SourceDocument

_CJK = "\u4e00-\u9fff"
_ORG_END = "局|委员会|委|办公室|办|中心|院|所|厅|部|会|馆|站|队|处|校|园|社|署|室|团|府"
_SUFFIX = r"[（(]?\s*(?:汇总|本级|部门汇总|单位汇总)\s*[）)]?"
# The level a regional cover names before the document kind: "上海市普陀区2025年区级部门预算".
_LEVEL = r"(?:省级|市级|区级|县级|州级)?"
# "<name>（汇总） 2026 年部门预算", "<name>本级2024年部门预算表", "<name>（汇总） 2024 年度部门决算",
# "<name> 2018 年度预算表" (a title that leaves out 部门), "<name>2025年单位预算".
_TITLE = re.compile(
    rf"(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))\s*(?P<suffix>{_SUFFIX})?\s*(?P<year>20\d\d)\s*年度?\s*"
    rf"(?P<kind>部门|单位)?\s*(?P<stage>预算|决算)"
)
# "2024年武汉市江汉区教育局部门预算": the year printed before the name.
_TITLE_YEAR_FIRST = re.compile(
    rf"(?P<year>20\d\d)\s*年度?\s*(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))\s*(?P<suffix>{_SUFFIX})?\s*"
    rf"(?P<kind>部门|单位)?\s*(?P<stage>预算|决算)"
)
# "2025年部门预算", "2025年区级单位预算", "2018年度部门汇总预算", "2025年预算单位财务收支预算总表".
_YEAR_STAGE = re.compile(
    rf"(?P<year>20\d\d)\s*年度?\s*{_LEVEL}\s*(?:(?P<kind>部门|单位)\s*(?:汇总)?\s*(?P<stage>预算|决算)"
    rf"|(?P<unit_stage>预算|决算)单位)"
)
# A table title with its year and nothing else to say who: "2017年政府采购预算表".
_YEAR_TABLE = re.compile(rf"(?P<year>20\d\d)\s*年度?[{_CJK}“”\"、]{{0,24}}?(?P<stage>预算|决算)(?:总)?表")
# A cover or table header that labels the publisher: "预算主管部门：…", "编制部门：…", "编制单位：…",
# "部门：…", "部门名称：…", "单位名称：…", "部门/单位：…". The label says which kind of document it is.
_LABEL_WORDS = (
    "预算主管部门",
    "主管部门",
    "编制部门",
    "编制单位",
    "预算单位",
    "部门名称",
    "单位名称",
    "部门/单位",
    "部门",
)
# A label may be printed spaced out ("部 门:") and 部门/单位 with either slash or none.
_LABEL = re.compile(
    "(?P<label>" + "|".join(r"\s*".join("[/／]?" if c == "/" else c for c in word) for word in _LABEL_WORDS) + ")"
    r"\s*[：:]\s*(?P<cell>\S+)"
)
# 部门/单位 says neither.
_CONSOLIDATED_LABELS = {"预算主管部门", "主管部门", "编制部门", "部门名称", "部门"}
_ENTITY_LABELS = {"编制单位", "预算单位", "单位名称"}
# The name at the start of a labelled cell, with its 汇总/本级 suffix; the cell ends where the
# characters stop being a name ("…办公厅	单位：万元", "…局（汇总）"). A cell that runs on into
# 印制 is a printer's imprint ("江苏省财政厅印制"), not the publisher: it does not end as a name.
_CELL_NAME = re.compile(rf"(?P<name>[{_CJK}]{{2,40}}?)\s*(?P<suffix>{_SUFFIX})?(?![{_CJK}])")
_AMOUNT_UNIT_LABEL = re.compile(r"(?:金额)?单位\s*[：:]")
_ORG_NAME = re.compile(rf"(?:{_ORG_END})$")
_STAFFING = re.compile(rf"^(?P<name>[{_CJK}]{{2,30}}?(?:{_ORG_END}))(?P<suffix>{_SUFFIX})?共有编制")
_PART_PREFIX = re.compile(r"^.*?第[一二三四五六七八九十]+部分\s*")
# The narrative sections of the template (说明): a document printing none of them is tables only.
# A heading is short and prints no amount (a project row "…职责履行经费	12.00" is not a heading).
_NARRATIVE_SECTION = re.compile(
    r"主要职能|主要职责|部门职责|单位职责|部门概况|单位概况|机构设置|名词解释|编制说明|情况说明|公开说明"
)
_AMOUNT = re.compile(r"\d\.\d|\d,\d{3}")
# Every vote read below needs one of these words in its line (a stage word for titles and year
# phrases, a colon for labels, the staffing sentence, a narrative section): a line printing none
# of them is skipped with one search instead of being read by each reader in turn.
_VOTING_WORD = re.compile("预算|决算|：|:|共有编制|" + _NARRATIVE_SECTION.pattern)
NARRATIVE_HEADING_CHARS = 40
# Title lines count more near the top of the document (the cover and the table of contents).
COVER_LINES = 20
COVER_WEIGHT = 5
TITLE_WEIGHT = 2
# A cover title is often printed over several short lines ("江苏省人民检察院" / "2017年部门预算",
# "2018年度江苏省高级" / "人民法院预算公开"): the lines before 目录, at most this many, are also
# read joined.
COVER_JOIN_LINES = 8
# A party organ's printed short forms: 中共… is 中国共产党…, and <place>省委/市委/区委/县委 is that
# place's 委员会 of the party ("中共江苏省委办公厅" = "中国共产党江苏省委员会办公厅").
_PARTY = "中国共产党"
_PARTY_SHORT = re.compile(r"^中共")
_PARTY_PREFIX = re.compile(rf"^(?:{_PARTY}|中共)")
_PARTY_COMMITTEE = re.compile(rf"^(?:{_PARTY})?(?P<place>[{_CJK}]{{2,12}}?(?:省|市|区|县))委(?!员会)")
# A region is the government level that publishes: a province (江苏省), a city (上海市), a district
# or county (上海市普陀区, 曾都区). A place name holds none of the characters organisations end with,
# and 城市 ("江苏省城市管理局") is a word, not a place.
_PLACE_CHAR = rf"(?:(?![局委办院所厅部会府处室心馆站队校社署团])[{_CJK}])"
_PLACE_START = r"(?!城市)"
_REGION = re.compile(
    rf"^(?P<province>{_PLACE_CHAR}{{2,7}}?(?:省|自治区))?"
    rf"(?P<city>{_PLACE_START}{_PLACE_CHAR}{{2,6}}?市|{_PLACE_CHAR}{{2,6}}?(?:自治州|州|盟|地区)(?!市))?"
    rf"(?P<district>{_PLACE_START}{_PLACE_CHAR}{{1,6}}?(?:区|县|旗|市))?"
)
_CITY_MENTION = re.compile(rf"(?P<city>[{_CJK}]{{2}}市)(?![场值级民长委政属县区直])")
_NOT_A_CITY_START = set("城本全各省该县区我此超上都门股夜集早午晚街闹坊")
# Common words that end right before a 市 meaning "the city's" ("根据市医保局…").
_NOT_A_CITY_WORD = {
    "根据",
    "按照",
    "依据",
    "建立",
    "全面",
    "推动",
    "直辖",
    "设区",
    "地级",
    "县级",
    "所在",
    "其他",
    "报送",
    "经过",
    "通过",
    "配合",
    "落实",
    "完成",
    "执行",
    "参照",
    "由于",
    "为了",
    "对于",
    "关于",
    "联系",
}


@dataclass(frozen=True)
class DocumentMeta:
    department_name: str | None
    region: str | None
    fiscal_year: int | None
    stage: str | None  # budget | final
    scope: str | None  # consolidated | entity
    has_narrative: bool = False  # prints the template's narrative sections (主要职能, 名词解释, …)
    # Every spelling of the department the document prints (中共江苏省委办公厅, 省委办公厅, …)
    printed_names: tuple[str, ...] = ()


@dataclass
class _Votes:
    names: Counter
    years: Counter
    stages: Counter
    suffixes: Counter
    declared_scopes: Counter  # what labels and 单位预算 titles say the document is
    department_titles: int = 0  # titles naming a 部门预算/部门决算
    narrative_sections: int = 0


def _stage(word: str) -> str:
    return "final" if word == "决算" else "budget"


def _strip_part(line: str) -> str:
    if "部分" not in line:
        return line.strip()  # no 第…部分 prefix to strip
    return _PART_PREFIX.sub("", line.strip())


def _vote(counter: Counter):
    return counter.most_common(1)[0][0] if counter else None


def _suffix_word(suffix: str) -> str:
    return re.sub(r"[（()）\s]", "", suffix)


def canonical_department(name: str) -> str:
    """One form per department: a party organ's short forms written out (中共江苏省委办公厅 ->
    中国共产党江苏省委员会办公厅), so its documents of every year and part carry one name."""
    name = _PARTY_SHORT.sub(_PARTY, name)
    committee = _PARTY_COMMITTEE.match(name)
    if committee:
        name = f"{_PARTY}{committee.group('place')}委员会{name[committee.end() :]}"
    return name


def region_of(name: str) -> str | None:
    """The place a department's name starts with (江苏省, 上海市普陀区, 曾都区), if it leaves an organisation."""
    place = _PARTY_PREFIX.sub("", name)
    match = _REGION.match(place)
    region = match.group(0) if match else ""
    # "医疗保障局" alone has no place in it; a region must leave something for the organisation.
    return region if region and len(region) < len(place) else None


def _is_bare_district(region: str) -> bool:
    match = _REGION.match(region)
    return bool(match and not match.group("province") and not match.group("city"))


def _city_for(region: str, doc: SourceDocument) -> str | None:
    """A district printed without its city: find the city the document names beside it."""
    text = "\n".join(doc.lines)
    # Only where the city starts a phrase: "随州市曾都区…", not "…推动建立市江汉区…".
    beside = re.search(rf"(?:^|[^{_CJK}]|省)([{_CJK}]{{2,3}}?市){re.escape(region)}", text, re.MULTILINE)
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


def _names_a_stage(text: str) -> bool:
    """Every title and year phrase read here names its stage (预算 or 决算): other text is skipped unread."""
    return "预算" in text or "决算" in text


def _read_titles(text: str, weight: int, votes: _Votes) -> None:
    """Cover and section titles: the name, year, stage and kind they print."""
    if not _names_a_stage(text) or "20" not in text:
        return  # every title read here prints its stage and its year (20xx)
    for match in _TITLE_YEAR_FIRST.finditer(text):
        votes.years[int(match.group("year"))] += weight
        votes.stages[_stage(match.group("stage"))] += weight
    for match in _TITLE.finditer(text):
        # "<name> 2018 年度预算表": the year and stage of a title without 部门/单位 (with them, the
        # title is counted below with the other "2025年部门预算" phrases).
        if not match.group("kind"):
            votes.years[int(match.group("year"))] += weight
            votes.stages[_stage(match.group("stage"))] += weight
    for match in [*_TITLE.finditer(text), *_TITLE_YEAR_FIRST.finditer(text)]:
        votes.names[match.group("name")] += weight
        if match.group("suffix"):
            votes.suffixes[_suffix_word(match.group("suffix"))] += weight
        if match.group("kind") == "单位":
            votes.declared_scopes["entity"] += weight
    for match in _YEAR_STAGE.finditer(text):
        votes.years[int(match.group("year"))] += weight
        if match.group("unit_stage"):
            votes.stages[_stage(match.group("unit_stage"))] += weight
            votes.declared_scopes["entity"] += weight
            continue
        votes.stages[_stage(match.group("stage"))] += weight
        if match.group("kind") == "单位":
            votes.declared_scopes["entity"] += weight
        else:
            votes.department_titles += 1


def _read_labels(text: str, votes: _Votes) -> None:
    """ "编制部门：<name>" and the like: the publisher as the cover or a table header labels it."""
    if "：" not in text and ":" not in text:
        return  # a label is followed by its colon
    for match in _LABEL.finditer(text):
        cell = _AMOUNT_UNIT_LABEL.split(match.group("cell"))[0]
        named = _CELL_NAME.match(cell)
        if not named or not _ORG_NAME.search(named.group("name")):
            continue
        votes.names[named.group("name")] += 1
        if named.group("suffix"):
            votes.suffixes[_suffix_word(named.group("suffix"))] += 1
        label = re.sub(r"[\s/／]", "", match.group("label"))
        if label in _CONSOLIDATED_LABELS:
            votes.declared_scopes["consolidated"] += 1
        elif label in _ENTITY_LABELS:
            votes.declared_scopes["entity"] += 1


def _read_staffing(text: str, votes: _Votes) -> None:
    """ "<name>共有编制…": the staffing sentence names the publisher."""
    if "共有编制" not in text:
        return
    for match in _STAFFING.finditer(text):
        votes.names[match.group("name")] += 1
        if match.group("suffix"):
            votes.suffixes[_suffix_word(match.group("suffix"))] += 1


def _read_table_year(text: str, votes: _Votes) -> None:
    """ "2017年政府采购预算表": a table title's year and stage."""
    if not _names_a_stage(text) or "20" not in text:
        return
    for match in _YEAR_TABLE.finditer(text):
        votes.years[int(match.group("year"))] += 1
        votes.stages[_stage(match.group("stage"))] += 1


def _cover(doc: SourceDocument) -> str:
    """The cover's lines joined, so a title printed over several lines reads as one."""
    cover = []
    for _, line in doc.numbered(1, COVER_JOIN_LINES):
        if re.sub(r"\s", "", line).lstrip("#") == "目录":
            return "".join(cover)
        cover.append(line.strip())
    return ""


def is_short_form(short: str, fuller: str) -> bool:
    """A name printed without its place ("省委办公厅", "江汉区医疗保障局") is a short form of one printed
    with it ("江苏省委办公厅"): the fuller name is the short one behind a region, nothing else."""
    if len(fuller) <= len(short) or not fuller.endswith(short):
        return False
    prefix = _PARTY_PREFIX.sub("", fuller[: -len(short)])
    region = region_of(fuller)
    return region is not None and region in (prefix, prefix + short[0])


def _department(names: Counter) -> tuple[str | None, tuple[str, ...]]:
    """The fullest printed name (a short form votes for its fuller form; a party organ's short
    forms are written out), and every spelling printed that voted for it, most votes first."""
    by_ending: dict[str, list[str]] = {}
    for name in names:
        for start in range(1, len(name) - 1):
            by_ending.setdefault(name[start:], []).append(name)
    totals: Counter = Counter()
    target_of: dict[str, str] = {}
    for name, votes in names.items():
        fuller = [other for other in by_ending.get(name, ()) if is_short_form(name, other)]
        target = max(fuller, key=lambda other: (len(other), names[other])) if fuller else name
        target_of[name] = canonical_department(target)
        totals[target_of[name]] += votes
    winner = _vote(totals)
    printed = sorted((name for name in names if target_of[name] == winner), key=lambda name: (-names[name], name))
    return winner, tuple(printed)


def _is_narrative_heading(line: str) -> bool:
    return (
        len(line) <= NARRATIVE_HEADING_CHARS
        and _NARRATIVE_SECTION.search(line) is not None
        and _AMOUNT.search(line) is None
    )


def document_metadata(doc: SourceDocument) -> DocumentMeta:
    votes = _Votes(Counter(), Counter(), Counter(), Counter(), Counter())
    cover = _cover(doc)
    if cover:
        _read_titles(cover, COVER_WEIGHT, votes)
    for number, line in enumerate(doc.lines, 1):
        if _VOTING_WORD.search(line) is None:
            continue
        compact = _strip_part(line)
        _read_titles(compact, COVER_WEIGHT if number <= COVER_LINES else TITLE_WEIGHT, votes)
        _read_labels(compact, votes)
        _read_staffing(compact, votes)
        _read_table_year(compact, votes)
        if _is_narrative_heading(compact):
            votes.narrative_sections += 1
    name, printed_names = _department(votes.names)
    region = region_of(name) if name else None
    if region and _is_bare_district(region):
        city = _city_for(region, doc)
        if city:
            region = city + region
    return DocumentMeta(
        department_name=name,
        region=region,
        fiscal_year=_vote(votes.years),
        stage=_vote(votes.stages),
        scope=_scope(doc, votes),
        has_narrative=votes.narrative_sections > 0,
        printed_names=printed_names,
    )


_NO_SUBORDINATES = re.compile(r"下属\s*0\s*(?:个|家)|无二级预算单位|无下属")
_SUBORDINATES = re.compile(r"下属\s*[1-9]\d*\s*(?:个|家)")


def _scope(doc: SourceDocument, votes: _Votes) -> str | None:
    """What the document says it covers, most explicit first: a 汇总/本级 suffix on the name; the
    labels and titles of the template (预算主管部门/编制部门/部门 -> consolidated, 预算单位/编制单位/
    单位名称 and 单位预算 -> entity); subordinate units listed or not; a 部门预算 title alone."""
    if votes.suffixes:
        return "entity" if _vote(votes.suffixes) == "本级" else "consolidated"
    if votes.declared_scopes:
        return _vote(votes.declared_scopes)
    text = "\n".join(doc.lines[:400])
    if _NO_SUBORDINATES.search(text):
        return "entity"
    if _SUBORDINATES.search(text):
        return "consolidated"
    return "consolidated" if votes.department_titles else None


def document_part(meta: DocumentMeta, has_tables: bool) -> str:
    """complete | narrative | tables: a department may publish its 说明 and its tables as two files."""
    if meta.has_narrative and not has_tables:
        return "narrative"
    if has_tables and not meta.has_narrative:
        return "tables"
    return "complete"
