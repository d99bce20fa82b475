"""`rat env` outputs used as printed (test/cli-env.test.ts): the `.pyiceberg.yaml` by PyIceberg, the DuckDB statements
by DuckDB, the `--conf` flags by Spark. The only rewrites: DuckDB's INSTALL/LOAD lines (the extensions come from the
pinned wheels here) and Spark's `spark.jars.packages` (the jar comes from the Maven cache), both asserted present."""

from __future__ import annotations

import os
import shlex

import pyarrow as pa

from harness import CONFIG, Steps, duckdb_connection, duckdb_rows, split_sql

steps = Steps()
work = os.environ["RAT_WORK_DIR"]


def pyiceberg_from_yaml():
    with open(os.path.join(work, ".pyiceberg.yaml"), "w") as f:
        f.write(CONFIG["yaml"])
    os.environ["PYICEBERG_HOME"] = work
    from pyiceberg.catalog import load_catalog

    cat = load_catalog("rat")
    cat.create_namespace(("envns",))
    t = cat.create_table(("envns", "t"), pa.schema([("id", pa.int64())]))
    t.append(pa.Table.from_pylist([{"id": 1}, {"id": 2}], schema=pa.schema([("id", pa.int64())])))
    return [r["id"] for r in cat.load_table(("envns", "t")).scan().to_arrow().to_pylist()]


steps.run("PyIceberg with the printed .pyiceberg.yaml", pyiceberg_from_yaml)

con = duckdb_connection()


def duckdb_from_statements():
    statements = split_sql(CONFIG["duckdb"])
    skipped = [s for s in statements if s.upper().startswith(("INSTALL ", "LOAD "))]
    assert {s.upper() for s in skipped} == {"INSTALL HTTPFS", "INSTALL ICEBERG", "LOAD HTTPFS", "LOAD ICEBERG"}, skipped
    for s in statements:
        if s not in skipped:
            con.execute(s)
    return [r["id"] for r in duckdb_rows(con, "SELECT id FROM rat.envns.t ORDER BY id")]


steps.run("DuckDB with the printed statements", duckdb_from_statements)
steps.expect_error(
    "DuckDB attaching an unknown warehouse",
    lambda: con.execute(
        f"ATTACH 'no_such_warehouse' AS other (TYPE iceberg, ENDPOINT '{CONFIG['uri']}', AUTHORIZATION_TYPE 'none')"
    ),
)


def spark_from_flags():
    from pyspark.sql import SparkSession

    words = shlex.split(CONFIG["spark"].replace("\\\n", " "))
    confs = dict(w.split("=", 1) for w in words if w != "--conf")
    assert words.count("--conf") == len(confs), words
    assert confs.pop("spark.jars.packages").startswith("org.apache.iceberg:iceberg-spark-runtime-"), confs
    builder = SparkSession.builder.appName("rat-env").config("spark.jars", CONFIG["sparkJar"])
    for k, v in confs.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # WRITE ORDERED BY is Iceberg's SQL extension: it parses only when spark.sql.extensions is set.
    spark.sql("ALTER TABLE envns.t WRITE ORDERED BY id")
    spark.sql("INSERT INTO envns.t VALUES (3)")
    return [r["id"] for r in spark.sql("SELECT id FROM envns.t ORDER BY id").collect()]


steps.run("Spark with the printed --conf flags", spark_from_flags)
steps.flush()
