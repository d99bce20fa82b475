"""PyIceberg 0.12 side of the Trino lane (test/trino.test.ts): reads the tables Trino wrote, writes one for Trino.

Config (RAT_CLIENT_CONFIG): {"baseUrl", "ref", "read": [["ns", "table"], ...], "write": ["ns", "table"] | null}.
Each read records the table's rows (sorted by id) and the content kinds of the files of its current snapshot, so the
test can see that Trino's row-level deletes arrived as position delete files and that PyIceberg applies them.
"""

from __future__ import annotations

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, LongType, NestedField, StringType

from harness import CONFIG, Steps, catalog_uri

steps = Steps()
catalog = load_catalog("rat", type="rest", uri=catalog_uri(CONFIG["ref"]))


def read(ns: str, name: str):
    def run():
        table = catalog.load_table((ns, name))
        rows = sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
        kinds = set()
        for task in table.scan().plan_files():
            kinds.add("data")
            for d in task.delete_files:
                kinds.add(d.content.name.lower())
        return {"rows": rows, "files": sorted(kinds), "gc_enabled": table.properties.get("gc.enabled")}

    return run


for ns, name in CONFIG.get("read", []):
    steps.run(f"read {ns}.{name}", read(ns, name))


def write(ns: str, name: str):
    def run():
        schema = Schema(
            NestedField(1, "id", LongType(), required=False),
            NestedField(2, "name", StringType(), required=False),
            NestedField(3, "amount", DoubleType(), required=False),
        )
        table = catalog.create_table((ns, name), schema=schema)
        arrow = pa.schema([pa.field("id", pa.int64()), pa.field("name", pa.string()), pa.field("amount", pa.float64())])
        table.append(
            pa.Table.from_pylist(
                [{"id": 10, "name": "ten", "amount": 1.0}, {"id": 20, "name": "twenty", "amount": 2.5}], schema=arrow
            )
        )
        return {"snapshot": str(catalog.load_table((ns, name)).metadata.current_snapshot_id)}

    return run


if CONFIG.get("write"):
    ns, name = CONFIG["write"]
    steps.run(f"write {ns}.{name}", write(ns, name))
