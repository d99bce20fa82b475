"""PyIceberg 0.12 against the Ratatouille catalog: every step's outcome goes to the result file (see harness.py)."""

from __future__ import annotations

import datetime as dt
import os

import pyarrow as pa
from pyiceberg.exceptions import (
    CommitFailedException,
    NamespaceNotEmptyError,
    NoSuchNamespaceError,
    NoSuchTableError,
)
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import BucketTransform, DayTransform, IdentityTransform
from pyiceberg.types import DoubleType, LongType, NestedField, StringType, TimestampType

from pyiceberg.catalog import load_catalog

from harness import Steps, catalog_uri, exec_snippet

steps = Steps()
NS = ("pyi",)
SUB = ("pyi", "sub")

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=False),
    NestedField(2, "category", StringType(), required=False),
    NestedField(3, "ts", TimestampType(), required=False),
    NestedField(4, "amount", DoubleType(), required=False),
)
ARROW = pa.schema(
    [
        pa.field("id", pa.int64()),
        pa.field("category", pa.string()),
        pa.field("ts", pa.timestamp("us")),
        pa.field("amount", pa.float64()),
    ]
)


def rows(*items: tuple[int, str, int, float]) -> pa.Table:
    """(id, category, day of Jan 2026, amount) -> Arrow table in the table's schema."""
    return pa.Table.from_pylist(
        [{"id": i, "category": c, "ts": dt.datetime(2026, 1, d, 12, 0), "amount": a} for i, c, d, a in items],
        schema=ARROW,
    )


def ids(tbl) -> list[int]:
    return sorted(tbl.scan(selected_fields=("id",)).to_arrow().column("id").to_pylist())


cat = None


def connect():
    global cat
    scope = exec_snippet("pyiceberg.py", catalog_uri("main"))
    cat = scope["catalog"]
    return [list(n) for n in cat.list_namespaces()]


steps.run("connect via documented snippet", connect)
if cat is None:  # nothing else can run
    raise SystemExit(0)


def namespaces():
    cat.create_namespace(NS, properties={"owner": "pyiceberg"})
    cat.create_namespace(SUB)
    cat.create_namespace(("pyi_tmp",))
    props = cat.load_namespace_properties(NS)
    summary = cat.update_namespace_properties(NS, removals={"owner"}, updates={"team": "data"})
    after = cat.load_namespace_properties(NS)
    children = [list(n) for n in cat.list_namespaces(NS)]
    top = [list(n) for n in cat.list_namespaces()]
    exists = cat.namespace_exists(SUB)
    cat.drop_namespace(("pyi_tmp",))
    gone = not cat.namespace_exists(("pyi_tmp",))
    return {
        "props": props,
        "updated": sorted(summary.updated),
        "removed": sorted(summary.removed),
        "after": after,
        "children": children,
        "top": top,
        "subExists": exists,
        "droppedGone": gone,
    }


steps.run("namespaces: create nested, properties, list by parent, exists, drop", namespaces)
steps.expect_error("create table in missing namespace -> NoSuchNamespaceError", lambda: cat.create_table(("nope", "t"), SCHEMA))
steps.expect_error("load table in missing namespace -> NoSuchTableError", lambda: cat.load_table(("nope", "t")))
steps.expect_error("load missing table -> NoSuchTableError", lambda: cat.load_table(("pyi", "missing")))

tables: dict[str, object] = {}


def create_plain():
    t = cat.create_table(NS + ("plain",), SCHEMA, properties={"created-by": "pyiceberg-suite"})
    tables["plain"] = t
    return {"location": t.location(), "specFields": len(t.spec().fields), "props": t.properties.get("created-by")}


def create_partitioned():
    spec = PartitionSpec(
        PartitionField(source_id=3, field_id=1000, transform=DayTransform(), name="ts_day"),
        PartitionField(source_id=2, field_id=1001, transform=IdentityTransform(), name="category"),
    )
    t = cat.create_table(NS + ("parted",), SCHEMA, partition_spec=spec)
    tables["parted"] = t
    return {"specFields": [f.name for f in t.spec().fields]}


steps.run("create unpartitioned table", create_plain)
steps.run("create partitioned table (day + identity)", create_partitioned)
steps.expect_error("create existing table -> TableAlreadyExistsError", lambda: cat.create_table(NS + ("plain",), SCHEMA))


def tables_listed():
    return sorted(".".join(i) for i in cat.list_tables(NS))


steps.run("list tables", tables_listed)

snap: dict[str, int] = {}


def append_plain():
    t = cat.load_table(NS + ("plain",))
    t.append(rows((1, "a", 1, 1.0), (2, "b", 2, 2.0), (3, "a", 3, 3.0)))
    snap["after_first_append"] = t.current_snapshot().snapshot_id
    t.append(rows((4, "c", 4, 4.0)))
    snap["after_second_append"] = t.current_snapshot().snapshot_id
    fresh = cat.load_table(NS + ("plain",))
    return {"ids": ids(fresh), "snapshots": len(fresh.snapshots())}


def append_parted():
    t = cat.load_table(NS + ("parted",))
    t.append(rows((1, "a", 1, 1.0), (2, "b", 1, 2.0), (3, "a", 2, 3.0), (4, "b", 3, 4.0)))
    fresh = cat.load_table(NS + ("parted",))
    files = fresh.inspect.files()
    return {"ids": ids(fresh), "dataFiles": files.num_rows}


steps.run("append (unpartitioned), reload sees rows", append_plain)
steps.run("append (partitioned), one file per partition", append_parted)


def overwrite():
    t = cat.load_table(NS + ("parted",))
    t.overwrite(rows((10, "a", 5, 10.0)), overwrite_filter="category = 'a'")
    fresh = cat.load_table(NS + ("parted",))
    return {"ids": ids(fresh), "op": fresh.current_snapshot().summary.operation.value}


def delete():
    t = cat.load_table(NS + ("parted",))
    t.delete(delete_filter="id = 2")
    return {"ids": ids(cat.load_table(NS + ("parted",)))}


def upsert():
    t = cat.load_table(NS + ("plain",))
    res = t.upsert(rows((1, "a", 1, 100.0), (5, "e", 5, 5.0)), join_cols=["id"])
    fresh = cat.load_table(NS + ("plain",))
    amounts = {r["id"]: r["amount"] for r in fresh.scan().to_arrow().to_pylist()}
    return {"updated": res.rows_updated, "inserted": res.rows_inserted, "ids": sorted(amounts), "amount1": amounts[1]}


steps.run("overwrite with filter", overwrite)
steps.run("delete with filter", delete)
steps.run("upsert", upsert)


def schema_evolution():
    t = cat.load_table(NS + ("plain",))
    with t.update_schema() as u:
        u.add_column("note", StringType())
        u.rename_column("amount", "value")
    t = cat.load_table(NS + ("plain",))
    data = pa.Table.from_pylist(
        [{"id": 6, "category": "f", "ts": dt.datetime(2026, 1, 6), "value": 6.0, "note": "evolved"}],
        schema=t.schema().as_arrow(),
    )
    t.append(data)
    fresh = cat.load_table(NS + ("plain",))
    notes = {r["id"]: r["note"] for r in fresh.scan().to_arrow().to_pylist()}
    return {
        "columns": [f.name for f in fresh.schema().fields],
        "schemaId": fresh.schema().schema_id,
        "schemas": len(fresh.schemas()),
        "note6": notes.get(6),
        "note1": notes.get(1),
    }


def partition_evolution():
    t = cat.load_table(NS + ("parted",))
    with t.update_spec() as u:
        u.add_field("id", BucketTransform(4), "id_bucket")
        u.remove_field("ts_day")
    t = cat.load_table(NS + ("parted",))
    t.append(rows((20, "z", 9, 20.0)))
    fresh = cat.load_table(NS + ("parted",))
    return {
        "specId": fresh.spec().spec_id,
        "specs": len(fresh.specs()),
        "fields": [f.name for f in fresh.spec().fields],
        "ids": ids(fresh),
    }


steps.run("schema evolution (add + rename column), write and read", schema_evolution)
steps.run("partition evolution (add bucket, drop day), write and read", partition_evolution)


def scan_filter():
    t = cat.load_table(NS + ("plain",))
    out = t.scan(row_filter="id >= 3", selected_fields=("id", "category")).to_arrow()
    return {"ids": sorted(out.column("id").to_pylist()), "columns": out.column_names}


def time_travel():
    t = cat.load_table(NS + ("plain",))
    first = sorted(t.scan(snapshot_id=snap["after_first_append"]).to_arrow().column("id").to_pylist())
    second = sorted(t.scan(snapshot_id=snap["after_second_append"]).to_arrow().column("id").to_pylist())
    return {"first": first, "second": second, "snapshots": len(t.snapshots()), "history": len(t.history())}


steps.run("scan with row filter and projection", scan_filter)
steps.run("time travel by snapshot id (full history loaded)", time_travel)


def branches_tags():
    t = cat.load_table(NS + ("plain",))
    t.manage_snapshots().create_tag(snap["after_first_append"], "v1").create_branch(
        t.current_snapshot().snapshot_id, "audit"
    ).commit()
    t = cat.load_table(NS + ("plain",))
    main_before = ids(t)
    t.append(
        pa.Table.from_pylist(
            [{"id": 99, "category": "x", "ts": dt.datetime(2026, 2, 1), "value": 9.0, "note": "branch"}],
            schema=t.schema().as_arrow(),
        ),
        branch="audit",
    )
    t = cat.load_table(NS + ("plain",))
    refs = {name: ref.snapshot_ref_type.value for name, ref in t.refs().items()}
    tag_ids = sorted(t.scan(snapshot_id=t.snapshot_by_name("v1").snapshot_id).to_arrow().column("id").to_pylist())
    audit_ids = sorted(
        t.scan(snapshot_id=t.snapshot_by_name("audit").snapshot_id).to_arrow().column("id").to_pylist()
    )
    t.manage_snapshots().remove_tag("v1").commit()
    t = cat.load_table(NS + ("plain",))
    return {
        "refs": refs,
        "tagIds": tag_ids,
        "auditIds": audit_ids,
        "mainIdsBefore": main_before,
        "mainIdsAfter": ids(t),
        "refsAfterRemove": sorted(t.refs().keys()),
    }


steps.run("table-level tag and branch: create, write to branch, read, remove", branches_tags)


def concurrent_conflict():
    t = cat.create_table(NS + ("conc",), SCHEMA, properties={"commit.retry.num-retries": "0"})
    t.append(rows((1, "a", 1, 1.0)))
    a = cat.load_table(NS + ("conc",))
    b = cat.load_table(NS + ("conc",))
    a.append(rows((2, "a", 1, 2.0)))
    raised = None
    try:
        b.append(rows((3, "b", 1, 3.0)))
    except CommitFailedException as exc:
        raised = type(exc).__name__
    after_conflict = ids(cat.load_table(NS + ("conc",)))
    # The loser reloads and retries: nothing is lost.
    cat.load_table(NS + ("conc",)).append(rows((3, "b", 1, 3.0)))
    final = cat.load_table(NS + ("conc",))
    return {"raised": raised, "afterConflict": after_conflict, "final": ids(final), "snapshots": len(final.snapshots())}


def concurrent_schema_conflict():
    a = cat.load_table(NS + ("conc",))
    b = cat.load_table(NS + ("conc",))
    with a.update_schema() as u:
        u.add_column("from_a", StringType())
    raised = None
    try:
        with b.update_schema() as u:
            u.add_column("from_b", StringType())
    except CommitFailedException as exc:
        raised = type(exc).__name__
    final = cat.load_table(NS + ("conc",))
    return {"raised": raised, "columns": [f.name for f in final.schema().fields], "ids": ids(final)}


def stale_copy_whose_requirements_hold():
    # Properties commits carry only assert-table-uuid: a stale copy's commit still holds and must land (no 409).
    a = cat.load_table(NS + ("conc",))
    b = cat.load_table(NS + ("conc",))
    with a.transaction() as tx:
        tx.set_properties({"from-a": "1"})
    with b.transaction() as tx:
        tx.set_properties({"from-b": "1"})
    props = cat.load_table(NS + ("conc",)).properties
    return {"fromA": props.get("from-a"), "fromB": props.get("from-b")}


def concurrent_appends_with_retry():
    a = cat.load_table(NS + ("parted",))
    b = cat.load_table(NS + ("parted",))
    before = ids(a)
    a.append(rows((30, "r", 10, 1.0)))
    b.append(rows((31, "r", 10, 1.0)))  # stale copy: PyIceberg retries the 409 itself and lands it
    return {"before": before, "after": ids(cat.load_table(NS + ("parted",)))}


steps.run("concurrent append from two loaded copies (no retries): one CommitFailedException, nothing lost", concurrent_conflict)
steps.run("concurrent schema change from a stale copy -> CommitFailedException", concurrent_schema_conflict)
steps.run("concurrent appends with PyIceberg's own retry: both land", concurrent_appends_with_retry)
steps.run("stale copy whose requirements still hold: commit lands", stale_copy_whose_requirements_hold)


def root_uri_is_main():
    root = load_catalog("root", type="rest", uri=catalog_uri(None))
    return {"root": sorted(".".join(n) for n in root.list_namespaces()), "main": sorted(".".join(n) for n in cat.list_namespaces())}


steps.run("/iceberg alone is main", root_uri_is_main)


def rename():
    cat.rename_table(NS + ("plain",), SUB + ("renamed",))
    try:
        cat.load_table(NS + ("plain",))
        old_gone = False
    except NoSuchTableError:
        old_gone = True
    t = cat.load_table(SUB + ("renamed",))
    return {"oldGone": old_gone, "ids": ids(t), "inSub": sorted(".".join(i) for i in cat.list_tables(SUB))}


steps.run("rename table across namespaces", rename)


def drop_and_register():
    t = cat.load_table(SUB + ("renamed",))
    loc = t.metadata_location
    expected = ids(t)
    cat.drop_table(SUB + ("renamed",))
    gone = not cat.table_exists(SUB + ("renamed",))
    reg = cat.register_table(NS + ("registered",), loc)
    return {"droppedGone": gone, "ids": ids(reg), "expected": expected, "metadataLocation": reg.metadata_location == loc}


steps.run("drop table (no purge), register it again from its metadata file", drop_and_register)
steps.expect_error("register over an existing table -> TableAlreadyExistsError", lambda: cat.register_table(NS + ("registered",), cat.load_table(NS + ("registered",)).metadata_location))


def gzip_metadata():
    """write.metadata.compression-codec=gzip: the catalog writes .gz.metadata.json files, which PyIceberg reads
    directly from storage, and registers such a file as a table."""
    from pyiceberg.table import StaticTable

    t = cat.create_table(NS + ("gz",), schema=SCHEMA, properties={"write.metadata.compression-codec": "gzip"})
    t.append(rows((1, "a", 1, 1.0), (2, "b", 2, 2.0)))
    loc = cat.load_table(NS + ("gz",)).metadata_location
    with open(loc.removeprefix("file://"), "rb") as f:
        magic = f.read(2)
    registered = cat.register_table(NS + ("gz_registered",), loc)
    return {
        "suffix": loc.endswith(".gz.metadata.json"),
        "gzip": magic == b"\x1f\x8b",
        "fromFile": ids(StaticTable.from_metadata(loc)),
        "registered": ids(registered),
    }


steps.run("gzip metadata files: written, read from storage, registered", gzip_metadata)


def purge():
    t = cat.load_table(NS + ("conc",))
    cat.purge_table(NS + ("conc",))
    return {"gone": not cat.table_exists(NS + ("conc",)), "metadataFileStillThere": os.path.exists(t.metadata_location.removeprefix("file://"))}


steps.run("drop with purge", purge)
steps.expect_error("drop non-empty namespace -> NamespaceNotEmptyError", lambda: cat.drop_namespace(NS))
steps.expect_error("drop missing namespace -> NoSuchNamespaceError", lambda: cat.drop_namespace(("nope",)))
