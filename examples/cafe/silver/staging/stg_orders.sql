WITH source AS (
  SELECT * FROM {{ ref('raw_orders') }}
)
SELECT
  id AS order_id,
  customer_id,
  order_date,
  status
FROM source
