{#-
  The documents whose facts are published (int_document_verdicts), one row each: document_id is
  the version whose rows are loaded (what a fact row joins on), published_id the id the marts show.
  A held document keeps the version published before it, loaded under its kept-version id.
-#}
{% macro published_documents() -%}
select published_version_id as document_id, document_id as published_id, fiscal_year, stage
    from {{ ref('int_document_verdicts') }}
    where published_version_id is not null
{%- endmacro %}
