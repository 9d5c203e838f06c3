{#-
  A document held by this build may keep the version published before it. That version's
  rows are loaded beside the new ones under '<document_id>' || kept_version_suffix()
  (orchestration/warehouse.py KEPT_VERSION_SUFFIX; '@' is never in a document id), checked
  like any other, and published under the document's own id only while the new one is held.
-#}
{% macro kept_version_suffix() -%}
'@kept'
{%- endmacro %}

{% macro is_kept_version(expr) -%}
ends_with({{ expr }}, {{ kept_version_suffix() }})
{%- endmacro %}
