{#-
  source_page_of: the 1-based PDF page a line of a loaded document was printed on, from
  stg_pages (each page's first and last line of the text the parser read); NULL for text
  input, which has no pages, and for a NULL line.

  `document_id` must be the id of the version the line belongs to, as the staging rows
  carry it: a kept earlier version (macros/kept_versions.sql) is loaded under
  '<document_id>@kept' with its own pages, which need not fall where the new version's do.
  The marts publish it under the document's own id, so never pass the published id here.
  Pass qualified column names (alias.column): inside the subquery a bare name is stg_pages' own.
-#}
{% macro source_page_of(document_id, source_line) -%}
(select printed_pages.page
 from {{ ref('stg_pages') }} as printed_pages
 where printed_pages.document_id = {{ document_id }}
   and {{ source_line }} between printed_pages.first_line and printed_pages.last_line)
{%- endmacro %}
