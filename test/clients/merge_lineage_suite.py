"""Merges after merges: branches that took each other's changes before (a feature branch updated from main, two
branches that both merged a third, a commit transplanted twice) merge with every row once, written and read with
PyIceberg. Replayed snapshots keep their ids, so the base's snapshots can sit on top of a branch's own ones."""

from __future__ import annotations

import urllib.parse

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from harness import Steps, api, catalog_uri, create_branch, ref_hash

steps = Steps()
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "who", StringType(), required=False))
ARROW = pa.schema([("id", pa.int64()), ("who", pa.string())])


def table(ref: str, name: str):
    return load_catalog(ref, type="rest", uri=catalog_uri(ref)).load_table(("ln", name))


def append(ref: str, name: str, *ids: int) -> None:
    table(ref, name).append(pa.Table.from_pylist([{"id": i, "who": ref} for i in ids], schema=ARROW))


def state(ref: str, name: str) -> dict:
    t = table(ref, name)
    files = [task.file.file_path for task in t.scan().plan_files()]
    return {"ids": sorted(t.scan().to_arrow().column("id").to_pylist()), "files": len(files), "distinct": len(set(files))}


def merge(source: str, into: str = "main") -> dict:
    path = f"/api/v2/trees/{urllib.parse.quote(into, safe='')}@{ref_hash(into)}/history/merge?rat-details=true"
    status, body = api("POST", path, {"fromRefName": source, "fromHash": ref_hash(source)})
    detail = [d for d in body.get("details", []) if d["key"]["elements"][0] == "ln"] if status == 200 else body
    return {"status": status, "details": detail}


def setup():
    main = load_catalog("main", type="rest", uri=catalog_uri("main"))
    main.create_namespace(("ln",))
    for name in ("updated", "twice", "shared", "picked"):
        main.create_table(("ln", name), SCHEMA)
        append("main", name, 1)
    for b in ("feature", "feature2", "a", "b", "c", "p"):
        create_branch(b)


steps.run("setup", setup)


def update_feature_then_merge():
    append("feature", "updated", 10)
    append("main", "updated", 2)
    into_feature = merge("main", into="feature")
    append("main", "updated", 3)
    back = merge("feature")
    return {"intoFeature": into_feature, "back": back, "main": state("main", "updated")}


steps.run("feature updated from main, main moves on, feature merged back", update_feature_then_merge)


def update_twice_then_merge():
    append("feature2", "twice", 10)
    statuses = []
    for i in (2, 3):
        append("main", "twice", i)
        statuses.append(merge("main", into="feature2")["status"])
    append("main", "twice", 4)
    back = merge("feature2")
    return {"statuses": statuses, "back": back["status"], "main": state("main", "twice")}


steps.run("feature updated from main twice, merged back", update_twice_then_merge)


def both_merged_a_third():
    append("c", "shared", 100)
    append("a", "shared", 10)
    append("b", "shared", 20)
    merges = [merge("c", into="a"), merge("c", into="b"), merge("a"), merge("b")]
    return {"merges": merges, "main": state("main", "shared")}


steps.run("a and b both merged c, then both merged into main", both_merged_a_third)


def transplant_twice():
    append("p", "picked", 10)
    append("main", "picked", 2)
    last = api("GET", "/api/v2/trees/p/history?max-records=1")[1]["logEntries"][0]["commitMeta"]["hash"]
    out = []
    for _ in range(2):
        path = f"/api/v2/trees/main@{ref_hash('main')}/history/transplant?rat-details=true"
        out.append(api("POST", path, {"fromRefName": "p", "hashesToTransplant": [last]})[0])
    return {"statuses": out, "main": state("main", "picked")}


steps.run("the same commit transplanted twice", transplant_twice)
