"""The Spark cases of merge_suite.py: row-level changes (DELETE, INSERT, MERGE INTO, copy-on-write and
merge-on-read) on two branches of the same partitioned tables, merged into main and read back."""

from __future__ import annotations

from harness import catalog_uri, duckdb_attach, duckdb_connection, duckdb_rows
from merge_fixtures import merge, outcomes, refused_merge, spark_rows, table


def spark_delete_and_insert(spark):
    # sdays: k deletes day 1 (whole partition, copy-on-write), l inserts into day 3; sdays2: the other way round;
    # smor: k deletes one row of day 1 with a merge-on-read position delete, l inserts into day 3. l merges first,
    # then k: k's delete is replayed onto l's insert (sdays, smor) and k's insert onto l's delete (sdays2).
    spark.sql("DELETE FROM k.mg.sdays WHERE day = 1")
    spark.sql("INSERT INTO l.mg.sdays VALUES (4, 'l', 3)")
    spark.sql("INSERT INTO k.mg.sdays2 VALUES (4, 'k', 3)")
    spark.sql("DELETE FROM l.mg.sdays2 WHERE day = 1")
    spark.sql("DELETE FROM k.mg.smor WHERE id = 1")
    spark.sql("INSERT INTO l.mg.smor VALUES (4, 'l', 3)")
    l = merge("l")
    k = merge("k")
    return {
        "l": l["status"],
        "k": {"status": k["status"], "outcomes": outcomes(k["body"]) if k["status"] == 200 else k["body"]},
        "sdays": spark_rows(spark, "SELECT id, day FROM rat.mg.sdays ORDER BY id", "rat.mg.sdays"),
        "sdays2": spark_rows(spark, "SELECT id, day FROM rat.mg.sdays2 ORDER BY id", "rat.mg.sdays2"),
        "smor": spark_rows(spark, "SELECT id, day FROM rat.mg.smor ORDER BY id", "rat.mg.smor"),
        "smorPy": sorted([r["id"], r["day"]] for r in table("main", "smor").scan().to_arrow().to_pylist()),
        "smorDeleteFiles": spark_rows(spark, 
            "SELECT count(*) FROM rat.mg.smor.delete_files", "rat.mg.smor"
        )[0][0],
    }



def spark_merge_into_same_rows(spark):
    for b, who in (("m", "m"), ("n", "n")):
        spark.sql(
            f"MERGE INTO {b}.mg.smerge t USING (SELECT 1 AS id, '{who}' AS who, 1 AS day) s "
            "ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.who = s.who"
        )
    n = merge("n")
    return {
        "n": n["status"],
        "m": refused_merge("m"),
        "rows": spark_rows(spark, "SELECT id, who FROM rat.mg.smerge ORDER BY id", "rat.mg.smerge"),
    }



def spark_delete_and_insert_same_day(spark):
    # The tables have `id` as identifier field; day 1 holds ids 1 and 2 in one file. q deletes id 1 (copy-on-write in sbounds and sbclash, merge-on-read in
    # sbmor); r inserts into day 1 as well: ids 100 and 101 in sbounds and sbmor, outside the rewritten file's id range,
    # so the delete could not have matched them; id 1 again in sbclash, which the delete would have removed.
    for t in ("sbounds", "sbmor", "sbclash"):
        spark.sql(f"DELETE FROM q.mg.{t} WHERE id = 1")
    for t in ("sbounds", "sbmor"):
        spark.sql(f"INSERT INTO r.mg.{t} VALUES (100, 'r', 1), (101, 'r', 1)")
    spark.sql("INSERT INTO r.mg.sbclash VALUES (1, 'r', 1)")
    r = merge("r")
    q = refused_merge("q")
    keep_main = [{"key": {"elements": ["mg", "sbclash"]}, "mergeBehavior": "DROP"}]
    q_without_clash = merge("q", keyMergeModes=keep_main)
    read = lambda t: spark_rows(spark, f"SELECT id, day FROM rat.mg.{t} ORDER BY id", f"rat.mg.{t}")  # noqa: E731
    con = duckdb_connection()
    duckdb_attach(con, "rat", catalog_uri("main"))
    duck = lambda t: [[x["id"], x["day"]] for x in duckdb_rows(con, f"SELECT id, day FROM rat.mg.{t} ORDER BY id")]  # noqa: E731
    return {
        "r": r["status"],
        "q": q,
        "qWithoutClash": q_without_clash["status"],
        "sbounds": read("sbounds"),
        "sbmor": read("sbmor"),
        "sbclash": read("sbclash"),
        "sboundsDuck": duck("sbounds"),
        "sbmorDuck": duck("sbmor"),
    }
