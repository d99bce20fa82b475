"""Content-aware merge of Iceberg tables that two branches both changed, written with PyIceberg and Spark and read
back with PyIceberg, Spark and DuckDB.

Appends on two branches both merge into main (fast appends and merge appends); a schema change on one branch merges
with appends on the other, in both orders; a dry run reports the replay without moving main; overwrites on both
sides conflict with a reason and change nothing."""

from __future__ import annotations

import pyarrow as pa
from pyiceberg.expressions import EqualTo

from harness import (
    Steps,
    api,
    catalog_uri,
    create_branch,
    duckdb_attach,
    duckdb_connection,
    duckdb_rows,
    ref_hash,
    spark_catalog,
    spark_from_snippet,
)
from merge_fixtures import (
    BY_DAY,
    DAYS,
    KEYED,
    KEYED_ARROW,
    MERGE_APPEND,
    SCHEMA,
    WIDE,
    add_note_and_append,
    cat,
    day_rows,
    ids,
    merge,
    metadata_files,
    outcomes,
    refused_merge,
    rows,
    spark_rows,
    table,
)
from merge_spark_cases import spark_delete_and_insert, spark_delete_and_insert_same_day, spark_merge_into_same_rows

steps = Steps()


def setup():
    main = cat("main")
    main.create_namespace(("mg",))
    tables = (
        ("events", {}),
        ("merged_appends", MERGE_APPEND),
        ("evolve", {}),
        ("evolve2", {}),
        ("rewritten", {}),
        ("v1", {"format-version": "1"}),
        ("picked", {}),
        ("expired", {}),
        ("expired2", {}),
    )
    for name, props in tables:
        main.create_table(("mg", name), SCHEMA, properties=props).append(rows("main", 1))
    for name in ("days1", "days2", "days3", "sdays", "sdays2", "smor", "smerge"):
        main.create_table(("mg", name), DAYS, partition_spec=BY_DAY).append(day_rows("main", (1, 1), (2, 1), (3, 2)))
    for name in ("sbounds", "sbmor", "sbclash"):
        keyed = [{"id": i, "who": "main", "day": d} for i, d in ((1, 1), (2, 1), (3, 2))]
        main.create_table(("mg", name), KEYED, partition_spec=BY_DAY).append(
            pa.Table.from_pylist(keyed, schema=KEYED_ARROW)
        )
    main.create_table(("mg", "cleanup"), SCHEMA).append(rows("main", 1))
    main.create_table(("mg", "pmerged"), DAYS, partition_spec=BY_DAY, properties=MERGE_APPEND).append(
        day_rows("main", (1, 1), (2, 2))
    )
    for name in ("smor", "sbmor"):
        with main.load_table(("mg", name)).transaction() as tx:
            tx.set_properties({"write.delete.mode": "merge-on-read"})
    for b in ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "u", "w"):
        create_branch(b)


steps.run("setup on main, branches a to w", setup)
spark = steps.run("start Spark (catalogs rat=main, k, l, m, n, q, r)", lambda: spark_from_snippet(catalog_uri("main")))
if spark is not None:
    for b in ("k", "l", "m", "n", "q", "r"):
        spark_catalog(spark, b, catalog_uri(b))


def write_a_and_b():
    table("a", "events").append(rows("a", 2))
    table("b", "events").append(rows("b", 3))
    table("b", "events").append(rows("b", 4))
    for i, ref in enumerate(("a", "a", "b", "b")):
        table(ref, "merged_appends").append(rows(ref, 10 + i))
    add_note_and_append(table("a", "evolve"), "a", 2)  # a changes the schema, b only appends
    table("b", "evolve").append(rows("b", 3))
    table("a", "pmerged").append(day_rows("a", (3, 1)))
    table("a", "pmerged").append(day_rows("a", (4, 5)))
    table("b", "pmerged").append(day_rows("b", (5, 2)))
    table("b", "pmerged").append(day_rows("b", (6, 7), (7, 9)))
    table("a", "v1").append(rows("a", 2))
    table("b", "v1").append(rows("b", 3))
    return {"a": ids("a", "events"), "b": ids("b", "events"), "aSnapshot": table("a", "events").current_snapshot().snapshot_id}


written = steps.run("PyIceberg appends on a and b to the same tables", write_a_and_b)


def merge_a_then_b():
    a = merge("a")
    before = ref_hash("main")
    dry = merge("b", isDryRun=True)
    unchanged = ref_hash("main") == before
    b = merge("b")
    return {
        "a": {"status": a["status"], "outcomes": outcomes(a["body"])},
        "dry": {"status": dry["status"], "outcomes": outcomes(dry["body"]), "mainUnchanged": unchanged},
        "b": {"status": b["status"], "outcomes": outcomes(b["body"]) if b["status"] == 200 else b["body"]},
    }


steps.run("merge a, dry-run b, merge b", merge_a_then_b)


def main_after_merges():
    events = table("main", "events")
    snaps = [s for s in events.snapshots()]
    merged = table("main", "merged_appends")
    evolve = table("main", "evolve")
    return {
        "events": ids("main", "events"),
        "eventsSnapshots": [s.summary.operation.value for s in snaps],
        "eventsSnapshotIds": [s.snapshot_id for s in snaps],
        "sequenceNumbers": [s.sequence_number for s in snaps],
        "parentsChain": all(snaps[i].parent_snapshot_id == snaps[i - 1].snapshot_id for i in range(1, len(snaps))),
        "totalRecords": events.current_snapshot().summary["total-records"],
        "mergedAppends": ids("main", "merged_appends"),
        "mergedAppendsSnapshots": len(merged.snapshots()),
        "evolve": sorted((r["id"], r["note"]) for r in evolve.scan().to_arrow().to_pylist()),
        "evolveColumns": [f.name for f in evolve.schema().fields],
        "v1": ids("main", "v1"),
        "v1Format": table("main", "v1").format_version,
        "v1Snapshots": len(table("main", "v1").snapshots()),
    }


steps.run("main has every row and every snapshot (PyIceberg)", main_after_merges)


def write_after_merge():
    table("main", "events").append(rows("main", 5))
    table("main", "evolve").append(pa.Table.from_pylist([{"id": 4, "who": "main", "note": "after"}], schema=WIDE))
    return {"events": ids("main", "events"), "evolve": ids("main", "evolve")}


steps.run("PyIceberg appends to the merged tables on main", write_after_merge)


def schema_on_source():
    table("d", "evolve2").append(rows("d", 3))
    add_note_and_append(table("c", "evolve2"), "c", 2)
    d = merge("d")
    c = merge("c")
    t = table("main", "evolve2")
    return {
        "d": d["status"],
        "c": {"status": c["status"], "outcome": outcomes(c["body"]).get("mg.evolve2") if c["status"] == 200 else c["body"]},
        "rows": sorted((r["id"], r["note"]) for r in t.scan().to_arrow().to_pylist()),
        "columns": [f.name for f in t.schema().fields],
    }


steps.run("a schema change on the source merges onto appends on the target", schema_on_source)


def both_overwrite():
    table("e", "rewritten").overwrite(rows("e", 20))
    table("f", "rewritten").overwrite(rows("f", 30))
    e = merge("e")
    before = ref_hash("main")
    f = merge("f")
    as_result = merge("f", isReturnConflictAsResult=True)
    return {
        "e": e["status"],
        "f": {"status": f["status"], "errorCode": (f["body"] or {}).get("errorCode")},
        "asResult": {"wasSuccessful": as_result["body"]["wasSuccessful"], "outcomes": outcomes(as_result["body"])},
        "mainUnchanged": ref_hash("main") == before,
        "rows": ids("main", "rewritten"),
    }


steps.run("overwrites on both sides conflict and change nothing", both_overwrite)


def delete_one_day_insert_another():
    # days1: g deletes day 1, h inserts into day 3; days2: the other way round. h merges first, then g.
    table("g", "days1").delete(EqualTo("day", 1))
    table("h", "days1").append(day_rows("h", (4, 3)))
    table("g", "days2").append(day_rows("g", (4, 3)))
    table("h", "days2").delete(EqualTo("day", 1))
    h = merge("h")
    g = merge("g")
    t = table("main", "days1")
    return {
        "h": h["status"],
        "g": {"status": g["status"], "outcomes": outcomes(g["body"]) if g["status"] == 200 else g["body"]},
        "days1": sorted((r["id"], r["day"]) for r in t.scan().to_arrow().to_pylist()),
        "days1Operations": [s.summary.operation.value for s in t.snapshots()],
        "days2": sorted((r["id"], r["day"]) for r in table("main", "days2").scan().to_arrow().to_pylist()),
    }


steps.run("a delete of one day and an insert into another merge, in both orders", delete_one_day_insert_another)


def delete_and_insert_same_day():
    # days3: i deletes day 1, j inserts into day 1 (the delete did not see that row); cleanup: both append.
    table("i", "days3").delete(EqualTo("day", 1))
    table("j", "days3").append(day_rows("j", (4, 1)))
    table("i", "cleanup").append(rows("i", 2))
    table("j", "cleanup").append(rows("j", 3))
    j = merge("j")
    files_before = metadata_files("main", "cleanup")
    i = refused_merge("i")
    return {
        "j": j["status"],
        "i": i,
        "cleanupFilesWritten": metadata_files("main", "cleanup") - files_before,
        "days3": sorted((r["id"], r["day"]) for r in table("main", "days3").scan().to_arrow().to_pylist()),
    }


steps.run("a delete and an insert into the same day conflict; nothing is left behind", delete_and_insert_same_day)


steps.run("Spark DELETE of one day and INSERT into another merge", lambda: spark_delete_and_insert(spark))
steps.run("Spark MERGE INTO the same rows on both branches conflicts", lambda: spark_merge_into_same_rows(spark))
steps.run(
    "Spark DELETE of one row and INSERT of other rows into the same day",
    lambda: spark_delete_and_insert_same_day(spark),
)


def partition_summaries_as_pyiceberg_computes():
    # Every manifest of the merged tables' current snapshots (those the merge rewrote included) carries the partition
    # summaries PyIceberg computes from its entries (all of them, deleted ones too, as writers summarize).
    from pyiceberg.manifest import construct_partition_summaries

    checked, differing = 0, []
    for name in ("pmerged", "days1", "days2", "sbounds", "sbmor"):
        t = table("main", name)
        for m in t.current_snapshot().manifests(t.io):
            entries = m.fetch_manifest_entry(t.io, discard_deleted=False)
            spec = t.specs()[m.partition_spec_id]
            expected = construct_partition_summaries(spec, t.schema(), [e.data_file.partition for e in entries])
            as_tuples = lambda ss: [(s.contains_null, s.contains_nan, s.lower_bound, s.upper_bound) for s in ss or []]  # noqa: E731
            checked += 1
            if as_tuples(m.partitions) != as_tuples(expected):
                differing.append(f"{name}: {m.manifest_path}")
    return {"checked": checked, "differing": differing, "pmerged": ids("main", "pmerged")}


steps.run("merged manifests carry the partition summaries PyIceberg computes", partition_summaries_as_pyiceberg_computes)


def spark_reads_merged():
    return {
        "events": spark_rows(spark, "SELECT id FROM rat.mg.events ORDER BY id", "rat.mg.events"),
        "v1": spark_rows(spark, "SELECT id FROM rat.mg.v1 ORDER BY id", "rat.mg.v1"),
        "eventsSnapshots": spark_rows(spark, "SELECT count(*) FROM rat.mg.events.snapshots", "rat.mg.events")[0][0],
        "evolve": spark_rows(spark, "SELECT id, note FROM rat.mg.evolve ORDER BY id", "rat.mg.evolve"),
        "days1": spark_rows(spark, "SELECT id, day FROM rat.mg.days1 ORDER BY id", "rat.mg.days1"),
        "pmergedDay2": spark_rows(spark, "SELECT id FROM rat.mg.pmerged WHERE day = 2 ORDER BY id", "rat.mg.pmerged"),
    }


steps.run("Spark reads the merged tables", spark_reads_merged)


def duckdb_reads():
    con = duckdb_connection()
    duckdb_attach(con, "rat", catalog_uri("main"))
    q = lambda sql: duckdb_rows(con, sql)  # noqa: E731
    return {
        "events": [r["id"] for r in q("SELECT id FROM rat.mg.events ORDER BY id")],
        "mergedAppends": [r["id"] for r in q("SELECT id FROM rat.mg.merged_appends ORDER BY id")],
        "pmergedDay2": [r["id"] for r in q("SELECT id FROM rat.mg.pmerged WHERE day = 2 ORDER BY id")],
        "evolve": [[r["id"], r["note"]] for r in q("SELECT id, note FROM rat.mg.evolve ORDER BY id")],
        "evolve2": [[r["id"], r["note"]] for r in q("SELECT id, note FROM rat.mg.evolve2 ORDER BY id")],
        "days1": [[r["id"], r["day"]] for r in q("SELECT id, day FROM rat.mg.days1 ORDER BY id")],
        "days2": [[r["id"], r["day"]] for r in q("SELECT id, day FROM rat.mg.days2 ORDER BY id")],
        "v1": [r["id"] for r in q("SELECT id FROM rat.mg.v1 ORDER BY id")],
        "sdays": [[r["id"], r["day"]] for r in q("SELECT id, day FROM rat.mg.sdays ORDER BY id")],
        "smor": [[r["id"], r["day"]] for r in q("SELECT id, day FROM rat.mg.smor ORDER BY id")],
        "sdays2": [[r["id"], r["day"]] for r in q("SELECT id, day FROM rat.mg.sdays2 ORDER BY id")],
    }


steps.run("DuckDB reads the merged tables on main", duckdb_reads)


def v3_appends_on_both_branches():
    # Format v3 tables (row lineage). v3rows: main inserts one row, then s and t branch off; s inserts one row, t
    # inserts twice. After merging s, then t (replayed), every row has its own row id, numbered as one sequential
    # history. v3del (by day): s inserts into day 2, t deletes day 1; t's delete is replayed onto s's insert, writing
    # main's manifest again without day 1's file: the rows left keep their row ids.
    v3 = "USING iceberg TBLPROPERTIES ('format-version'='3')"
    spark.sql(f"CREATE TABLE rat.mg.v3rows (id bigint, who string) {v3}")
    spark.sql("INSERT INTO rat.mg.v3rows VALUES (1, 'main')")
    spark.sql(f"CREATE TABLE rat.mg.v3del (id bigint, who string, day bigint) {v3} PARTITIONED BY (day)")
    spark.sql("INSERT INTO rat.mg.v3del VALUES (1, 'main', 1), (2, 'main', 2)")
    # v3merged: merge appends (manifests folded together), so t's entries are written to a fresh manifest.
    folded = "'commit.manifest-merge.enabled'='true', 'commit.manifest.min-count-to-merge'='2'"
    spark.sql(f"CREATE TABLE rat.mg.v3merged (id bigint) USING iceberg TBLPROPERTIES ('format-version'='3', {folded})")
    spark.sql("INSERT INTO rat.mg.v3merged VALUES (1)")
    for b in ("s", "t"):
        create_branch(b)
        spark_catalog(spark, b, catalog_uri(b))
    spark.sql("INSERT INTO s.mg.v3rows VALUES (2, 's')")
    spark.sql("INSERT INTO t.mg.v3rows VALUES (3, 't'), (4, 't')")
    spark.sql("INSERT INTO t.mg.v3rows VALUES (5, 't')")
    spark.sql("INSERT INTO s.mg.v3del VALUES (3, 's', 2)")
    spark.sql("DELETE FROM t.mg.v3del WHERE day = 1")
    spark.sql("INSERT INTO s.mg.v3merged VALUES (2)")
    spark.sql("INSERT INTO t.mg.v3merged VALUES (3)")
    spark.sql("INSERT INTO t.mg.v3merged VALUES (4)")
    s = merge("s")
    read_merged = lambda: spark_rows(spark, "SELECT id, _row_id FROM rat.mg.v3merged ORDER BY id", "rat.mg.v3merged")  # noqa: E731
    merged_before = read_merged()
    read_del = lambda: spark_rows(spark, "SELECT id, _row_id FROM rat.mg.v3del ORDER BY id", "rat.mg.v3del")  # noqa: E731
    del_before = read_del()
    t = merge("t")
    md = table("main", "v3rows").metadata
    return {
        "s": outcomes(s["body"]).get("mg.v3rows") if s["status"] == 200 else s["body"],
        "t": outcomes(t["body"]) if t["status"] == 200 else t["body"],
        "rows": spark_rows(spark, "SELECT id, _row_id FROM rat.mg.v3rows ORDER BY id", "rat.mg.v3rows"),
        "formatVersion": md.format_version,
        "nextRowId": md.next_row_id,
        "firstRowIds": [[x.first_row_id, x.added_rows] for x in md.snapshots],
        "delBefore": del_before,
        "delAfter": read_del(),
        "mergedBefore": merged_before,
        "mergedAfter": read_merged(),
    }


steps.run("Spark appends to a format v3 table on two branches", v3_appends_on_both_branches)


def merge_after_expiring_snapshots():
    # u and w append twice after the base; main appends too. PyIceberg expires the base snapshot on u (only the base
    # is gone: u merges) and the base and w's first snapshot on w (a snapshot since the base is gone: w conflicts).
    # (The catalog's tables have gc.enabled=false, so Spark's expire_snapshots, which deletes files, is refused.)
    base = {name: table("main", name).current_snapshot().snapshot_id for name in ("expired", "expired2")}
    for ref, name in (("u", "expired"), ("w", "expired2")):
        table(ref, name).append(rows(ref, 2))
        table(ref, name).append(rows(ref, 3))
        table("main", name).append(rows("main", 4))
    first_on_w = table("w", "expired2").snapshots()[1].snapshot_id
    for ref, name, ids_ in (("u", "expired", [base["expired"]]), ("w", "expired2", [base["expired2"], first_on_w])):
        table(ref, name).maintenance.expire_snapshots().by_ids(ids_).commit()
    u = merge("u")
    w = refused_merge("w")
    return {
        "uSnapshots": len(table("u", "expired").snapshots()),
        "u": {"status": u["status"], "outcomes": outcomes(u["body"]) if u["status"] == 200 else u["body"]},
        "w": w,
        "expired": ids("main", "expired"),
    }


steps.run("merge branches whose Iceberg snapshots were expired", merge_after_expiring_snapshots)


def leave_o_unmerged():
    # For `rat merge o` run by the test afterwards: both sides append to events again.
    table("o", "events").append(rows("o", 6))
    table("main", "events").append(rows("main", 7))
    return ids("main", "events")


steps.run("branch o and main both append to events (left for rat merge)", leave_o_unmerged)


def transplant_onto_moved_main():
    # p appends twice to picked; main appends too; only p's second commit is transplanted onto main.
    table("p", "picked").append(rows("p", 2))
    table("p", "picked").append(rows("p", 3))
    table("main", "picked").append(rows("main", 4))
    log = api("GET", "/api/v2/trees/p/history?max-records=1")[1]
    last = log["logEntries"][0]["commitMeta"]["hash"]
    path = f"/api/v2/trees/main@{ref_hash('main')}/history/transplant?rat-details=true"
    status, body = api("POST", path, {"fromRefName": "p", "hashesToTransplant": [last]})
    return {
        "status": status,
        "outcomes": outcomes(body) if status == 200 else body,
        "rows": ids("main", "picked"),
    }


steps.run("transplant one commit of p onto main that appended meanwhile", transplant_onto_moved_main)
