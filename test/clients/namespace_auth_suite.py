"""Namespace-restricted roles with PyIceberg, against a server started with the namespace auth config of
test/auth-namespaces.test.ts: `ops` (admin) lays out sales, sales.eu and hr on main; `analyst` reads sales and
everything below it and nothing else; `loader` writes sales and staging, not hr."""

from __future__ import annotations

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField

from harness import CONFIG, Steps, catalog_uri

steps = Steps()
SECRET: str = CONFIG["secret"]
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False))
ARROW = pa.schema([("id", pa.int64())])


def catalog(client: str):
    """PyIceberg with `credential=<id>:<secret>`: it fetches a token at <uri>/v1/oauth/tokens itself."""
    return load_catalog(client, type="rest", uri=catalog_uri(), credential=f"{client}:{SECRET}")


def lay_out():
    ops = catalog("ops")
    for ns in [("sales",), ("sales", "eu"), ("hr",), ("staging",)]:
        ops.create_namespace(ns)
    for ident in [("sales", "orders"), ("sales", "eu", "returns"), ("hr", "salaries")]:
        ops.create_table(ident, SCHEMA).append(pa.Table.from_pylist([{"id": 1}], schema=ARROW))
    return sorted(".".join(n) for n in ops.list_namespaces())


steps.run("ops lays out sales, sales.eu, hr and staging", lay_out)


def analyst_reads():
    cat = catalog("analyst")
    return {
        "top": [".".join(n) for n in cat.list_namespaces()],
        "underSales": [".".join(n) for n in cat.list_namespaces(("sales",))],
        "tables": [".".join(t) for t in cat.list_tables(("sales",))],
        "rows": cat.load_table(("sales", "orders")).scan().to_arrow().column("id").to_pylist(),
        "euExists": cat.table_exists(("sales", "eu", "returns")),
    }


steps.run("analyst lists and reads sales", analyst_reads)
steps.expect_error("analyst loads hr.salaries -> ForbiddenError", lambda: catalog("analyst").load_table(("hr", "salaries")))
steps.expect_error("analyst lists tables of hr -> ForbiddenError", lambda: catalog("analyst").list_tables(("hr",)))
steps.expect_error(
    "analyst appends to sales.orders -> ForbiddenError",
    lambda: catalog("analyst").load_table(("sales", "orders")).append(pa.Table.from_pylist([{"id": 2}], schema=ARROW)),
)


def loader_writes_staging():
    cat = catalog("loader")
    t = cat.create_table(("staging", "batch"), SCHEMA)
    t.append(pa.Table.from_pylist([{"id": 7}], schema=ARROW))
    return cat.load_table(("staging", "batch")).scan().to_arrow().column("id").to_pylist()


steps.run("loader writes in staging", loader_writes_staging)
steps.expect_error(
    "loader creates a table in hr -> ForbiddenError", lambda: catalog("loader").create_table(("hr", "x"), SCHEMA)
)
steps.expect_error(
    "loader renames staging.batch into hr -> ForbiddenError",
    lambda: catalog("loader").rename_table(("staging", "batch"), ("hr", "batch")),
)
