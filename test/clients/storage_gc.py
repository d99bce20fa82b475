"""Branch-aware GC with PyIceberg: what one branch still reads survives GC after main overwrote it, a dropped
table's files go once no ref holds them, and appends running while GC sweeps lose nothing.

One phase per run (CONFIG["phase"]); the mocha test runs GC between phases through the management API."""

from __future__ import annotations

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField

from harness import CONFIG, Steps, catalog_uri, create_branch

steps = Steps()
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False))
ARROW = pa.schema([("id", pa.int64())])
phase = CONFIG["phase"]


def rows(*ids: int) -> pa.Table:
    return pa.Table.from_pylist([{"id": i} for i in ids], schema=ARROW)


def data_files(catalog, name: str) -> list[str]:
    return sorted(t.file.file_path for t in catalog.load_table(("gc", name)).scan().plan_files())


def ids(catalog, name: str) -> list[int]:
    return sorted(r["id"] for r in catalog.load_table(("gc", name)).scan().to_arrow().to_pylist())


main = load_catalog("main", type="rest", uri=catalog_uri("main"))

if phase == "write":

    def write():
        main.create_namespace(("gc",))
        t = main.create_table(("gc", "t"), SCHEMA)
        t.append(rows(1, 2))
        first = data_files(main, "t")
        create_branch("keep")
        t = main.load_table(("gc", "t"))
        t.overwrite(rows(3))
        d = main.create_table(("gc", "dropped"), SCHEMA)
        d.append(rows(9))
        dropped = data_files(main, "dropped")
        main.drop_table(("gc", "dropped"))
        keep = load_catalog("keep", type="rest", uri=catalog_uri("keep"))
        return {
            "first": first,
            "main": data_files(main, "t"),
            "keep": data_files(keep, "t"),
            "dropped": dropped,
            "gcEnabled": t.properties.get("gc.enabled"),
        }

    steps.run("write on main and keep a branch", write)

elif phase == "read":

    def read():
        out = {"main": ids(main, "t")}
        if CONFIG.get("keep"):
            out["keep"] = ids(load_catalog("keep", type="rest", uri=catalog_uri("keep")), "t")
        return out

    steps.run("read main and keep", read)

elif phase == "expire":

    def expire_first():
        # Metadata only: PyIceberg's expiry removes the snapshot from main's metadata and deletes no file.
        t = main.load_table(("gc", "t"))
        first = min(t.snapshots(), key=lambda s: s.sequence_number)
        t.maintenance.expire_snapshots().by_id(first.snapshot_id).commit()
        return [s.snapshot_id for s in main.load_table(("gc", "t")).snapshots()]

    steps.run("expire the first snapshot on main", expire_first)

elif phase == "overwrite":

    def overwrite():
        before = data_files(main, "t")
        main.load_table(("gc", "t")).overwrite(rows(5))
        return {"before": before, "after": data_files(main, "t")}

    steps.run("overwrite main", overwrite)

elif phase == "append":

    def append_many():
        t = main.load_table(("gc", "t"))
        for i in range(CONFIG["count"]):
            t.append(rows(100 + i))
        return ids(main, "t")

    steps.run("append while GC runs", append_many)
