{#- A subject code is digits only; functional 3/5/7 digits, economic 3/5. NULL codes fail too. -#}
{% test subject_code_format(model, column_name, classification_column='classification') %}
select *
from {{ model }}
where not {{ is_valid_subject_code(classification_column, column_name) }}
{% endtest %}
