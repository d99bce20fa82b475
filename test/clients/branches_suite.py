"""Branch isolation end to end across PyIceberg, Spark and DuckDB (one Spark JVM).

Writes on branch `feature` (URL /iceberg/feature) must be invisible on main until the management API merges
feature into main; then every client sees them on main. Also: create/drop/rename on a branch, a branch name
with a slash, and a read-only `main@<hash>` view."""

from __future__ import annotations

import urllib.parse

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from harness import (
    Steps,
    catalog_uri,
    create_branch,
    duckdb_attach,
    duckdb_connection,
    duckdb_rows,
    merge,
    ref_hash,
    spark_catalog,
    spark_from_snippet,
    sql_rows,
)

steps = Steps()
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "who", StringType(), required=False))
ARROW = pa.schema([("id", pa.int64()), ("who", pa.string())])


def rows(who: str, *ids: int) -> pa.Table:
    return pa.Table.from_pylist([{"id": i, "who": who} for i in ids], schema=ARROW)


main = load_catalog("main", type="rest", uri=catalog_uri("main"))
hashes: dict[str, str] = {}


def setup_main():
    main.create_namespace(("br",))
    main.create_table(("br", "orders"), SCHEMA).append(rows("main", 1, 2))
    main.create_table(("br", "to_rename"), SCHEMA).append(rows("main", 10))
    main.create_table(("br", "to_drop"), SCHEMA).append(rows("main", 20))
    create_branch("feature")
    hashes["main_before"] = ref_hash("main")
    return {"mainHash": hashes["main_before"]}


steps.run("setup on main with PyIceberg, create branch feature", setup_main)
feature = load_catalog("feature", type="rest", uri=catalog_uri("feature"))

spark = steps.run("start Spark (catalogs rat=main, feat=feature)", lambda: spark_from_snippet(catalog_uri("main")))
if spark is not None:
    spark_catalog(spark, "feat", catalog_uri("feature"))


def pyids(cat, ident) -> list[int]:
    return sorted(cat.load_table(ident).scan().to_arrow().column("id").to_pylist())


def sids(table: str) -> list[int]:
    spark.sql(f"REFRESH TABLE {table}")
    return [r["id"] for r in sql_rows(spark, f"SELECT id FROM {table} ORDER BY id")]


def tables_of(cat, ns=("br",)) -> list[str]:
    return sorted(i[-1] for i in cat.list_tables(ns))


def write_on_feature():
    feature.load_table(("br", "orders")).append(rows("pyiceberg@feature", 3))
    spark.sql("INSERT INTO feat.br.orders VALUES (4, 'spark@feature')")
    spark.sql("CREATE TABLE feat.br.only_feature (id BIGINT, who STRING) USING iceberg")
    spark.sql("INSERT INTO feat.br.only_feature VALUES (100, 'spark@feature')")
    feature.rename_table(("br", "to_rename"), ("br", "renamed"))
    feature.drop_table(("br", "to_drop"))
    return {"featureOrders": pyids(feature, ("br", "orders")), "featureTables": tables_of(feature)}


steps.run("write on feature: PyIceberg append, Spark INSERT + CREATE TABLE, rename, drop", write_on_feature)


def main_untouched_pyiceberg():
    exists = {n: main.table_exists(("br", n)) for n in ("only_feature", "renamed", "to_rename", "to_drop")}
    return {"orders": pyids(main, ("br", "orders")), "tables": tables_of(main), "exists": exists}


def main_untouched_spark():
    shown = sorted(r["tableName"] for r in sql_rows(spark, "SHOW TABLES IN rat.br"))
    return {"orders": sids("rat.br.orders"), "tables": shown, "featOrders": sids("feat.br.orders")}


con = duckdb_connection()


def duck_attach():
    duckdb_attach(con, "rmain", catalog_uri("main"))
    duckdb_attach(con, "rfeat", catalog_uri("feature"))
    return True


def duck_ids(table: str) -> list[int]:
    return [r["id"] for r in duckdb_rows(con, f"SELECT id FROM {table} ORDER BY id")]


def duck_tables(alias: str) -> list[str]:
    return sorted(r["name"] for r in duckdb_rows(con, "SHOW ALL TABLES") if r["database"] == alias and r["schema"] == "br")


def main_untouched_duckdb():
    return {
        "mor": duckdb_rows(con, "SELECT id, who FROM rfeat.br.mor ORDER BY id"),
        "orders": duck_ids("rmain.br.orders"),
        "tables": duck_tables("rmain"),
        "featOrders": duck_ids("rfeat.br.orders"),
        "featTables": duck_tables("rfeat"),
    }


def spark_merge_on_read_table():
    # Row-level deletes and updates as delete files (merge-on-read), written by Spark on feature.
    spark.sql(
        """CREATE TABLE feat.br.mor (id BIGINT, who STRING) USING iceberg
           TBLPROPERTIES ('format-version' = '2', 'write.delete.mode' = 'merge-on-read',
                          'write.update.mode' = 'merge-on-read', 'write.merge.mode' = 'merge-on-read')"""
    )
    spark.sql("INSERT INTO feat.br.mor VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')")
    spark.sql("DELETE FROM feat.br.mor WHERE id = 2")
    spark.sql("UPDATE feat.br.mor SET who = 'C' WHERE id = 3")
    deletes = sql_rows(spark, "SELECT count(*) AS n FROM feat.br.mor.delete_files")[0]["n"]
    return {"rows": sql_rows(spark, "SELECT id, who FROM feat.br.mor ORDER BY id"), "deleteFiles": deletes}


steps.run("Spark writes a merge-on-read table on feature (delete files)", spark_merge_on_read_table)
steps.run("before merge, main is untouched (PyIceberg)", main_untouched_pyiceberg)
steps.run("before merge, main is untouched (Spark)", main_untouched_spark)
steps.run("DuckDB attaches main and feature", duck_attach)
steps.run("before merge, main is untouched and feature has the writes (DuckDB)", main_untouched_duckdb)


def pyiceberg_reads_spark_mor():
    t = feature.load_table(("br", "mor"))
    return sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])


steps.run("PyIceberg reads Spark's merge-on-read table", pyiceberg_reads_spark_mor)


def read_only_hash_view():
    ro_uri = catalog_uri(f"main@{hashes['main_before']}")
    ro = load_catalog("ro", type="rest", uri=ro_uri)
    seen = pyids(ro, ("br", "orders"))
    try:
        ro.load_table(("br", "orders")).append(rows("nope", 999))
        refused = None
    except Exception as exc:  # noqa: BLE001
        refused = type(exc).__name__
    return {"orders": seen, "writeRefused": refused, "mainAfter": pyids(main, ("br", "orders"))}


steps.run("read-only main@hash view reads, refuses writes", read_only_hash_view)
steps.run("merge feature into main (management API)", lambda: merge("feature", "main"))


def merged_pyiceberg():
    exists = {n: main.table_exists(("br", n)) for n in ("only_feature", "renamed", "to_rename", "to_drop")}
    return {"orders": pyids(main, ("br", "orders")), "onlyFeature": pyids(main, ("br", "only_feature")), "exists": exists}


def merged_spark():
    shown = sorted(r["tableName"] for r in sql_rows(spark, "SHOW TABLES IN rat.br"))
    return {"orders": sids("rat.br.orders"), "renamed": sids("rat.br.renamed"), "tables": shown}


def merged_duckdb():
    con.execute("DETACH rmain")
    duckdb_attach(con, "rmain", catalog_uri("main"))
    return {"orders": duck_ids("rmain.br.orders"), "tables": duck_tables("rmain"), "onlyFeature": duck_ids("rmain.br.only_feature")}


steps.run("after merge, main has everything (PyIceberg)", merged_pyiceberg)
steps.run("after merge, main has everything (Spark)", merged_spark)
steps.run("after merge, main has everything (DuckDB)", merged_duckdb)


def slash_branch():
    create_branch("feature/x")
    fx = load_catalog("fx", type="rest", uri=catalog_uri("feature/x"))
    fx.load_table(("br", "orders")).append(rows("feature/x", 5))
    return {
        "uri": catalog_uri("feature/x"),
        "fx": pyids(fx, ("br", "orders")),
        "main": pyids(main, ("br", "orders")),
    }


def slash_branch_spark_duckdb():
    spark_catalog(spark, "fx", catalog_uri("feature/x"))
    spark_ids = sids("fx.br.orders")
    spark.sql("INSERT INTO fx.br.orders VALUES (7, 'spark@feature/x')")
    duckdb_attach(con, "rfx", catalog_uri("feature/x"))
    return {
        "spark": spark_ids,
        "duckdb": duck_ids("rfx.br.orders"),
        "pyiceberg": pyids(load_catalog("fx2", type="rest", uri=catalog_uri("feature/x")), ("br", "orders")),
        "main": pyids(main, ("br", "orders")),
    }


steps.run("a branch with a slash (/iceberg/feature%2Fx) is isolated too", slash_branch)
steps.run("Spark and DuckDB on the slash branch", slash_branch_spark_duckdb)


def spark_write_on_feature_after_merge():
    # The branch keeps living after a merge: write again and merge again, now with Spark alone.
    spark.sql("INSERT INTO feat.br.orders VALUES (6, 'spark@feature again')")
    before = sids("rat.br.orders")
    merge("feature", "main")
    return {"before": before, "after": sids("rat.br.orders")}


steps.run("Spark writes on feature again, second merge", spark_write_on_feature_after_merge)
if spark is not None:
    steps.run("stop Spark", lambda: spark.stop())
