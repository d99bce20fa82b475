"""PyIceberg side of the row diff test (test/table-row-diff.test.ts): writes the two versions the test compares.

Usage: row_diff_pyiceberg.py <catalog uri for the branch> seed|feature|main-later|big
Prints one JSON object on stdout.
"""
import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.expressions import EqualTo
from pyiceberg.schema import Schema
from decimal import Decimal

from pyiceberg.types import DecimalType, DoubleType, LongType, NestedField, StringType

uri, action = sys.argv[1], sys.argv[2]
catalog = load_catalog("rat", type="rest", uri=uri)
ORDERS = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("amount", pa.float64()),
    ]
)
EVENTS = pa.schema([pa.field("kind", pa.string()), pa.field("n", pa.int64())])
PRICES = pa.schema([pa.field("sku", pa.string()), pa.field("price", pa.decimal128(9, 2))])


def orders(rows, schema=ORDERS):
    return pa.Table.from_pylist(rows, schema=schema)


if action == "seed":
    catalog.create_namespace("shop")
    schema = Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "name", StringType(), required=False),
        NestedField(3, "amount", DoubleType(), required=False),
        identifier_field_ids=[1],
    )
    t = catalog.create_table("shop.orders", schema=schema)
    t.append(orders([{"id": 1, "name": "apple", "amount": 1.5}, {"id": 2, "name": "pear", "amount": 2.25}, {"id": 3, "name": "fig", "amount": None}]))
    e = catalog.create_table("shop.events", schema=EVENTS)
    e.append(pa.Table.from_pylist([{"kind": "click", "n": 1}, {"kind": "view", "n": 2}], schema=EVENTS))
    catalog.create_table("shop.big", schema=EVENTS)
    p = catalog.create_table("shop.prices", schema=PRICES)
    p.append(pa.Table.from_pylist([{"sku": "a", "price": Decimal("12.50")}, {"sku": "b", "price": Decimal("1234567.01")}], schema=PRICES))
elif action == "feature":
    t = catalog.load_table("shop.orders")
    t.append(orders([{"id": 4, "name": "kiwi", "amount": 4.0}, {"id": 5, "name": "plum", "amount": 0.5}]))
    t = catalog.load_table("shop.orders")
    t.delete(EqualTo("id", 2))
    t = catalog.load_table("shop.orders")
    t.overwrite(orders([{"id": 3, "name": "fig", "amount": 9.0}]), overwrite_filter=EqualTo("id", 3))
    t = catalog.load_table("shop.orders")
    with t.update_schema() as u:
        u.add_column("note", StringType())
    t = catalog.load_table("shop.orders")
    with_note = ORDERS.append(pa.field("note", pa.string()))
    t.append(orders([{"id": 7, "name": "lime", "amount": 0.25, "note": "new"}], with_note))
    e = catalog.load_table("shop.events")
    # The same row again: a multiset difference of one.
    e.append(pa.Table.from_pylist([{"kind": "click", "n": 1}], schema=EVENTS))
    p = catalog.load_table("shop.prices")
    p.overwrite(pa.Table.from_pylist([{"sku": "a", "price": Decimal("-0.05")}], schema=PRICES), overwrite_filter=EqualTo("sku", "a"))
elif action == "main-later":
    t = catalog.load_table("shop.orders")
    t.append(orders([{"id": 6, "name": "date", "amount": 6.0}]))
elif action == "big":
    b = catalog.load_table("shop.big")
    b.append(pa.Table.from_pydict({"kind": ["x"] * 150_000, "n": list(range(150_000))}, schema=EVENTS))
print(json.dumps({"ok": True}))
