"""Content-aware merge of Iceberg tables that two branches both changed, driven with PyIceberg and read back with
PyIceberg and DuckDB.

Appends on two branches both merge into main (fast appends and merge appends); a schema change on one branch merges
with appends on the other, in both orders; a dry run reports the replay without moving main; overwrites on both
sides conflict with a reason and change nothing."""

from __future__ import annotations

import urllib.parse

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from harness import Steps, api, catalog_uri, create_branch, duckdb_attach, duckdb_connection, duckdb_rows, ref_hash

steps = Steps()
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "who", StringType(), required=False))
ARROW = pa.schema([("id", pa.int64()), ("who", pa.string())])
WIDE = pa.schema([("id", pa.int64()), ("who", pa.string()), ("note", pa.string())])
MERGE_APPEND = {"commit.manifest-merge.enabled": "true", "commit.manifest.min-count-to-merge": "2"}


def rows(who: str, *ids: int) -> pa.Table:
    return pa.Table.from_pylist([{"id": i, "who": who} for i in ids], schema=ARROW)


def cat(ref: str):
    return load_catalog(ref, type="rest", uri=catalog_uri(ref))


def table(ref: str, name: str):
    return cat(ref).load_table(("mg", name))


def ids(ref: str, name: str) -> list[int]:
    return sorted(table(ref, name).scan().to_arrow().column("id").to_pylist())


def outcomes(result) -> dict[str, dict]:
    return {
        ".".join(d["key"]["elements"]): {k: d[k] for k in ("outcome", "resolution", "conflict") if k in d}
        for d in result["details"]
    }


def merge(from_ref: str, into: str = "main", **flags):
    path = f"/api/v2/trees/{urllib.parse.quote(into, safe='')}@{ref_hash(into)}/history/merge"
    status, body = api("POST", path, {"fromRefName": from_ref, "fromHash": ref_hash(from_ref), **flags})
    return {"status": status, "body": body}


def add_note_and_append(t, who: str, i: int) -> None:
    with t.update_schema() as u:
        u.add_column("note", StringType())
    t.append(pa.Table.from_pylist([{"id": i, "who": who, "note": f"from {who}"}], schema=WIDE))


def setup():
    main = cat("main")
    main.create_namespace(("mg",))
    for name, props in (("events", {}), ("merged_appends", MERGE_APPEND), ("evolve", {}), ("evolve2", {}), ("rewritten", {})):
        main.create_table(("mg", name), SCHEMA, properties=props).append(rows("main", 1))
    for b in ("a", "b", "c", "d", "e", "f"):
        create_branch(b)


steps.run("setup on main, branches a to f", setup)


def write_a_and_b():
    table("a", "events").append(rows("a", 2))
    table("b", "events").append(rows("b", 3))
    table("b", "events").append(rows("b", 4))
    for i, ref in enumerate(("a", "a", "b", "b")):
        table(ref, "merged_appends").append(rows(ref, 10 + i))
    add_note_and_append(table("a", "evolve"), "a", 2)  # a changes the schema, b only appends
    table("b", "evolve").append(rows("b", 3))
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


def duckdb_reads():
    con = duckdb_connection()
    duckdb_attach(con, "rat", catalog_uri("main"))
    q = lambda sql: duckdb_rows(con, sql)  # noqa: E731
    return {
        "events": [r["id"] for r in q("SELECT id FROM rat.mg.events ORDER BY id")],
        "mergedAppends": [r["id"] for r in q("SELECT id FROM rat.mg.merged_appends ORDER BY id")],
        "evolve": [[r["id"], r["note"]] for r in q("SELECT id, note FROM rat.mg.evolve ORDER BY id")],
        "evolve2": [[r["id"], r["note"]] for r in q("SELECT id, note FROM rat.mg.evolve2 ORDER BY id")],
    }


steps.run("DuckDB reads the merged tables on main", duckdb_reads)
