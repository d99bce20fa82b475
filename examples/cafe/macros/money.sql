{#- Amounts arrive in cents; the marts speak euros. -#}
{% macro cents_to_euros(column, scale=2) -%}
  round({{ column }} / 100.0, {{ scale }})
{%- endmacro %}

{#- The payment methods the till knows, in the order reports show them: a list, through dbt's return(). -#}
{% macro payment_methods() -%}
  {{ return(['credit_card', 'coupon', 'bank_transfer', 'gift_card']) }}
{%- endmacro %}
