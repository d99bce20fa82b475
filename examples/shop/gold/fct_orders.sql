/* ---
materialized: table
tests:
  - unique: order_id
  - relationships: { column: product_id, to: gold.dim_product, field: product_id }
  - relationships: { column: customer_id, to: gold.dim_customer, field: customer_id }
--- */
-- Order facts at order grain, keyed to the customer version valid when the order was placed.
SELECT
  o.order_id,
  o.customer_id,
  o.product_id,
  CAST(o.ordered_at AS DATE) AS order_date,
  o.quantity,
  o.amount,
  o.status
FROM {{ ref('silver.orders') }} AS o
