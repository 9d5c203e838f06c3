{#-
  Text normalisation shared by the staging models.

  clean_name: a Chinese name as printed, without the PDF's stray spaces and line
  breaks. Whitespace (including full-width and no-break spaces) is collapsed, then
  every space next to a non-ASCII character is dropped, so 医疗 保障局 -> 医疗保障局
  while a space between two Latin words or numbers is kept as one space.

  clean_text: free text (indicator targets, notes): whitespace collapsed to one
  space and trimmed; empty -> NULL.

  digits_only: a printed code with everything but digits removed; empty -> NULL.
-#}
{% macro _collapse_whitespace(expr) -%}
trim(regexp_replace(cast({{ expr }} as varchar), '[\s\x{00A0}\x{3000}\x{200B}\x{FEFF}]+', ' ', 'g'))
{%- endmacro %}

{% macro clean_name(expr) -%}
nullif(regexp_replace({{ _collapse_whitespace(expr) }}, ' ?([^\x00-\x7F]) ?', '\1', 'g'), '')
{%- endmacro %}

{% macro clean_text(expr) -%}
nullif({{ _collapse_whitespace(expr) }}, '')
{%- endmacro %}

{% macro digits_only(expr) -%}
nullif(regexp_replace(cast({{ expr }} as varchar), '[^0-9]', '', 'g'), '')
{%- endmacro %}

{% macro clean_code(expr) -%}
nullif(upper(regexp_replace(cast({{ expr }} as varchar), '[\s\x{00A0}\x{3000}\x{200B}\x{FEFF}]+', '', 'g')), '')
{%- endmacro %}

{#- A 万元 amount as the table printed it: x 10000 for tables printed in 元. -#}
{% macro printed_amount(amount_wan, unit) -%}
(case when {{ unit }} = '元' then {{ amount_wan }} * 10000 else {{ amount_wan }} end)
{%- endmacro %}

{#- The rounding tolerance of one identity, in 万元: the var rounding_tolerance_printed of the printed unit. -#}
{% macro tolerance_wan(unit) -%}
(case when {{ unit }} = '元' then cast({{ var('rounding_tolerance_printed') }} as decimal(20, 6)) / 10000
      else cast({{ var('rounding_tolerance_printed') }} as decimal(20, 6)) end)
{%- endmacro %}

{#- A 万元 amount as the table printed it, as text with two decimals, e.g. 1442.99. -#}
{% macro printed_figure(amount_wan, unit) -%}
printf('%.2f', cast({{ printed_amount(amount_wan, unit) }} as double))
{%- endmacro %}

{#- A figure for a human sentence, in the printed unit, two decimals, e.g. 1442.99 万元. -#}
{% macro figure_text(amount_wan, unit) -%}
({{ printed_figure(amount_wan, unit) }} || ' ' || coalesce({{ unit }}, '万元'))
{%- endmacro %}

{#- The valid code lengths: functional 3/5/7 (类/款/项), economic 3/5 (类/款). -#}
{% macro is_valid_subject_code(classification, code) -%}
(regexp_full_match(coalesce({{ code }}, ''), '[0-9]+')
 and ((({{ classification }}) = 'functional' and length({{ code }}) in (3, 5, 7))
   or (({{ classification }}) = 'economic' and length({{ code }}) in (3, 5))))
{%- endmacro %}
