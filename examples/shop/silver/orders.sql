/* ---
materialized: incremental
unique_key: order_id
partition_by: [day(ordered_at)]
tests:
  - unique: order_id
  - not_null: [order_id, customer_id, product_id, ordered_at]
  - accepted_values: { column: status, values: [pending, shipped, cancelled] }
  - relationships: { column: customer_id, to: silver.customers, field: customer_id }
  - sql: { name: positive_quantity, sql: "SELECT * FROM {{ this }} WHERE quantity <= 0" }
unit_tests:
  # An order corrected by a later landing file keeps only its latest version, cleaned.
  - name: latest_version_wins
    given:
      - input: ref('bronze.orders')
        rows:
          - { order_id: 1, customer_id: ' C001', product_id: P01, quantity: 2, unit_price: 3.5, status: ' PENDING',
              ordered_at: '2024-03-01 10:00:00', _ingested_at: '2024-03-01 11:00:00', _source_file: a.csv }
          - { order_id: 1, customer_id: ' C001', product_id: P01, quantity: 3, unit_price: 3.5, status: 'Shipped ',
              ordered_at: '2024-03-01 10:00:00', _ingested_at: '2024-03-02 11:00:00', _source_file: b.csv }
    expect:
      rows:
        - { order_id: 1, customer_id: C001, quantity: 3, amount: 10.5, status: shipped }
--- */
-- Cleaned and deduplicated orders: one row per order_id (the latest ingested), normalized status.
SELECT
  order_id,
  {{ clean_code('customer_id') }} AS customer_id,
  {{ clean_code('product_id') }} AS product_id,
  quantity,
  unit_price,
  quantity * unit_price AS amount,
  {{ clean_label('status') }} AS status,
  ordered_at
FROM {{ ref('bronze.orders') }}
QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY _ingested_at DESC, _source_file DESC) = 1
