"""Spark (Iceberg 1.11 S3FileIO) writing and reading through the catalog's S3 remote signing, with auth on.

Driven by test/s3-signing-clients.test.ts (step model: test/clients/harness.py). Spark holds no S3 keys: the catalog
hands it a per-table signer endpoint (it announces `X-Iceberg-Access-Delegation: remote-signing`), and its S3FileIO
asks that endpoint to sign every request, authenticating with the catalog credential it was given. Two catalogs on
the same branch: `etl` (a writer) and `guest` (reads only `team/*`).
"""

from __future__ import annotations

from harness import CONFIG, Steps, catalog_uri, sql_rows

steps = Steps()
BRANCH = CONFIG["branch"]


def start_spark():
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("ratatouille-s3-signing")
        .config("spark.jars", ",".join(CONFIG["sparkJars"]))
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
    )
    for name, credential in (("etl", CONFIG["etlCredential"]), ("guest", CONFIG["guestCredential"])):
        builder = (
            builder.config(f"spark.sql.catalog.{name}", "org.apache.iceberg.spark.SparkCatalog")
            .config(f"spark.sql.catalog.{name}.type", "rest")
            .config(f"spark.sql.catalog.{name}.uri", catalog_uri(BRANCH))
            .config(f"spark.sql.catalog.{name}.credential", credential)
            .config(f"spark.sql.catalog.{name}.header.X-Iceberg-Access-Delegation", "remote-signing")
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


spark = steps.run("start Spark with remote signing", start_spark)


def files(catalog: str, table: str) -> list[str]:
    return [r["file_path"] for r in sql_rows(spark, f"SELECT file_path FROM {catalog}.db.{table}.files")]


def etl_writes():
    spark.sql("CREATE TABLE etl.db.events (id bigint, name string) USING iceberg").collect()
    spark.sql("INSERT INTO etl.db.events VALUES (1, 'a'), (2, 'b'), (3, 'c')").collect()
    spark.sql("CREATE TABLE etl.db.secrets (id bigint) USING iceberg").collect()
    spark.sql("INSERT INTO etl.db.secrets VALUES (42)").collect()
    return {"events": files("etl", "events"), "secrets": files("etl", "secrets")}


def guest_reads():
    # Read before the writer reads anything back: Java keeps signed GETs for 30 s per JVM, so these are all
    # signed for guest's own token.
    return [r["id"] for r in sql_rows(spark, "SELECT id FROM guest.db.events ORDER BY id")]


def guest_writes():
    spark.sql("INSERT INTO guest.db.events VALUES (9, 'z')").collect()


def etl_ctas():
    # CREATE TABLE … AS SELECT is a staged create: the files are written before the table exists on the branch, so
    # they are signed through the endpoint the staged create handed out.
    spark.sql("CREATE TABLE etl.db.big AS SELECT id * 10 AS id, name FROM etl.db.events WHERE id > 1").collect()
    return {"rows": [r["id"] for r in sql_rows(spark, "SELECT id FROM etl.db.big ORDER BY id")], "files": files("etl", "big")}


def etl_reads_and_appends():
    spark.sql("INSERT INTO etl.db.events VALUES (4, 'd')").collect()
    return [r["id"] for r in sql_rows(spark, "SELECT id FROM etl.db.events ORDER BY id")]


if spark is not None:
    steps.run("spark etl: create two tables and insert through signed writes", etl_writes)
    steps.run("spark guest: read the first table through signed reads", guest_reads)
    steps.expect_error("spark guest: an insert is refused", guest_writes)
    steps.run("spark etl: append and read back", etl_reads_and_appends)
    steps.run("spark etl: create a table as select (a staged create)", etl_ctas)
    spark.stop()
