"""Spark reads tables through the catalog's server-side scan planning (test/scan-planning-spark.test.ts).

Catalog `rat` plans scans in Spark (Iceberg's client-side planning, the reference); catalog `srv` is the same branch
with `scan-planning-mode=server`, so every scan it runs asks the catalog to plan it (`POST …/plan`, and `POST …/tasks`
for tables of more than a few manifests). Steps: write a partitioned merge-on-read table over many commits (position
delete files from DELETE and UPDATE, rows added after the deletes) and a small unpartitioned one; then run the same
queries (and time travel) through both catalogs and record any query whose rows differ. Incremental reads are not
here: Iceberg 1.11 plans them in the client whatever the mode (the Java conformance test covers them over HTTP).
"""

from __future__ import annotations

from harness import Steps, catalog_uri, spark_catalog, spark_from_snippet, sql_rows

steps = Steps()
spark = steps.run("start Spark", lambda: spark_from_snippet(catalog_uri("main")))
if spark is None:
    raise SystemExit(0)
spark_catalog(spark, "srv", catalog_uri("main"))
spark.conf.set("spark.sql.catalog.srv.scan-planning-mode", "server")


def q(sql: str):
    return sql_rows(spark, sql)


def write():
    q("CREATE NAMESPACE sp")
    q(
        """CREATE TABLE sp.events (id BIGINT NOT NULL, region STRING, ts TIMESTAMP, amount DECIMAL(10,2),
                                   note STRING, big BIGINT) USING iceberg
           PARTITIONED BY (region, days(ts))
           TBLPROPERTIES ('format-version' = '2', 'write.delete.mode' = 'merge-on-read',
                          'write.update.mode' = 'merge-on-read')"""
    )
    regions = ["eu", "us", "apac"]
    # One commit per batch: each adds a manifest, so the table has more than the catalog answers in one plan.
    for batch in range(8):
        rows = ", ".join(
            f"({batch * 10 + i}, '{regions[(batch + i) % 3]}', TIMESTAMP '2026-01-0{1 + (batch + i) % 5} 1{i % 10}:00:00',"
            f" {batch * 10 + i}.25, {'NULL' if i % 4 == 0 else repr('n' + str(i))}, {9007199254740993 + batch * 10 + i})"
            for i in range(10)
        )
        q(f"INSERT INTO sp.events VALUES {rows}")
    q("DELETE FROM sp.events WHERE id % 7 = 0")
    # The delete wrote a position delete file per data file; the update writes one per partition, which applies to
    # every data file of its partition older than it.
    q("ALTER TABLE sp.events SET TBLPROPERTIES ('write.delete.granularity' = 'partition')")
    q("UPDATE sp.events SET note = 'updated' WHERE region = 'us' AND id > 40")
    q("INSERT INTO sp.events VALUES (900, 'eu', TIMESTAMP '2026-01-02 09:00:00', 9.99, 'late', 1)")
    q("CREATE TABLE sp.small (id BIGINT, name STRING) USING iceberg TBLPROPERTIES ('format-version' = '2')")
    q("INSERT INTO sp.small VALUES (1, 'a'), (2, 'b'), (3, NULL)")
    q("INSERT INTO sp.small VALUES (4, 'd')")
    snaps = q("SELECT snapshot_id FROM sp.events.snapshots ORDER BY committed_at")
    return {
        "deleteFiles": q("SELECT count(*) AS n FROM sp.events.delete_files")[0]["n"],
        # Partition-scoped: file_path bounds that are not one path (2147483546 is the file_path field id); Iceberg's
        # writers leave them out then.
        "partitionDeleteFiles": q(
            "SELECT count(*) AS n FROM sp.events.delete_files WHERE lower_bounds[2147483546] IS NULL"
            " OR lower_bounds[2147483546] <> upper_bounds[2147483546]"
        )[0]["n"],
        "manifests": q("SELECT count(*) AS n FROM sp.events.manifests")[0]["n"],
        "snapshots": [str(s["snapshot_id"]) for s in snaps],
    }


written = steps.run("write a partitioned merge-on-read table and a small one", write)

QUERIES = [
    "SELECT * FROM {c}.sp.events",
    "SELECT * FROM {c}.sp.events WHERE region = 'eu'",
    "SELECT * FROM {c}.sp.events WHERE ts >= TIMESTAMP '2026-01-04 00:00:00'",
    "SELECT * FROM {c}.sp.events WHERE id BETWEEN 12 AND 35",
    "SELECT * FROM {c}.sp.events WHERE id IN (3, 44, 71, 900)",
    "SELECT * FROM {c}.sp.events WHERE note IS NULL",
    "SELECT * FROM {c}.sp.events WHERE note = 'updated' OR amount > 70",
    "SELECT * FROM {c}.sp.events WHERE NOT (region = 'us')",
    "SELECT * FROM {c}.sp.events WHERE note LIKE 'n1%'",
    "SELECT * FROM {c}.sp.events WHERE big > 9007199254741030",
    "SELECT * FROM {c}.sp.events WHERE region = 'nowhere'",
    "SELECT id, region FROM {c}.sp.events WHERE amount < 20.5",
    "SELECT count(*) AS n, sum(amount) AS s FROM {c}.sp.events",
    "SELECT * FROM {c}.sp.small",
    "SELECT * FROM {c}.sp.small WHERE name IS NOT NULL AND id > 1",
    # A LIMIT Spark may push down as min-rows-requested: the count, not which rows, is determined.
    "SELECT count(*) AS n FROM (SELECT * FROM {c}.sp.small LIMIT 2)",
    "SELECT count(*) AS n FROM (SELECT * FROM {c}.sp.events LIMIT 5)",
]


def rows_of(sql: str):
    # 64-bit and decimal values as text, so the comparison is exact.
    got = spark.sql(sql)
    return sorted(tuple("None" if v is None else str(v) for v in r) for r in got.collect())


def compare():
    differing = []
    counts = {}
    for template in QUERIES:
        client, server = rows_of(template.format(c="rat")), rows_of(template.format(c="srv"))
        counts[template] = len(client)
        if client != server:
            differing.append({"query": template, "client": len(client), "server": len(server)})
    return {"differing": differing, "counts": counts}


steps.run("the same queries through client-side and server-side planning", compare)


def time_travel():
    snaps = written["snapshots"] if written else []
    differing = []
    for snap in snaps[2:4] + snaps[-3:-1]:
        sql = "SELECT * FROM {c}.sp.events VERSION AS OF " + snap
        if rows_of(sql.format(c="rat")) != rows_of(sql.format(c="srv")):
            differing.append(snap)
    return {"differing": differing, "checked": len(snaps[2:4] + snaps[-3:-1])}


steps.run("time travel through both", time_travel)
