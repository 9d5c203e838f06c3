{#-
  A model's required columns, checked in one scan: fails with one row per column that holds NULLs
  (the column and how many rows). One test per model rather than one per column: every test is a
  dbt node costing ~0.1 s of dbt's own work whatever the table's size.
-#}
{% test not_null_columns(model, columns) %}
select column_name, null_rows
from (
    select
    {%- for column in columns %}
        count(*) filter (where "{{ column }}" is null) as "{{ column }}"{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
) unpivot (null_rows for column_name in ({% for column in columns %}"{{ column }}"{{ ", " if not loop.last }}{% endfor %}))
where null_rows > 0
{% endtest %}
