"""Authentication and protected branches with real clients, against a server started with the team auth config
(test/support/auth.ts): `etl` (writer) works on its branch and is refused direct commits to protected `main`, `rel`
(releaser) merges into `main`, `bi` (reader) reads and is refused writes, no credential is refused everywhere.
DuckDB (and Spark when `sparkJar` is given) connect with client credentials too."""

from __future__ import annotations

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from harness import (
    CONFIG,
    Steps,
    catalog_uri,
    client_token,
    create_branch,
    duckdb_connection,
    duckdb_rows,
    merge,
    sql_rows,
)

steps = Steps()
SECRETS: dict[str, str] = CONFIG["secrets"]
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "who", StringType(), required=False))
ARROW = pa.schema([("id", pa.int64()), ("who", pa.string())])


def rows(who: str, *ids: int) -> pa.Table:
    return pa.Table.from_pylist([{"id": i, "who": who} for i in ids], schema=ARROW)


def catalog(client: str, ref: str | None = None):
    """PyIceberg with `credential=<id>:<secret>`: it fetches a token at <uri>/v1/oauth/tokens itself."""
    return load_catalog(f"{client}-{ref}", type="rest", uri=catalog_uri(ref), credential=f"{client}:{SECRETS[client]}")


def ids(table) -> list[int]:
    return sorted(table.scan().to_arrow().column("id").to_pylist())


tokens = {c: client_token(c, SECRETS[c]) for c in ("etl", "rel", "ops")}


def etl_writes_on_branch():
    create_branch("etl", token=tokens["etl"])
    cat = catalog("etl", "etl")
    cat.create_namespace(("sales",))
    t = cat.create_table(("sales", "orders"), SCHEMA)
    t.append(rows("etl", 1, 2, 3))
    return ids(cat.load_table(("sales", "orders")))


steps.run("etl writes on its branch with credential=etl:secret", etl_writes_on_branch)
steps.expect_error(
    "etl direct commit to protected main -> ForbiddenError",
    lambda: catalog("etl").create_namespace(("direct",)),
)
steps.run("rel merges etl into main", lambda: merge("etl", "main", token=tokens["rel"]) and None)
steps.run("bi reads main", lambda: ids(catalog("bi").load_table(("sales", "orders"))))
steps.expect_error(
    "etl append to a table on protected main -> ForbiddenError",
    lambda: catalog("etl").load_table(("sales", "orders")).append(rows("etl", 4)),
)
steps.expect_error(
    "bi append on a branch -> ForbiddenError",
    lambda: catalog("bi", "etl").load_table(("sales", "orders")).append(rows("bi", 9)),
)
steps.expect_error(
    "bi creates a namespace -> ForbiddenError",
    lambda: catalog("bi", "etl").create_namespace(("bi",)),
)
steps.expect_error(
    "no credential -> UnauthorizedError",
    lambda: load_catalog("anon", type="rest", uri=catalog_uri()).list_namespaces(),
)
steps.expect_error(
    "wrong secret -> OAuthError",
    lambda: load_catalog("bad", type="rest", uri=catalog_uri(), credential="etl:wrong").list_namespaces(),
)


def duckdb_with_client_credentials():
    con = duckdb_connection()
    base = catalog_uri()
    con.execute(
        f"""CREATE SECRET bi_secret (TYPE iceberg, CLIENT_ID 'bi', CLIENT_SECRET '{SECRETS["bi"]}',
            OAUTH2_SERVER_URI '{base}/v1/oauth/tokens')"""
    )
    con.execute(f"ATTACH 'default' AS lake (TYPE iceberg, ENDPOINT '{base}', SECRET bi_secret)")
    read = duckdb_rows(con, "SELECT id FROM lake.sales.orders ORDER BY id")
    try:
        con.execute("INSERT INTO lake.sales.orders VALUES (7, 'duck')")
        refused = None
    except Exception as e:  # noqa: BLE001 - DuckDB raises its own HTTP error classes
        refused = type(e).__name__ + ": " + str(e)[:300]
    return {"ids": [r["id"] for r in read], "writeRefused": refused}


steps.run("duckdb connects with client credentials (bi) and reads main", duckdb_with_client_credentials)

if CONFIG.get("sparkJar"):

    def spark_with_client_credentials():
        from pyspark.sql import SparkSession

        # Not the documented snippet: its catalog has no credential and it runs a query at once.
        spark = (
            SparkSession.builder.appName("ratatouille-auth")
            .config("spark.jars", CONFIG["sparkJar"])
            .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config("spark.sql.catalog.etlcat", "org.apache.iceberg.spark.SparkCatalog")
            .config("spark.sql.catalog.etlcat.type", "rest")
            .config("spark.sql.catalog.etlcat.uri", catalog_uri("etl"))
            .config("spark.sql.catalog.etlcat.credential", f"etl:{SECRETS['etl']}")
            .config("spark.sql.defaultCatalog", "etlcat")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        spark.sql("INSERT INTO etlcat.sales.orders VALUES (5, 'spark')")
        return [r["id"] for r in sql_rows(spark, "SELECT id FROM etlcat.sales.orders ORDER BY id")]

    steps.run("spark writes on the etl branch with client credentials", spark_with_client_credentials)

