"""The department's normal form (dbt_project/macros/department.sql), run by real dbt on DuckDB.

Spellings one department is printed under across years and parts must give one key; two departments
(two regions' 医疗保障局, a party office and a government one) must not. Expected forms written by hand.
"""

from __future__ import annotations

import json

import pytest

from ._dbt_support import run_dbt

# (printed name, region) -> its normal form
CASES = [
    ("武汉市江汉区医疗保障局", "武汉市江汉区", "医疗保障局"),
    ("江汉区医疗保障局", "武汉市江汉区", "医疗保障局"),  # printed with the region's last level only
    ("武汉市江汉区医疗保障局（汇总）", "武汉市江汉区", "医疗保障局"),  # the scope is not the department
    ("武汉市江汉区医疗保障局(本级)", "武汉市江汉区", "医疗保障局"),
    ("中共江苏省委办公厅", "江苏省", "中国共产党委员会办公厅"),
    ("中国共产党江苏省委员会办公厅", "江苏省", "中国共产党委员会办公厅"),
    ("江苏省人民政府办公厅", "江苏省", "人民政府办公厅"),
    ("上海市普陀区人民政府万里街道办事处", "上海市普陀区", "人民政府万里街道办事处"),
    ("江苏省高级人民法院", "江苏省", "高级人民法院"),
    ("医疗保障局", None, "医疗保障局"),
]


@pytest.fixture(scope="module")
def normal_forms(tmp_path_factory) -> dict[tuple[str, str | None], tuple[str, str]]:
    root = tmp_path_factory.mktemp("department_key")
    values = ", ".join(
        "('{}', {})".format(name, f"'{region}'" if region else "cast(null as varchar)") for name, region, _ in CASES
    )
    inline = (
        f"with printed(name, region) as (values {values}), normal as ("
        "select name, region, {{ department_normal_form('name', 'region') }} as normal_name from printed) "
        "select name, region, normal_name, {{ department_key('region', 'normal_name') }} as department_key from normal"
    )
    completed = run_dbt(
        ["show", "--inline", inline, "--limit", str(len(CASES)), "--output", "json", "--log-format", "json"],
        root / "scratch.duckdb",
        root,
        timeout=600,
    )
    preview = next(
        json.loads(event["data"]["preview"])
        for event in map(json.loads, completed.stdout.splitlines())
        if event.get("data", {}).get("preview")
    )
    return {(row["name"], row["region"]): (row["normal_name"], row["department_key"]) for row in preview}


@pytest.mark.parametrize("name, region, expected", CASES)
def test_normal_form(normal_forms, name, region, expected):
    assert normal_forms[(name, region)][0] == expected


def test_one_key_for_one_department_and_two_for_two(normal_forms):
    key = {pair: value[1] for pair, value in normal_forms.items()}
    jianghan = {key[(n, "武汉市江汉区")] for n, r, _ in CASES if r == "武汉市江汉区"}
    assert len(jianghan) == 1
    assert key[("中共江苏省委办公厅", "江苏省")] == key[("中国共产党江苏省委员会办公厅", "江苏省")]
    assert key[("中共江苏省委办公厅", "江苏省")] != key[("江苏省人民政府办公厅", "江苏省")]
    assert key[("医疗保障局", None)] not in jianghan  # no region, another department
