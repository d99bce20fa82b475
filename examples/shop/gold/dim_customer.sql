/* ---
materialized: scd2
unique_key: customer_id
updated_at: updated_at
tests:
  - unique: { columns: [customer_id], where: is_current }
  - not_null: [customer_id, valid_from]
--- */
-- Customer dimension, SCD type 2: a new version whenever name, email or city change.
SELECT customer_id, name, email, city, updated_at FROM {{ ref('silver.customers') }}
