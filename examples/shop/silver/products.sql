/* ---
materialized: table
tests:
  - unique: product_id
  - not_null: [product_id, list_price]
--- */
SELECT DISTINCT ON (product_id) product_id, name, category, list_price
FROM {{ ref('bronze.products') }}
ORDER BY product_id
