/* ---
materialized: table
tests:
  - unique: order_id
  - relationships: { column: product_id, to: gold.dim_product, field: product_id }
  - relationships: { column: customer_id, to: gold.dim_customer, field: customer_id }
--- */
-- Order facts at order grain. customer_id points at gold.dim_customer, which keeps every customer version (SCD2);
-- for the version valid when an order was placed, join on the key and
-- o.order_date >= c.valid_from AND (c.valid_to IS NULL OR o.order_date < c.valid_to); is_current gives today's.
SELECT
  o.order_id,
  o.customer_id,
  o.product_id,
  CAST(o.ordered_at AS DATE) AS order_date,
  o.quantity,
  o.amount,
  o.status
FROM {{ ref('silver.orders') }} AS o
