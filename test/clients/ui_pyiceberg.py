"""PyIceberg side of the browser test (test/ui-browser.test.ts): writes through the catalog and reads back.

Usage: ui_pyiceberg.py <catalog uri for the branch> seed|feature|read|many-runs|view
Prints one JSON object on stdout.
"""
import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.expressions import EqualTo
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, LongType, NestedField, StringType
from pyiceberg.view import SQLViewRepresentation, ViewVersion

uri, action = sys.argv[1], sys.argv[2]
catalog = load_catalog("rat", type="rest", uri=uri)
ARROW = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("amount", pa.float64()),
    ]
)


def rows(table):
    return sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["id"])


if action == "seed":
    catalog.create_namespace("shop")
    schema = Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "name", StringType(), required=False),
        NestedField(3, "amount", DoubleType(), required=False),
    )
    t = catalog.create_table("shop.orders", schema=schema)
    t.append(pa.Table.from_pylist([{"id": 1, "name": "apple", "amount": 1.5}, {"id": 2, "name": "pear", "amount": 2.25}, {"id": 3, "name": "fig", "amount": None}], schema=ARROW))
    print(json.dumps({"rows": rows(catalog.load_table("shop.orders"))}))
elif action == "feature":
    t = catalog.load_table("shop.orders")
    t.append(pa.Table.from_pylist([{"id": 4, "name": "kiwi", "amount": 4.0}, {"id": 5, "name": "plum", "amount": 0.5}], schema=ARROW))
    t = catalog.load_table("shop.orders")
    t.delete(EqualTo("id", 2))
    t = catalog.load_table("shop.orders")
    print(json.dumps({"rows": rows(t), "snapshot": str(t.metadata.current_snapshot_id)}))
elif action == "read":
    t = catalog.load_table("shop.orders")
    print(json.dumps({"rows": rows(t), "snapshot": str(t.metadata.current_snapshot_id)}))
elif action == "many-runs":
    # More run records than one preview page holds, in two data files: copies of the successful run's record.
    t = catalog.load_table("_rat.runs")
    arrow = t.scan().to_arrow()
    base = next(r for r in arrow.to_pylist() if r["status"] == "success")
    for batch in range(2):
        copies = [dict(base, run_id=f"bulk-{batch}-{i:04d}") for i in range(550)]
        t.append(pa.Table.from_pylist(copies, schema=arrow.schema))
        t = catalog.load_table("_rat.runs")
    print(json.dumps({"rows": [], "count": t.scan().to_arrow().num_rows}))
elif action == "view":
    # A view over the orders table, with SQL in two dialects, as an engine that writes views would create it.
    schema = Schema(
        NestedField(1, "name", StringType(), required=False),
        NestedField(2, "amount", DoubleType(), required=False),
    )
    sql = "SELECT name, amount\nFROM shop.orders\nWHERE amount > 1"
    version = ViewVersion(
        schema_id=0,
        summary={"engine-name": "pyiceberg", "engine-version": "0.12.0"},
        representations=[
            SQLViewRepresentation(type="sql", sql=sql, dialect="spark"),
            SQLViewRepresentation(type="sql", sql=sql.replace("\n", " "), dialect="trino"),
        ],
        default_namespace=["shop"],
    )
    view = catalog.create_view("shop.big_orders", schema=schema, view_version=version)
    print(json.dumps({"rows": [], "versionId": view.metadata.current_version_id, "uuid": view.metadata.view_uuid}))
