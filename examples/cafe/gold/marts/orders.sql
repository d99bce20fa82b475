{{ config(materialized='table') }}
{%- set methods = payment_methods() %}

WITH payments AS (
  SELECT
    order_id,
    {%- for method in methods %}
    sum(CASE WHEN payment_method = '{{ method }}' THEN amount ELSE 0 END) AS {{ method }}_amount,
    {%- endfor %}
    sum(amount) AS total_amount
  FROM {{ ref('stg_payments') }}
  GROUP BY order_id
)
SELECT
  o.order_id,
  o.customer_id,
  o.order_date,
  o.status,
  {%- for method in methods %}
  coalesce(p.{{ method }}_amount, 0) AS {{ method }}_amount,
  {%- endfor %}
  coalesce(p.total_amount, 0) AS amount
FROM {{ ref('stg_orders') }} AS o
LEFT JOIN payments AS p USING (order_id)
