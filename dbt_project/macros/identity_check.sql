{#-
  One arithmetic identity of the printed tables, in the shape of quality_identity_checks: the
  printed figure checked (amount_a) against what it must equal (amount_b), where it is printed,
  and the rounding tolerance of the printed units involved (`units`: one table's unit, or the
  units of the two tables compared; the greater tolerance applies).

  `check` and `severity` are words; every other argument is a SQL expression over the relation
  the caller selects from (the caller writes the `from` after the call).
-#}
{% macro identity_check(check, subject, line_label, label_a, label_b, amount_a, amount_b,
                        amount_column="'amount_total'", units=['source_unit'], severity='error',
                        document_id='document_id', table_kind='table_kind', source_table='source_table',
                        source_unit='source_unit', source_line='source_line') -%}
    select
        {{ document_id }}                                           as document_id,
        '{{ check }}'                                               as "check",
        {{ subject }}                                               as subject,
        {{ table_kind }}                                            as table_kind,
        {{ source_table }}                                          as source_table,
        {{ source_unit }}                                           as source_unit,
        {{ source_line }}                                           as source_line,
        {{ line_label }}                                            as line_label,
        {{ amount_column }}                                         as amount_column,
        {{ label_a }}                                               as label_a,
        {{ label_b }}                                               as label_b,
        {{ amount_a }}                                              as amount_a,
        {{ amount_b }}                                              as amount_b,
        {{ rounding_tolerance(units) }}                             as tolerance_wan,
        '{{ severity }}'                                            as severity_if_failed
{%- endmacro %}

{#- The rounding tolerance of an identity over tables printed in `units`, in 万元: the greatest. -#}
{% macro rounding_tolerance(units) -%}
{%- if units | length == 1 -%}
{{ tolerance_wan(units[0]) }}
{%- else -%}
greatest({% for unit in units %}{{ tolerance_wan(unit) }}{{ ', ' if not loop.last }}{% endfor %})
{%- endif -%}
{%- endmacro %}
