"""Spark 4.1 + Iceberg 1.11 SQL against the Ratatouille catalog, in one JVM (see harness.py for the step model)."""

from __future__ import annotations

from harness import Steps, api, catalog_uri, spark_error_class, spark_from_snippet, sql_rows

steps = Steps()
spark = steps.run("start Spark with the documented snippet", lambda: spark_from_snippet(catalog_uri("main")))
if spark is None:
    raise SystemExit(0)


def q(sql: str):
    return sql_rows(spark, sql)


def count(table: str) -> int:
    return q(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def ids(table: str) -> list[int]:
    return [r["id"] for r in q(f"SELECT id FROM {table} ORDER BY id")]


def expect_spark_error(name: str, sql: str) -> None:
    def fn():
        try:
            spark.sql(sql).collect()
        except Exception as exc:  # noqa: BLE001
            return {"raised": spark_error_class(exc), "message": str(exc)[:1500]}
        raise AssertionError(f"expected {sql!r} to fail")

    steps.run(name, fn)


def setup():
    q("CREATE NAMESPACE sp")
    q("CREATE NAMESPACE sp.nested")
    return {"namespaces": [list(r.values())[0] for r in q("SHOW NAMESPACES")], "nested": q("SHOW NAMESPACES IN sp")}


steps.run("CREATE NAMESPACE (nested), SHOW NAMESPACES", setup)


def create_partitioned():
    q(
        """CREATE TABLE sp.events (id BIGINT, category STRING, ts TIMESTAMP, amount DOUBLE)
           USING iceberg PARTITIONED BY (days(ts), category)
           TBLPROPERTIES ('format-version' = '2')"""
    )
    return {"tables": q("SHOW TABLES IN sp"), "describe": len(q("DESCRIBE TABLE sp.events"))}


steps.run("CREATE TABLE ... PARTITIONED BY", create_partitioned)


def insert():
    q(
        """INSERT INTO sp.events VALUES
           (1, 'a', TIMESTAMP '2026-01-01 10:00:00', 1.0),
           (2, 'b', TIMESTAMP '2026-01-01 11:00:00', 2.0),
           (3, 'a', TIMESTAMP '2026-01-02 10:00:00', 3.0)"""
    )
    q("INSERT INTO sp.events VALUES (4, 'c', TIMESTAMP '2026-01-03 10:00:00', 4.0)")
    return {"ids": ids("sp.events")}


steps.run("INSERT INTO", insert)
snaps: dict[str, int] = {}


def snapshots_table():
    rows = q("SELECT snapshot_id, parent_id, operation FROM sp.events.snapshots ORDER BY committed_at")
    snaps["first"] = rows[0]["snapshot_id"]
    snaps["second"] = rows[-1]["snapshot_id"]
    return {"count": len(rows), "operations": [r["operation"] for r in rows]}


steps.run("metadata table .snapshots", snapshots_table)


def update():
    q("UPDATE sp.events SET amount = amount * 10 WHERE id = 1")
    return q("SELECT id, amount FROM sp.events WHERE id = 1")


def delete():
    q("DELETE FROM sp.events WHERE id = 2")
    return {"ids": ids("sp.events")}


def merge_into():
    q(
        """MERGE INTO sp.events t
           USING (SELECT * FROM VALUES
                    (3L, 'a', TIMESTAMP '2026-01-02 10:00:00', 30.0D),
                    (5L, 'e', TIMESTAMP '2026-01-05 10:00:00', 5.0D) AS s(id, category, ts, amount)) s
           ON t.id = s.id
           WHEN MATCHED THEN UPDATE SET amount = s.amount
           WHEN NOT MATCHED THEN INSERT *"""
    )
    return {"rows": q("SELECT id, amount FROM sp.events ORDER BY id")}


steps.run("UPDATE", update)
steps.run("DELETE FROM", delete)
steps.run("MERGE INTO", merge_into)


def alter():
    q("ALTER TABLE sp.events ADD COLUMN note STRING")
    q("ALTER TABLE sp.events RENAME COLUMN amount TO value")
    q("ALTER TABLE sp.events ALTER COLUMN value COMMENT 'money'")
    q("ALTER TABLE sp.events SET TBLPROPERTIES ('team' = 'spark-suite')")
    q("ALTER TABLE sp.events ADD PARTITION FIELD bucket(4, id) AS id_bucket")
    q("ALTER TABLE sp.events DROP PARTITION FIELD category")
    q("ALTER TABLE sp.events WRITE ORDERED BY id")
    q("INSERT INTO sp.events VALUES (6, 'f', TIMESTAMP '2026-01-06 10:00:00', 6.0, 'after alter')")
    cols = [r["col_name"] for r in q("DESCRIBE TABLE sp.events")]
    props = {r["key"]: r["value"] for r in q("SHOW TBLPROPERTIES sp.events")}
    return {
        "columns": cols,
        "team": props.get("team"),
        "ids": ids("sp.events"),
        "note6": q("SELECT note FROM sp.events WHERE id = 6")[0]["note"],
    }


steps.run("ALTER TABLE (columns, properties, partition fields, write order)", alter)


def metadata_tables():
    return {
        "files": count("sp.events.files"),
        "history": count("sp.events.history"),
        "snapshots": count("sp.events.snapshots"),
        "manifests": count("sp.events.manifests"),
        "partitions": count("sp.events.partitions"),
        "refs": [r["name"] for r in q("SELECT name FROM sp.events.refs")],
    }


steps.run("metadata tables .files .history .snapshots .manifests .partitions .refs", metadata_tables)


def time_travel():
    return {
        "first": ids(f"sp.events VERSION AS OF {snaps['first']}"),
        "second": ids(f"sp.events VERSION AS OF {snaps['second']}"),
    }


steps.run("VERSION AS OF", time_travel)


def table_branch_tag():
    q(f"ALTER TABLE sp.events CREATE TAG v1 AS OF VERSION {snaps['second']}")
    q("ALTER TABLE sp.events CREATE BRANCH audit")
    q("INSERT INTO sp.events.branch_audit VALUES (77, 'z', TIMESTAMP '2026-02-01 10:00:00', 7.0, 'on audit')")
    return {
        "tag": ids("sp.events VERSION AS OF 'v1'"),
        "audit": ids("sp.events.branch_audit"),
        "main": ids("sp.events"),
        "refs": sorted(r["name"] for r in q("SELECT name FROM sp.events.refs")),
    }


steps.run("table-level CREATE TAG / CREATE BRANCH, write to branch", table_branch_tag)


def ctas():
    q("CREATE TABLE sp.summary USING iceberg AS SELECT category, count(*) AS n FROM sp.events GROUP BY category")
    first = q("SELECT category, n FROM sp.summary ORDER BY category")
    q("CREATE OR REPLACE TABLE sp.summary USING iceberg AS SELECT id FROM sp.events WHERE id < 4")
    return {"ctas": first, "rtas": ids("sp.summary")}


steps.run("CTAS and CREATE OR REPLACE TABLE AS SELECT", ctas)


def views():
    q("CREATE VIEW sp.big AS SELECT id, value FROM sp.events WHERE id >= 5")
    first = ids("sp.big")
    q("CREATE OR REPLACE VIEW sp.big AS SELECT id, value FROM sp.events WHERE id >= 6")
    replaced = ids("sp.big")
    shown = [r["viewName"] for r in q("SHOW VIEWS IN sp")]
    q("ALTER VIEW sp.big RENAME TO sp.bigger")
    renamed = ids("sp.bigger")
    q("DROP VIEW sp.bigger")
    after = [r["viewName"] for r in q("SHOW VIEWS IN sp")]
    return {"first": first, "replaced": replaced, "shown": shown, "renamed": renamed, "afterDrop": after}


steps.run("views: CREATE, CREATE OR REPLACE, SHOW, RENAME, DROP", views)


def rewrite():
    q("INSERT INTO sp.events VALUES (8, 'f', TIMESTAMP '2026-01-06 11:00:00', 8.0, 'small file')")
    before = count("sp.events.files")
    res = q("CALL rat.system.rewrite_data_files(table => 'sp.events', options => map('rewrite-all', 'true'))")
    last = q("SELECT operation FROM sp.events.snapshots ORDER BY committed_at DESC LIMIT 1")[0]["operation"]
    return {"before": before, "after": count("sp.events.files"), "result": res, "lastOperation": last, "ids": ids("sp.events")}


def refusal(sql: str) -> str | None:
    """The error message of a statement the catalog's gc.enabled=false makes Iceberg refuse, or None if it ran."""
    try:
        q(sql)
    except Exception as exc:  # noqa: BLE001
        return str(exc)[:500]
    return None


def expire():
    # Every table has gc.enabled=false: Iceberg's procedures refuse to delete files that other branches, tags or
    # kept history may still read. `rat gc` collects them instead.
    before = count("sp.events.snapshots")
    refused = refusal(
        "CALL rat.system.expire_snapshots(table => 'sp.events', older_than => TIMESTAMP '2100-01-01 00:00:00', retain_last => 1)"
    )
    orphans = refusal("CALL rat.system.remove_orphan_files(table => 'sp.events')")
    return {
        "before": before,
        "after": count("sp.events.snapshots"),
        "refused": refused,
        "orphansRefused": orphans,
        "ids": ids("sp.events"),
    }


steps.run("CALL system.rewrite_data_files", rewrite)
steps.run("CALL system.expire_snapshots", expire)


def format_upgrade_and_statistics():
    q("CREATE TABLE sp.upgraded (id BIGINT, s STRING) USING iceberg TBLPROPERTIES ('format-version' = '2')")
    q("INSERT INTO sp.upgraded VALUES (1, 'a'), (2, 'b')")
    q("ALTER TABLE sp.upgraded SET TBLPROPERTIES ('format-version' = '3')")
    q("INSERT INTO sp.upgraded VALUES (3, 'c')")
    stats = q("CALL rat.system.compute_table_stats(table => 'sp.upgraded')")
    status, loaded = api("GET", "/iceberg/main/v1/namespaces/sp/tables/upgraded")
    meta = loaded["metadata"] if status == 200 else {}
    return {
        "ids": ids("sp.upgraded"),
        "formatVersion": meta.get("format-version"),
        "statistics": len(meta.get("statistics") or []),
        "statsResult": len(stats),
    }


steps.run("format-version upgrade 2 -> 3, compute_table_stats (set-statistics)", format_upgrade_and_statistics)


def rename_table():
    q("ALTER TABLE sp.summary RENAME TO sp.nested.summary2")
    return {"ids": ids("sp.nested.summary2"), "inSp": [r["tableName"] for r in q("SHOW TABLES IN sp")]}


steps.run("ALTER TABLE RENAME TO (across namespaces)", rename_table)


def drop_purge():
    location = q("DESCRIBE TABLE EXTENDED sp.nested.summary2")
    loc = next((r["data_type"] for r in location if r["col_name"] == "Location"), None)
    refused = refusal("DROP TABLE sp.nested.summary2 PURGE")
    still = [r["tableName"] for r in q("SHOW TABLES IN sp.nested")]
    q("DROP TABLE sp.nested.summary2")
    return {"location": loc, "refused": refused, "before": still, "tables": [r["tableName"] for r in q("SHOW TABLES IN sp.nested")]}


steps.run("DROP TABLE PURGE", drop_purge)
expect_spark_error("SELECT from a missing table fails with TABLE_OR_VIEW_NOT_FOUND", "SELECT * FROM sp.nope")
expect_spark_error("metadata table of a missing table fails with TABLE_OR_VIEW_NOT_FOUND", "SELECT * FROM sp.nope.snapshots")
expect_spark_error("DROP NAMESPACE with tables fails", "DROP NAMESPACE sp")


def drop_plain():
    q("CREATE TABLE sp.tmp (id BIGINT) USING iceberg")
    q("DROP TABLE sp.tmp")
    return [r["tableName"] for r in q("SHOW TABLES IN sp")]


steps.run("DROP TABLE", drop_plain)
steps.run("stop Spark", lambda: spark.stop())
