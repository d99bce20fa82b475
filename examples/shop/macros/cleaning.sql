{#- Cleaning rules shared by the silver models (dbt's macros: called by name from any model). -#}
{% macro clean_code(column) -%}
  trim({{ column }})
{%- endmacro %}

{% macro clean_label(column) -%}
  lower(trim({{ column }}))
{%- endmacro %}
