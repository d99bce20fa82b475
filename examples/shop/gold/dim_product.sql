/* ---
materialized: table
tests:
  - unique: product_id
--- */
SELECT product_id, name, category, list_price FROM {{ ref('silver.products') }}
