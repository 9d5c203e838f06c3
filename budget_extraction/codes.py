"""Classification codes: national reference names, levels, parents, joins and repairs.

支出功能分类科目 (functional): 类 3 digits, 款 5, 项 7. 支出经济分类科目 (economic, the
部门预算支出经济分类 the budget tables print): 类 3, 款 5. A parent's code is a prefix of its
children's. The reference names below are the national ones; a document may print a
variant (行政运行（医疗保障）), which is kept as printed in the fact rows.

PDF text cuts codes short (6 digits where 7 belong, 4 where 5 belong). A truncated code is
repaired from the same document's other tables (same prefix, same or similar name) or,
failing that, from the national names; every repair is reported, and a code that cannot
be repaired never becomes a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from functools import lru_cache

FUNCTIONAL = "functional"
ECONOMIC = "economic"

# 类 of the 支出功能分类科目 (2024 edition names).
FUNCTIONAL_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}

# 款 and 项 of the functional classification that departments commonly print. Not the whole
# national list: enough to name and repair the items of social-security, health, housing
# and general-administration departments; other codes are repaired from the document itself.
FUNCTIONAL_ITEMS: dict[str, str] = {
    "20101": "人大事务",
    "2010101": "行政运行",
    "2010102": "一般行政管理事务",
    "2010150": "事业运行",
    "20103": "政府办公厅（室）及相关机构事务",
    "2010301": "行政运行",
    "2010302": "一般行政管理事务",
    "2010350": "事业运行",
    "2010399": "其他政府办公厅（室）及相关机构事务支出",
    "20801": "人力资源和社会保障管理事务",
    "2080101": "行政运行",
    "2080102": "一般行政管理事务",
    "2080103": "机关服务",
    "2080104": "综合业务管理",
    "2080105": "劳动保障监察",
    "2080106": "就业管理事务",
    "2080107": "社会保险业务管理事务",
    "2080108": "信息化建设",
    "2080109": "社会保险经办机构",
    "2080110": "劳动关系和维权",
    "2080111": "公共就业服务和职业技能鉴定机构",
    "2080112": "劳动人事争议调解仲裁",
    "2080113": "政府特殊津贴",
    "2080114": "资助留学回国人员",
    "2080115": "博士后日常经费",
    "2080116": "引进人才费用",
    "2080150": "事业运行",
    "2080199": "其他人力资源和社会保障管理事务支出",
    "20802": "民政管理事务",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080502": "事业单位离退休",
    "2080503": "离退休人员管理机构",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "2080507": "对机关事业单位基本养老保险基金的补助",
    "2080508": "对机关事业单位职业年金的补助",
    "2080599": "其他行政事业单位养老支出",
    "20807": "就业补助",
    "2080701": "就业创业服务补贴",
    "2080702": "职业培训补贴",
    "2080704": "社会保险补贴",
    "2080705": "公益性岗位补贴",
    "2080709": "职业技能评价补贴",
    "2080711": "就业见习补贴",
    "2080712": "高技能人才培养补助",
    "2080713": "促进创业补贴",
    "2080799": "其他就业补助支出",
    "20808": "抚恤",
    "2080801": "死亡抚恤",
    "2080802": "伤残抚恤",
    "20809": "退役安置",
    "20810": "社会福利",
    "20811": "残疾人事业",
    "2081101": "行政运行",
    "2081102": "一般行政管理事务",
    "2081107": "残疾人生活和护理补贴",
    "2081199": "其他残疾人事业支出",
    "20819": "最低生活保障",
    "2081901": "城市最低生活保障金支出",
    "2081902": "农村最低生活保障金支出",
    "20820": "临时救助",
    "2082001": "临时救助支出",
    "2082002": "流浪乞讨人员救助支出",
    "20821": "特困人员救助供养",
    "2082101": "城市特困人员救助供养支出",
    "2082102": "农村特困人员救助供养支出",
    "20825": "其他生活救助",
    "2082501": "其他城市生活救助",
    "2082502": "其他农村生活救助",
    "20826": "财政对基本养老保险基金的补助",
    "20827": "财政对其他社会保险基金的补助",
    "20828": "退役军人管理事务",
    "20899": "其他社会保障和就业支出",
    "2089999": "其他社会保障和就业支出",
    "21001": "卫生健康管理事务",
    "2100101": "行政运行",
    "2100102": "一般行政管理事务",
    "2100199": "其他卫生健康管理事务支出",
    "21004": "公共卫生",
    "21007": "计划生育事务",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "2101103": "公务员医疗补助",
    "2101199": "其他行政事业单位医疗支出",
    "21012": "财政对基本医疗保险基金的补助",
    "2101201": "财政对职工基本医疗保险基金的补助",
    "2101202": "财政对城乡居民基本医疗保险基金的补助",
    "2101299": "财政对其他基本医疗保险基金的补助",
    "21013": "医疗救助",
    "2101301": "城乡医疗救助",
    "2101302": "疾病应急救助",
    "2101399": "其他医疗救助支出",
    "21014": "优抚对象医疗",
    "2101401": "优抚对象医疗补助",
    "21015": "医疗保障管理事务",
    "2101501": "行政运行",
    "2101502": "一般行政管理事务",
    "2101503": "机关服务",
    "2101504": "信息化建设",
    "2101505": "医疗保障政策管理",
    "2101506": "医疗保障经办事务",
    "2101550": "事业运行",
    "2101599": "其他医疗保障管理事务支出",
    "21016": "老龄卫生健康事务",
    "21099": "其他卫生健康支出",
    "2109999": "其他卫生健康支出",
    "21305": "巩固脱贫攻坚成果衔接乡村振兴",
    "2130599": "其他巩固脱贫攻坚成果衔接乡村振兴支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "2210202": "提租补贴",
    "2210203": "购房补贴",
    "22999": "其他支出",
    "2299999": "其他支出",
}

# 部门预算支出经济分类科目: 类 and 款.
ECONOMIC_NAMES: dict[str, str] = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30106": "伙食补助费",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30111": "公务员医疗补助缴费",
    "30112": "其他社会保障缴费",
    "30113": "住房公积金",
    "30114": "医疗费",
    "30199": "其他工资福利支出",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30202": "印刷费",
    "30203": "咨询费",
    "30204": "手续费",
    "30205": "水费",
    "30206": "电费",
    "30207": "邮电费",
    "30208": "取暖费",
    "30209": "物业管理费",
    "30211": "差旅费",
    "30212": "因公出国（境）费用",
    "30213": "维修（护）费",
    "30214": "租赁费",
    "30215": "会议费",
    "30216": "培训费",
    "30217": "公务接待费",
    "30218": "专用材料费",
    "30224": "被装购置费",
    "30225": "专用燃料费",
    "30226": "劳务费",
    "30227": "委托业务费",
    "30228": "工会经费",
    "30229": "福利费",
    "30231": "公务用车运行维护费",
    "30239": "其他交通费用",
    "30240": "税金及附加费用",
    "30299": "其他商品和服务支出",
    "303": "对个人和家庭的补助",
    "30301": "离休费",
    "30302": "退休费",
    "30303": "退职（役）费",
    "30304": "抚恤金",
    "30305": "生活补助",
    "30306": "救济费",
    "30307": "医疗费补助",
    "30308": "助学金",
    "30309": "奖励金",
    "30310": "个人农业生产补贴",
    "30311": "代缴社会保险费",
    "30399": "其他对个人和家庭的补助",
    "307": "债务利息及费用支出",
    "30701": "国内债务付息",
    "30702": "国外债务付息",
    "30703": "国内债务发行费用",
    "30704": "国外债务发行费用",
    "309": "资本性支出（基本建设）",
    "30901": "房屋建筑物购建",
    "30902": "办公设备购置",
    "30903": "专用设备购置",
    "30905": "基础设施建设",
    "30906": "大型修缮",
    "30907": "信息网络及软件购置更新",
    "30908": "物资储备",
    "30913": "公务用车购置",
    "30919": "其他交通工具购置",
    "30921": "文物和陈列品购置",
    "30922": "无形资产购置",
    "30999": "其他基本建设支出",
    "310": "资本性支出",
    "31001": "房屋建筑物购建",
    "31002": "办公设备购置",
    "31003": "专用设备购置",
    "31005": "基础设施建设",
    "31006": "大型修缮",
    "31007": "信息网络及软件购置更新",
    "31008": "物资储备",
    "31009": "土地补偿",
    "31010": "安置补助",
    "31011": "地上附着物和青苗补偿",
    "31012": "拆迁补偿",
    "31013": "公务用车购置",
    "31019": "其他交通工具购置",
    "31021": "文物和陈列品购置",
    "31022": "无形资产购置",
    "31099": "其他资本性支出",
    "311": "对企业补助（基本建设）",
    "31101": "注入国有企业资本金",
    "31199": "其他对企业补助",
    "312": "对企业补助",
    "31201": "资本金注入",
    "31203": "政府投资基金股权投资",
    "31204": "费用补贴",
    "31205": "利息补贴",
    "31299": "其他对企业补助",
    "313": "对社会保障基金补助",
    "31302": "对社会保险基金补助",
    "31303": "补充全国社会保障基金",
    "31304": "对机关事业单位职业年金的补助",
    "399": "其他支出",
    "39906": "赠与",
    "39907": "国家赔偿费用支出",
    "39908": "对民间非营利组织和群众性自治组织补贴",
    "39909": "经常性赠与",
    "39910": "资本性赠与",
    "39999": "其他支出",
}

_LENGTHS = {FUNCTIONAL: (3, 5, 7), ECONOMIC: (3, 5)}
_CLASS_PREFIX = {FUNCTIONAL: "2", ECONOMIC: "3"}


def national_name(code: str, classification: str) -> str | None:
    """The national name of a code, where this module knows it."""
    if classification == FUNCTIONAL:
        return FUNCTIONAL_CLASSES.get(code) or FUNCTIONAL_ITEMS.get(code)
    return ECONOMIC_NAMES.get(code)


def plausible_class(code: str) -> bool:
    """True when a code's first three digits can be a 类 of either classification (201-239 functional,
    301-319 and 399 economic, any edition).

    Whole-元 figures (2000000, 3873551) look like codes; a figure whose leading digits are no class
    is never taken for one.
    """
    head = code[:3]
    if len(head) < 3 or not head.isdigit():
        return False
    return 201 <= int(head) <= 239 or 301 <= int(head) <= 319 or head == "399"


def full_lengths(classification: str) -> tuple[int, ...]:
    return _LENGTHS[classification]


def code_level(code: str, classification: str) -> int | None:
    """1 = 类, 2 = 款, 3 = 项; None for a length the classification does not have."""
    lengths = _LENGTHS[classification]
    return lengths.index(len(code)) + 1 if len(code) in lengths else None


def parent_code(code: str, classification: str) -> str | None:
    """The code one level up (its prefix), None at 类 level or for an invalid length."""
    level = code_level(code, classification)
    if not level or level == 1:
        return None
    return code[: _LENGTHS[classification][level - 2]]


def is_full_code(code: str, classification: str) -> bool:
    """Digits of a valid length that start like the classification's codes (2xx / 3xx)."""
    return code.isdigit() and len(code) in _LENGTHS[classification] and code.startswith(_CLASS_PREFIX[classification])


def is_truncated(code: str, classification: str) -> bool:
    """A code one digit short of a level (6 digits functional, 4 economic): the PDF cut it."""
    if not code.isdigit() or not code.startswith(_CLASS_PREFIX[classification]):
        return False
    return len(code) + 1 in _LENGTHS[classification] and len(code) not in _LENGTHS[classification]


def looks_like_code(token: str, classification: str) -> bool:
    """A token that is a code of the classification, full or cut short."""
    return is_full_code(token, classification) or is_truncated(token, classification)


def join_code_parts(parts: Iterable[str], classification: str) -> str | None:
    """Join a code printed as columns: ``208 05 01`` -> ``2080501``, ``301 01`` -> ``30101``.

    The first part is the 3-digit 类; each following part is a 2-digit step.
    """
    parts = [p for p in parts if p]
    if not parts or len(parts[0]) != 3 or any(len(p) != 2 or not p.isdigit() for p in parts[1:]):
        return None
    code = "".join(parts)
    return code if is_full_code(code, classification) else None


def normalise_name(name: str) -> str:
    """A name for comparison: no spaces, unified brackets, no trailing qualifier brackets."""
    text = "".join((name or "").split())
    text = text.replace("(", "（").replace(")", "）")
    return text


_QUALIFIER = re.compile(r"（[^）]*）$")


def without_qualifier(name: str) -> str:
    """A normalised name without the bracketed qualifier it ends with (…支出（项）)."""
    return _QUALIFIER.sub("", name) if name.endswith("）") else name


def shared_characters_ratio(a: str, b: str) -> float:
    """An upper bound of SequenceMatcher's ratio: the characters two names share, in any order."""
    shared = sum(min(a.count(char), b.count(char)) for char in set(a) & set(b))
    return 2 * shared / (len(a) + len(b))


def name_similarity(a: str, b: str, floor: float = 0.0) -> float:
    """0..1: how alike two printed names are (qualifiers and cut-off endings tolerated).

    Below ``floor`` the figure does not matter to the caller: a pair whose shared characters
    cannot reach it is given that bound rather than aligned character by character."""
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    bare_a, bare_b = without_qualifier(a), without_qualifier(b)
    if bare_a == bare_b:
        return 0.95
    if bare_a.startswith(bare_b) or bare_b.startswith(bare_a):
        short, long_ = sorted((bare_a, bare_b), key=len)
        if len(short) >= 4 and len(short) >= 0.75 * len(long_):
            return 0.9
    bound = shared_characters_ratio(a, b)
    if bound < floor:
        return bound
    return SequenceMatcher(None, a, b).ratio()


# A best match must lead the next code by more than this, or the name is ambiguous between them.
CLEAR_LEAD = 0.02


def _best_by_name(candidates: Mapping[str, Iterable[str]], name: str, minimum: float) -> str | None:
    """The candidate code whose names best match ``name``; None if no clear, unique best.

    A score under minimum - CLEAR_LEAD can be neither the best nor close behind it, so it is
    not worked out exactly."""
    floor = minimum - CLEAR_LEAD
    scored = sorted(
        (
            (max((name_similarity(name, n, floor) for n in names), default=0.0), code)
            for code, names in candidates.items()
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < minimum:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - CLEAR_LEAD and scored[1][1] != scored[0][1]:
        return None
    return scored[0][1]


def repair_code(
    printed: str,
    name: str,
    classification: str,
    document_codes: Mapping[str, Iterable[str]],
    minimum: float = 0.6,
) -> tuple[str | None, str | None]:
    """(full code, where it came from) for a truncated code, or (None, None).

    ``document_codes`` maps full codes printed elsewhere in the same document to the names
    printed with them; they are tried first, then the national names. A candidate must
    extend the printed digits by exactly the missing digit(s) and carry a similar name.
    """
    if not is_truncated(printed, classification):
        return None, None
    target = len(printed) + 1
    local = {c: list(n) for c, n in document_codes.items() if len(c) == target and c.startswith(printed)}
    found = _best_by_name(local, name, minimum)
    if found:
        return found, "document"
    reference = FUNCTIONAL_ITEMS if classification == FUNCTIONAL else ECONOMIC_NAMES
    national = {c: [n] for c, n in reference.items() if len(c) == target and c.startswith(printed)}
    found = _best_by_name(national, name, minimum)
    if found:
        return found, "national"
    return None, None


# Distinct class names remembered by class_for_name(); the template prints a few dozen.
CLASS_NAME_CACHE_SIZE = 1 << 10
_CLASS_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十廿]+[)）]?[、.．]?|^\d{3}")


@lru_cache(maxsize=CLASS_NAME_CACHE_SIZE)
def class_for_name(name: str) -> str | None:
    """The functional 类 a printed class name refers to (一、一般公共服务支出 -> 201).

    Cached: every summary table prints the same class names, each scored against every 类."""
    text = _CLASS_NUMBERING.sub("", normalise_name(name))
    best = _best_by_name({c: [n] for c, n in FUNCTIONAL_CLASSES.items()}, text, 0.85)
    return best


def known_codes(doc, blocks) -> dict[str, set[str]]:
    """Full codes printed anywhere in the document's coded tables, with the names printed beside them."""
    known: dict[str, set[str]] = {}
    pattern = re.compile(r"(?:^|\t|\s)([23]\d{2}(?:\d{2}){0,2})(?:\t|\s+)([^\t\d\s][^\t]*?)(?=\t|\s+-?\d|$)")
    for block in blocks:
        for _, text in doc.numbered(block.header_end_line + 1, block.end_line):
            for code, name in pattern.findall(text):
                if len(code) in (3, 5, 7):
                    known.setdefault(code, set()).add(re.sub(r"\s+", "", name))
    return known
