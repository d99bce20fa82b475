"""PyIceberg and Spark writing and reading through the catalog on an S3 warehouse, on a branch, then merged.

Driven by test/s3-clients.test.ts (step model: test/clients/harness.py). Neither client is given any S3 setting:
endpoint, region, path style and keys all come from the catalog's loadTable `config`. PyIceberg asks for vended
credentials by itself; Spark is told to with the `header.X-Iceberg-Access-Delegation` catalog property.
"""

from __future__ import annotations

import pyarrow as pa
from harness import CONFIG, Steps, catalog_uri, create_branch, exec_snippet, merge, sql_rows

steps = Steps()
BRANCH = CONFIG["branch"]
TABLE = "lake.events"


def py_catalog(ref: str):
    # The documented snippet, pointed at the branch: nothing but the catalog URI.
    return exec_snippet("pyiceberg.py", catalog_uri(ref))["catalog"]


def py_ids(ref: str) -> list[int]:
    t = py_catalog(ref).load_table(TABLE)
    return sorted(t.scan().to_arrow().column("id").to_pylist())


steps.run("create branch", lambda: create_branch(BRANCH))


def pyiceberg_write():
    cat = py_catalog(BRANCH)
    cat.create_namespace("lake")
    schema = pa.schema([pa.field("id", pa.int64()), pa.field("name", pa.string())])
    t = cat.create_table(TABLE, schema=schema)
    t.append(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}, schema=schema))
    io_props = {k: v for k, v in t.io.properties.items() if k.startswith(("s3.", "client."))}
    return {
        "location": t.location(),
        "ids": py_ids(BRANCH),
        "ioKeys": sorted(io_props),
        "dataFiles": [task.file.file_path for task in t.scan().plan_files()],
    }


steps.run("pyiceberg: create and append on the branch", pyiceberg_write)


def main_does_not_see():
    from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

    try:
        py_catalog("main").load_table(TABLE)
    except (NoSuchTableError, NoSuchNamespaceError) as exc:
        return type(exc).__name__
    raise AssertionError("the table is visible on main before the merge")


steps.run("main does not see the branch's table", main_does_not_see)


def start_spark():
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.appName("ratatouille-s3")
        .config("spark.jars", ",".join(CONFIG["sparkJars"]))
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.sql.catalog.rat", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.rat.type", "rest")
        .config("spark.sql.catalog.rat.uri", catalog_uri(BRANCH))
        .config("spark.sql.catalog.rat.header.X-Iceberg-Access-Delegation", "vended-credentials")
        .config("spark.sql.catalog.ratmain", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.ratmain.type", "rest")
        .config("spark.sql.catalog.ratmain.uri", catalog_uri("main"))
        .config("spark.sql.catalog.ratmain.header.X-Iceberg-Access-Delegation", "vended-credentials")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


spark = steps.run("start Spark with the Iceberg runtime and AWS bundle", start_spark)


def spark_read_write():
    before = [r["id"] for r in sql_rows(spark, f"SELECT id FROM rat.{TABLE} ORDER BY id")]
    spark.sql(f"INSERT INTO rat.{TABLE} VALUES (4, 'd'), (5, 'e')").collect()
    after = [r["id"] for r in sql_rows(spark, f"SELECT id FROM rat.{TABLE} ORDER BY id")]
    files = [r["file_path"] for r in sql_rows(spark, f"SELECT file_path FROM rat.{TABLE}.files")]
    return {"before": before, "after": after, "files": files}


if spark is not None:
    steps.run("spark: read PyIceberg's rows and insert on the branch", spark_read_write)

steps.run("pyiceberg: read Spark's rows on the branch", lambda: py_ids(BRANCH))
steps.run("merge the branch into main", lambda: merge(BRANCH, "main"))
steps.run("pyiceberg: main has every row after the merge", lambda: py_ids("main"))

if spark is not None:
    steps.run(
        "spark: main has every row after the merge",
        lambda: [r["id"] for r in sql_rows(spark, f"SELECT id FROM ratmain.{TABLE} ORDER BY id")],
    )
    spark.stop()


def purge():
    # The table lives on the branch and on main: drop it on the branch, then purge it on main (the last reference).
    py_catalog(BRANCH).drop_table(TABLE)
    py_catalog("main").purge_table(TABLE)
    return True


steps.run("drop on the branch, purge on main", purge)
