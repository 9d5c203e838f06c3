"""Every printed form of a target the seeds (and neighbouring districts) use."""

import pytest

from budget_extraction.readers.targets import Target, parse_target

CASES = [
    # symbol operators, with and without spaces, full width
    ("≥80000 人次", (">=", 80000.0, "人次")),
    ("≥80000人次", (">=", 80000.0, "人次")),
    ("≥ 2000 人次", (">=", 2000.0, "人次")),
    ("≥ 90%", (">=", 90.0, "%")),
    ("≤5000 元", ("<=", 5000.0, "元")),
    ("≤ 10000 元", ("<=", 10000.0, "元")),
    ("≤30 个工作日", ("<=", 30.0, "个工作日")),
    ("≤30 个工作 日", ("<=", 30.0, "个工作日")),
    ("≤11.2 万元/年", ("<=", 11.2, "万元/年")),
    ("＞200天", (">", 200.0, "天")),
    ("＜5%", ("<", 5.0, "%")),
    ("<3次", ("<", 3.0, "次")),
    (">=社会平均工作时长", (None, None, None)),
    ("=100%", ("=", 100.0, "%")),
    ("≥2", (">=", 2.0, None)),
    (">=95%", (">=", 95.0, "%")),
    # bare numbers print no operator: value and unit, operator left unknown
    ("100%", (None, 100.0, "%")),
    ("36", (None, 36.0, None)),
    ("1 个月", (None, 1.0, "个月")),
    ("5万册", (None, 5.0, "万册")),
    ("617家", (None, 617.0, "家")),
    ("1,442.99 万元", (None, 1442.99, "万元")),
    # word operators before the number
    ("大于600天", (">", 600.0, "天")),
    ("不低于95%", (">=", 95.0, "%")),
    ("不高于 3%", ("<=", 3.0, "%")),
    ("低于5%", ("<", 5.0, "%")),
    ("高于90%", (">", 90.0, "%")),
    ("不超过20万元", ("<=", 20.0, "万元")),
    # word operators after the number
    ("90%以上", (">=", 90.0, "%")),
    ("90% 以上", (">=", 90.0, "%")),
    ("30 分钟以内", ("<=", 30.0, "分钟")),
    ("5个工作日以内", ("<=", 5.0, "个工作日")),
    ("10%以下", ("<=", 10.0, "%")),
    # qualitative: no operator, no value, no unit
    ("有所减轻", (None, None, None)),
    ("持续增强", (None, None, None)),
    ("是", (None, None, None)),
    ("完成", (None, None, None)),
    ("好", (None, None, None)),
    ("大于同期", (None, None, None)),
    ("2024年度内", (None, None, None)),
    ("97%≤预算执行率≤100%", (None, None, None)),
    ("100%及时核查处置", (None, None, None)),
    ("30000 余份，形成上下联动", (None, None, None)),
    ("", (None, None, None)),
    (None, (None, None, None)),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_parse_target(text, expected):
    assert tuple(parse_target(text)) == expected


def test_an_operator_always_comes_with_a_value():
    for text, _ in CASES:
        target = parse_target(text)
        assert isinstance(target, Target)
        assert target.op is None or target.value is not None
        if target.value is None:
            assert target.unit is None
