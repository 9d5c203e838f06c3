{#
  department_normal_form: one spelling per department across documents and years, so that its
  documents of every year get one department_key. Safe because each step only removes what the
  template prints around the same name, never a word that tells two departments apart:
  - whitespace is already dropped by clean_name; full-width brackets, digits and letters are folded
    to their ASCII forms (（汇总） and (汇总) are one spelling);
  - a 汇总/本级 suffix says the document's scope, not the department (scope is its own column);
  - 中共 is the printed short form of 中国共产党 (metadata.canonical_department writes it out);
  - the place: a name printed with its region (武汉市江汉区医疗保障局) or with the region's last
    level only (江汉区医疗保障局, region 武汉市江汉区) is the same department as the region's
    医疗保障局 (metadata.is_short_form: a short form is the fuller name without its place). The
    region stays part of the key, so two regions' 医疗保障局 stay two departments. After a party
    prefix the place is dropped as well, the prefix kept, and its 委 written out as 委员会
    (中共江苏省委办公厅 and 中国共产党江苏省委员会办公厅 -> 中国共产党委员会办公厅 in region 江苏省,
    never a government body's name).
#}
{% macro department_folded(name) -%}
regexp_replace(
    regexp_replace(
        translate({{ name }},
                  '（）［］０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ',
                  '()[]0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
        '\(?(部门汇总|单位汇总|汇总|本级)\)?$', ''),
    '^中共', '中国共产党')
{%- endmacro %}

{% macro department_normal_form(name, region) -%}
{%- set folded = department_folded(name) -%}
{%- set party = "case when starts_with(" ~ folded ~ ", '中国共产党') then '中国共产党' else '' end" -%}
{%- set body = "regexp_replace(" ~ folded ~ ", '^中国共产党', '')" -%}
{%- set last_level = "nullif(regexp_extract(coalesce(" ~ region ~ ", ''), '([^省市州盟]+[区县旗])$', 1), '')" -%}
{%- set placeless = "case when " ~ region ~ " is not null and starts_with(" ~ body ~ ", " ~ region ~ ") and length(" ~ body ~ ") > length(" ~ region ~ ") then substr(" ~ body ~ ", length(" ~ region ~ ") + 1) when " ~ last_level ~ " is not null and starts_with(" ~ body ~ ", " ~ last_level ~ ") and length(" ~ body ~ ") > length(" ~ last_level ~ ") then substr(" ~ body ~ ", length(" ~ last_level ~ ") + 1) else " ~ body ~ " end" -%}
{{ party }} || case
    -- a party organ's <place>委 is that place's 委员会 (metadata.canonical_department)
    when {{ party }} <> '' then regexp_replace({{ placeless }}, '^委(员会)?', '委员会')
    else {{ placeless }} end
{%- endmacro %}

{% macro department_key(region, normal_name) -%}
left(md5(coalesce({{ region }}, '') || '|' || {{ normal_name }}), 16)
{%- endmacro %}
