"""DuckDB 1.5.5 + its iceberg extension (from the pinned wheels) against the Ratatouille catalog.

Reads a table PyIceberg wrote (same process, no JVM) and exercises the writes DuckDB 1.5.5 supports."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType, TimestampType

from harness import Steps, catalog_uri, duckdb_connection, duckdb_rows, run_duckdb_snippet

steps = Steps()
con = duckdb_connection()


def q(sql: str):
    return duckdb_rows(con, sql)


def ids(table: str) -> list[int]:
    return [r["id"] for r in q(f"SELECT id FROM {table} ORDER BY id")]


def seed_with_pyiceberg():
    cat = load_catalog("seed", type="rest", uri=catalog_uri("main"))
    cat.create_namespace(("dk",))
    schema = Schema(
        NestedField(1, "id", LongType(), required=False),
        NestedField(2, "category", StringType(), required=False),
        NestedField(3, "ts", TimestampType(), required=False),
    )
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"))
    t = cat.create_table(("dk", "from_pyiceberg"), schema, partition_spec=spec)
    arrow = pa.schema([("id", pa.int64()), ("category", pa.string()), ("ts", pa.timestamp("us"))])
    t.append(pa.Table.from_pylist([{"id": i, "category": "ab"[i % 2], "ts": dt.datetime(2026, 1, i)} for i in (1, 2, 3)], schema=arrow))
    first = t.current_snapshot().snapshot_id
    t.append(pa.Table.from_pylist([{"id": 4, "category": "a", "ts": dt.datetime(2026, 1, 4)}], schema=arrow))
    with t.update_schema() as u:
        u.add_column("note", StringType())
    return {"first": first}


seed = steps.run("seed a partitioned table with PyIceberg", seed_with_pyiceberg)
steps.run("ATTACH with the documented snippet", lambda: run_duckdb_snippet(con, "duckdb.sql", catalog_uri("main")))
steps.run("SHOW ALL TABLES lists the PyIceberg table", lambda: [
    f"{r['schema']}.{r['name']}" for r in q("SHOW ALL TABLES") if r["database"] == "rat"
])
steps.run("read the PyIceberg table (evolved schema, partitioned)", lambda: {
    "rows": q("SELECT id, category, note FROM rat.dk.from_pyiceberg ORDER BY id"),
})
if seed:
    steps.run("time travel with AT (VERSION => snapshot id)", lambda: ids(
        f"rat.dk.from_pyiceberg AT (VERSION => {seed['first']})"
    ))
steps.run("iceberg_snapshots() over the REST table", lambda: len(q("SELECT * FROM iceberg_snapshots(rat.dk.from_pyiceberg)")))


def create_insert():
    q("CREATE SCHEMA rat.duck")
    q("CREATE TABLE rat.duck.t (id BIGINT, name VARCHAR)")
    q("INSERT INTO rat.duck.t VALUES (1, 'one'), (2, 'two'), (3, 'three')")
    q("INSERT INTO rat.duck.t VALUES (4, 'four')")
    return {"ids": ids("rat.duck.t")}


steps.run("CREATE SCHEMA, CREATE TABLE, INSERT", create_insert)
steps.run("CREATE TABLE AS SELECT", lambda: (q("CREATE TABLE rat.duck.ctas AS SELECT id * 10 AS id FROM rat.duck.t"), ids("rat.duck.ctas"))[1])


def delete_update():
    q("DELETE FROM rat.duck.t WHERE id = 2")
    after_delete = ids("rat.duck.t")
    q("UPDATE rat.duck.t SET name = 'THREE' WHERE id = 3")
    return {"afterDelete": after_delete, "rows": q("SELECT id, name FROM rat.duck.t ORDER BY id")}


steps.run("DELETE and UPDATE", delete_update)


def transaction_two_inserts():
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO rat.duck.t VALUES (5, 'five')")
    con.execute("INSERT INTO rat.duck.ctas VALUES (50)")
    con.execute("COMMIT")
    return {"t": ids("rat.duck.t"), "ctas": ids("rat.duck.ctas")}


steps.run("one DuckDB transaction writing two tables", transaction_two_inserts)


def read_back_with_pyiceberg():
    cat = load_catalog("check", type="rest", uri=catalog_uri("main"))
    t = cat.load_table(("duck", "t"))
    rows = sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
    return {"rows": rows, "snapshots": len(t.snapshots())}


steps.run("PyIceberg reads what DuckDB wrote", read_back_with_pyiceberg)
steps.run("DROP TABLE", lambda: (q("DROP TABLE rat.duck.ctas"), [r["name"] for r in q("SHOW ALL TABLES") if r["schema"] == "duck"])[1])
