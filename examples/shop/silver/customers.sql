/* ---
materialized: table
tests:
  - unique: customer_id
  - not_null: [customer_id, email]
--- */
SELECT
  trim(customer_id) AS customer_id,
  trim(name) AS name,
  lower(trim(email)) AS email,
  city,
  updated_at
FROM {{ ref('bronze.customers') }}
QUALIFY row_number() OVER (PARTITION BY trim(customer_id) ORDER BY updated_at DESC, _ingested_at DESC) = 1
