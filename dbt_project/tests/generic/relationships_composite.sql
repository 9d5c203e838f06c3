{#- Every (columns) of the model exists in `to` (a composite foreign key); NULL keys are skipped. -#}
{% test relationships_composite(model, to, columns, to_columns=none) %}
{%- set target_columns = to_columns or columns -%}
select child.*
from {{ model }} as child
where {% for c in columns %}child.{{ c }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
  and not exists (
    select 1
    from {{ to }} as parent
    where {% for c in columns %}parent.{{ target_columns[loop.index0] }} = child.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
  )
{% endtest %}
