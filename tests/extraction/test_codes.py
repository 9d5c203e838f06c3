"""Classification codes: levels, parents, joins, national names and repairs."""

import pytest

from budget_extraction import codes as C


def test_levels_and_parents():
    assert C.code_level("210", C.FUNCTIONAL) == 1
    assert C.code_level("21015", C.FUNCTIONAL) == 2
    assert C.code_level("2101501", C.FUNCTIONAL) == 3
    assert C.code_level("210150", C.FUNCTIONAL) is None
    assert C.parent_code("2101501", C.FUNCTIONAL) == "21015"
    assert C.parent_code("21015", C.FUNCTIONAL) == "210"
    assert C.parent_code("210", C.FUNCTIONAL) is None
    assert C.code_level("30101", C.ECONOMIC) == 2
    assert C.parent_code("30101", C.ECONOMIC) == "301"
    assert C.code_level("3010101", C.ECONOMIC) is None


def test_truncation_is_one_digit_short_of_a_level():
    assert C.is_truncated("210150", C.FUNCTIONAL)
    assert C.is_truncated("3010", C.ECONOMIC)
    assert not C.is_truncated("2101501", C.FUNCTIONAL)
    assert not C.is_truncated("30101", C.ECONOMIC)
    assert not C.is_truncated("4201072", C.FUNCTIONAL)


def test_join_code_columns():
    assert C.join_code_parts(["208", "05", "01"], C.FUNCTIONAL) == "2080501"
    assert C.join_code_parts(["210", "15"], C.FUNCTIONAL) == "21015"
    assert C.join_code_parts(["301", "01"], C.ECONOMIC) == "30101"
    assert C.join_code_parts(["301", "1"], C.ECONOMIC) is None
    assert C.join_code_parts(["208", "05", "01"], C.ECONOMIC) is None


def test_national_names():
    assert C.national_name("201", C.FUNCTIONAL) == "一般公共服务支出"
    assert C.national_name("221", C.FUNCTIONAL) == "住房保障支出"
    assert C.national_name("229", C.FUNCTIONAL) == "其他支出"
    assert C.national_name("231", C.FUNCTIONAL) == "债务还本支出"
    assert C.national_name("301", C.ECONOMIC) == "工资福利支出"
    assert C.national_name("30101", C.ECONOMIC) == "基本工资"
    assert C.national_name("310", C.ECONOMIC) == "资本性支出"
    assert C.national_name("399", C.ECONOMIC) == "其他支出"
    for code in C.ECONOMIC_NAMES:
        assert C.is_full_code(code, C.ECONOMIC), code
        if len(code) == 5:
            assert code[:3] in C.ECONOMIC_NAMES, code
    for code in C.FUNCTIONAL_ITEMS:
        assert C.is_full_code(code, C.FUNCTIONAL), code
        assert code[:3] in C.FUNCTIONAL_CLASSES, code


def test_repair_prefers_the_same_document():
    known = {"2080104": {"综合业务管理"}, "2080199": {"其他人力资源和社会保障管理事务支出"}}
    assert C.repair_code("208010", "综合业务管理", C.FUNCTIONAL, known) == ("2080104", "document")
    # a name cut short by the PDF still matches
    assert C.repair_code("208019", "其他人力资源和社会保障管理事务支", C.FUNCTIONAL, known) == ("2080199", "document")


def test_repair_falls_back_to_national_names_and_tolerates_variants():
    assert C.repair_code("3010", "基本工资", C.ECONOMIC, {}) == ("30101", "national")
    # 单位 printed as 部门 by a global replace in the source
    assert C.repair_code("3010", "机关事业部门基本养老保险缴费", C.ECONOMIC, {}) == ("30108", "national")
    assert C.repair_code("3031", "代缴社会保 险费", C.ECONOMIC, {}) == ("30311", "national")
    assert C.repair_code("210150", "行政运行", C.FUNCTIONAL, {}) == ("2101501", "national")


def test_unrepairable_codes_stay_unrepaired():
    assert C.repair_code("3010", "完全不相干的名称", C.ECONOMIC, {}) == (None, None)
    assert C.repair_code("2101501", "行政运行", C.FUNCTIONAL, {}) == (None, None)  # not truncated
    # two equally good candidates: refuse to guess
    known = {"2210301": {"某某项目"}, "2210302": {"某某项目"}}
    assert C.repair_code("221030", "某某项目", C.FUNCTIONAL, known) == (None, None)


def test_repair_must_keep_the_printed_prefix():
    known = {"2101501": {"行政运行"}}
    assert C.repair_code("210110", "行政运行", C.FUNCTIONAL, known) == (None, None)


@pytest.mark.parametrize(
    "name, code", [("一、一般公共服务支出", "201"), ("（八）卫生健康支出", "210"), ("221住房保障支出", "221")]
)
def test_class_for_name(name, code):
    assert C.class_for_name(name) == code
