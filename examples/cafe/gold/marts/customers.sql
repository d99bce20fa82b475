WITH orders AS (
  SELECT
    customer_id,
    min(order_date) AS first_order,
    max(order_date) AS most_recent_order,
    count(*) AS number_of_orders,
    sum(amount) FILTER (WHERE status <> 'returned') AS lifetime_value
  FROM {{ ref('orders') }}
  GROUP BY customer_id
)
SELECT
  {{ dbt_utils.generate_surrogate_key(['c.customer_id']) }} AS customer_key,
  c.customer_id,
  c.first_name,
  c.last_name,
  o.first_order,
  o.most_recent_order,
  coalesce(o.number_of_orders, 0) AS number_of_orders,
  coalesce(o.lifetime_value, 0) AS lifetime_value
FROM {{ ref('stg_customers') }} AS c
LEFT JOIN orders AS o USING (customer_id)
