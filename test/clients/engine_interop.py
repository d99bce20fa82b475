"""Engine interop (test/engine-clients.test.ts): PyIceberg and Spark read what the engine wrote, and write tables
(Spark merge-on-read position deletes and v3 deletion vectors, PyIceberg deletes) for the engine to read back and
compact."""

from __future__ import annotations

from pyiceberg.catalog import load_catalog

from harness import CONFIG, Steps, catalog_uri, spark_from_snippet, sql_rows

steps = Steps()
cat = load_catalog("rat", **{"type": "rest", "uri": catalog_uri("main")})


def pyiceberg_reads_engine_table():
    t = cat.load_table("eng.orders")
    arrow = t.scan().to_arrow()
    return {
        "rows": arrow.num_rows,
        "sum_id": sum(arrow.column("id").to_pylist()),
        "columns": arrow.column_names,
        "filtered": t.scan(row_filter="id >= 15").to_arrow().num_rows,
        "spec": [f.name for f in t.spec().fields],
    }


steps.run("pyiceberg reads engine table", pyiceberg_reads_engine_table)


def pyiceberg_reads_renamed_column():
    t = cat.load_table("eng.sales")
    arrow = t.scan().to_arrow().sort_by("id")
    return {
        "columns": arrow.column_names,
        "ids": {f.name: f.field_id for f in t.schema().fields},
        "rows": [[r["id"], r["revenue"]] for r in arrow.to_pylist()],
        "schemas": len(t.schemas()),
    }


steps.run("pyiceberg reads a renamed column", pyiceberg_reads_renamed_column)


def pyiceberg_writes_with_delete():
    import pyarrow as pa

    try:
        cat.create_namespace("pyi")
    except Exception:
        pass
    data = pa.table({"id": pa.array(list(range(1, 6)), pa.int64()), "v": pa.array(["a", "b", "c", "d", "e"])})
    t = cat.create_table("pyi.t", schema=data.schema)
    t.append(data)
    t.delete("id = 1")
    return t.scan().to_arrow().num_rows


steps.run("pyiceberg writes a table and deletes a row", pyiceberg_writes_with_delete)

spark = steps.run("start Spark", lambda: spark_from_snippet(catalog_uri("main")))
if spark is not None:
    steps.run(
        "spark reads engine table",
        lambda: sql_rows(spark, "SELECT count(*) AS n, sum(id) AS s FROM rat.eng.orders")[0],
    )

    def spark_merge_on_read():
        spark.sql("CREATE NAMESPACE IF NOT EXISTS rat.spk")
        spark.sql(
            "CREATE TABLE rat.spk.mor (id BIGINT, v STRING) USING iceberg TBLPROPERTIES ("
            "'format-version'='2', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read')"
        )
        spark.sql("INSERT INTO rat.spk.mor SELECT id, concat('v', id) FROM range(1, 11)")
        spark.sql("DELETE FROM rat.spk.mor WHERE id <= 3")
        spark.sql("UPDATE rat.spk.mor SET v = 'changed' WHERE id = 10")
        # The same rows and deletes again, for the engine to upsert into.
        spark.sql("CREATE TABLE rat.spk.keyed USING iceberg TBLPROPERTIES ("
                  "'format-version'='2', 'write.delete.mode'='merge-on-read') AS SELECT * FROM rat.spk.mor WHERE false")
        spark.sql("INSERT INTO rat.spk.keyed SELECT id, concat('v', id) FROM range(1, 11)")
        spark.sql("DELETE FROM rat.spk.keyed WHERE id <= 3")
        files = sql_rows(spark, "SELECT content, count(*) AS n FROM rat.spk.mor.files GROUP BY content ORDER BY content")
        return {"rows": sql_rows(spark, "SELECT count(*) AS n FROM rat.spk.mor")[0]["n"], "files": files}

    steps.run("spark writes merge-on-read deletes", spark_merge_on_read)

    def spark_deletion_vectors():
        spark.sql(
            "CREATE TABLE rat.spk.dv (id BIGINT, v STRING) USING iceberg TBLPROPERTIES ("
            "'format-version'='3', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read')"
        )
        spark.sql("INSERT INTO rat.spk.dv SELECT id, concat('v', id) FROM range(1, 11)")
        spark.sql("DELETE FROM rat.spk.dv WHERE id IN (2, 4)")
        spark.sql("UPDATE rat.spk.dv SET v = 'changed' WHERE id = 9")
        formats = sql_rows(spark, "SELECT DISTINCT file_format FROM rat.spk.dv.delete_files")
        return {"rows": sql_rows(spark, "SELECT count(*) AS n FROM rat.spk.dv")[0]["n"], "formats": formats}

    steps.run("spark writes deletion vectors", spark_deletion_vectors)
    spark.stop()
