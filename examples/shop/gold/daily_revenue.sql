/* ---
materialized: table
tests:
  - not_null: [order_date, revenue]
  - unique: order_date
  - sql: { name: revenue_not_negative, sql: "SELECT * FROM {{ this }} WHERE revenue < 0" }
--- */
-- Daily revenue KPI: shipped and pending orders count, cancelled ones do not.
SELECT
  order_date,
  count(*) AS orders,
  sum(quantity) AS items,
  CAST(sum(amount) AS DECIMAL(18,2)) AS revenue
FROM {{ ref('gold.fct_orders') }}
WHERE status <> 'cancelled'
GROUP BY order_date
