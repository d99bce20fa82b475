"""Spark writes a merge-on-read table (position delete files) for the UI's data preview (test/ui-preview-spark.test.ts).

Steps: create and fill the table, delete and update rows (both as delete files), and Spark's own read of the result;
the same on a format v3 table, whose deletes are deletion vectors in Puffin files; then a table whose data files are
Avro, which the preview must refuse rather than misread.
"""

from __future__ import annotations

from harness import Steps, catalog_uri, spark_from_snippet, sql_rows

steps = Steps()
spark = steps.run("start Spark", lambda: spark_from_snippet(catalog_uri("main")))
if spark is None:
    raise SystemExit(0)


def q(sql: str):
    return sql_rows(spark, sql)


def write():
    q("CREATE NAMESPACE ui")
    q(
        """CREATE TABLE ui.mor (id BIGINT NOT NULL, name STRING, amount DOUBLE, day DATE, big BIGINT) USING iceberg
           TBLPROPERTIES ('format-version' = '2', 'write.delete.mode' = 'merge-on-read',
                          'write.update.mode' = 'merge-on-read')"""
    )
    q(
        """INSERT INTO ui.mor VALUES
           (1, 'a', 1.5, DATE '2026-01-01', 9007199254740993),
           (2, 'b', NULL, DATE '2026-01-02', -9007199254740995),
           (3, NULL, 3.25, NULL, 1),
           (4, 'd', 4.0, DATE '2026-01-04', NULL)"""
    )
    q("INSERT INTO ui.mor VALUES (5, 'e', 5.5, DATE '2026-01-05', 5), (6, 'f', 6.5, DATE '2026-01-06', 6)")
    q("DELETE FROM ui.mor WHERE id IN (2, 5)")
    q("UPDATE ui.mor SET name = 'c!' WHERE id = 3")
    return {"deleteFiles": q("SELECT count(*) AS n FROM ui.mor.delete_files")[0]["n"]}


steps.run("write a merge-on-read table with deletes and an update", write)
# 64-bit values as text: the JSON the test reads back would round them.
steps.run("Spark reads the table", lambda: q("SELECT id, name, amount, day, CAST(big AS STRING) AS big FROM ui.mor ORDER BY id"))


def write_v3():
    q(
        """CREATE TABLE ui.dv (id BIGINT NOT NULL, name STRING) USING iceberg
           TBLPROPERTIES ('format-version' = '3', 'write.delete.mode' = 'merge-on-read',
                          'write.update.mode' = 'merge-on-read')"""
    )
    q("INSERT INTO ui.dv VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')")
    q("DELETE FROM ui.dv WHERE id = 2")
    q("UPDATE ui.dv SET name = 'c!' WHERE id = 3")
    return {"formats": sorted({r["file_format"] for r in q("SELECT file_format FROM ui.dv.delete_files")})}


steps.run("write a v3 table whose deletes are deletion vectors", write_v3)
steps.run("Spark reads the v3 table", lambda: q("SELECT id, name FROM ui.dv ORDER BY id"))


def write_avro():
    q(
        """CREATE TABLE ui.avro (id BIGINT, name STRING) USING iceberg
           TBLPROPERTIES ('format-version' = '2', 'write.format.default' = 'avro')"""
    )
    q("INSERT INTO ui.avro VALUES (1, 'a'), (2, 'b')")
    return {"formats": sorted({r["file_format"] for r in q("SELECT file_format FROM ui.avro.files")})}


steps.run("write a table with Avro data files", write_avro)
