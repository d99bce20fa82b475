-- Every euro paid is in exactly one order's amount.
SELECT o.order_id, o.amount, p.paid
FROM {{ ref('orders') }} AS o
JOIN (SELECT order_id, sum(amount) AS paid FROM {{ ref('stg_payments') }} GROUP BY order_id) AS p USING (order_id)
WHERE o.amount <> p.paid
