WITH source AS (
  SELECT * FROM {{ ref('raw_payments') }}
)
SELECT
  id AS payment_id,
  order_id,
  payment_method,
  {{ cents_to_euros('amount') }} AS amount
FROM source
