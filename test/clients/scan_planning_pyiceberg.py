"""PyIceberg 0.12 reads tables through the catalog's server-side scan planning (test/scan-planning-pyiceberg.test.ts).

Catalog `client` plans scans in PyIceberg (its own manifest reading, the reference); catalog `server` is the same
branch with `scan-planning-mode: server`, so every `plan_files()` / `to_arrow()` / `count()` it runs asks the
catalog (`POST …/plan`, and `POST …/tasks` for tables of more than a few manifests). Steps: write a table of many
types, partitioned by identity, day, bucket and truncate, over many appends, a copy-on-write delete, an overwrite, a
column added and a partition field added; and a small table. Then scan both tables with many filters (and selected
fields, case-insensitive names, time travel) through both catalogs, and record every scan whose rows differ or whose
server-planned files miss one the client planned.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.expressions import And, EqualTo, GreaterThan, LessThan, Or
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import BucketTransform, DayTransform, IdentityTransform, MonthTransform, TruncateTransform
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    NestedField,
    StringType,
    TimestampType,
    TimestamptzType,
    UUIDType,
)

from harness import Steps, catalog_uri
from scan_planning_filters import BIG, FILTERS

steps = Steps()
NS = "pp"
EVENTS = f"{NS}.events"
SMALL = f"{NS}.small"
UTC = dt.timezone.utc

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "i", IntegerType(), required=False),
    NestedField(3, "region", StringType(), required=False),
    NestedField(4, "name", StringType(), required=False),
    NestedField(5, "d", DateType(), required=False),
    NestedField(6, "ts", TimestampType(), required=False),
    NestedField(7, "tstz", TimestamptzType(), required=False),
    NestedField(8, "amount", DecimalType(10, 2), required=False),
    NestedField(9, "dbl", DoubleType(), required=False),
    NestedField(10, "flt", FloatType(), required=False),
    NestedField(11, "flag", BooleanType(), required=False),
    NestedField(12, "uid", UUIDType(), required=False),
    NestedField(13, "bin", BinaryType(), required=False),
)
SPEC = PartitionSpec(
    PartitionField(3, 1000, IdentityTransform(), "region"),
    PartitionField(6, 1001, DayTransform(), "ts_day"),
    PartitionField(1, 1002, BucketTransform(4), "id_bucket"),
    PartitionField(4, 1003, TruncateTransform(2), "name_trunc"),
)
REGIONS = ["eu", "us", "apac"]
NAMES = ["alpha", "alps", "beta", "bet", "gamma", "Gamma"]


def arrow_schema(with_extra: bool, extra: str = "extra") -> pa.Schema:
    fields = [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("i", pa.int32()),
        pa.field("region", pa.string()),
        pa.field("name", pa.string()),
        pa.field("d", pa.date32()),
        pa.field("ts", pa.timestamp("us")),
        pa.field("tstz", pa.timestamp("us", tz="UTC")),
        pa.field("amount", pa.decimal128(10, 2)),
        pa.field("dbl", pa.float64()),
        pa.field("flt", pa.float32()),
        pa.field("flag", pa.bool_()),
        pa.field("uid", pa.uuid()),
        pa.field("bin", pa.binary()),
    ]
    if with_extra:
        fields.append(pa.field(extra, pa.string()))
    return pa.schema(fields)


def row(n: int, with_extra: bool = False, extra: str = "extra") -> dict:
    """Row `n`: every column a function of n, with nulls (and NaNs) at fixed strides in the columns no partition field
    reads (PyIceberg 0.12 cannot read a planned file whose partition tuple holds a null: see the last step)."""
    r = {
        "id": BIG if n == 999 else n,
        "i": n % 13 - 3,
        "region": REGIONS[n % 3],
        "name": NAMES[n % 6],
        "d": dt.date(2026, 1, 1) + dt.timedelta(days=n % 40),
        "ts": dt.datetime(2026, 1, 1 + n % 6, n % 24, 30),
        "tstz": dt.datetime(2026, 2, 1, 0, 0, tzinfo=UTC) + dt.timedelta(hours=7 * n),
        "amount": decimal.Decimal(n * 125).scaleb(-2),
        "dbl": None if n % 9 == 0 else float("nan") if n % 11 == 0 else n * 0.5,
        "flt": float("nan") if n % 10 == 3 else None if n % 10 == 7 else n / 4,
        "flag": None if n % 5 == 0 else n % 2 == 0,
        "uid": uuid.UUID(int=n).bytes,
        "bin": bytes([n % 256, 7]),
    }
    if with_extra:
        r[extra] = None if n % 2 else f"x{n}"
    return r


def batch(ns, with_extra: bool = False, extra: str = "extra") -> pa.Table:
    return pa.Table.from_pylist([row(n, with_extra, extra) for n in ns], schema=arrow_schema(with_extra, extra))


client = None
server = None


def connect():
    global client, server
    client = load_catalog("client", type="rest", uri=catalog_uri("main"))
    server = load_catalog("server", type="rest", uri=catalog_uri("main"), **{"scan-planning-mode": "server"})
    return {"client": client.supports_server_side_planning(), "server": server.supports_server_side_planning()}


steps.run("open a client-planning and a server-planning catalog", connect)
if client is None:
    raise SystemExit(0)


def write():
    client.create_namespace(NS)
    t = client.create_table(EVENTS, schema=SCHEMA, partition_spec=SPEC, properties={"format-version": "2"})
    snaps = []

    def mark(label: str):
        t.refresh()
        snap = t.current_snapshot()
        manifests = snap.manifests(t.io)
        entries = [e for m in manifests for e in m.fetch_manifest_entry(t.io, discard_deleted=False)]
        snaps.append(
            {
                "label": label,
                # PyIceberg's snapshot ids are random 63-bit numbers: as text, so JSON readers keep them exact.
                "id": str(snap.snapshot_id),
                "rows": len(t.scan().to_arrow()),
                "manifests": len(manifests),
                "entries": sorted({e.status.name for e in entries}),
            }
        )

    # One append per batch: each adds a manifest, more than the catalog answers with inline.
    for b in range(6):
        t.append(batch(range(b * 12, b * 12 + 12)))
        mark(f"append {b}")
    t.append(batch([999]))
    mark("append big id")
    # Copy-on-write delete: whole files dropped, others rewritten (deleted and existing manifest entries).
    t.delete(Or(LessThan("i", -1), EqualTo("name", "gamma")))
    mark("delete")
    t.overwrite(batch(range(200, 206)), overwrite_filter=EqualTo("region", "apac"))
    mark("overwrite apac")
    with t.update_schema() as u:
        u.add_column("extra", StringType())
    t.append(batch(range(300, 312), with_extra=True))
    mark("append after the new column")
    with t.update_spec() as u:
        u.add_field("d", MonthTransform(), "d_month")
    t.append(batch(range(400, 410), with_extra=True))
    mark("append after the new partition field")
    # Renamed: filters name it "note", and the files written before still carry its metrics under its field id.
    with t.update_schema() as u:
        u.rename_column("extra", "note")
    t.append(batch([410, 411], with_extra=True, extra="note"))
    mark("append last")

    s = client.create_table(SMALL, schema=SCHEMA, properties={"format-version": "2"})
    s.append(batch(range(0, 5)))
    s.append(batch(range(5, 8)))

    t.refresh()
    return {
        "snapshots": snaps,
        "specs": len(t.metadata.partition_specs),
        "schemas": len(t.metadata.schemas),
        "dataFiles": len(list(t.scan().plan_files())),
        "smallManifests": len(s.current_snapshot().manifests(s.io)),
    }


written = steps.run("write a partitioned table of many types and a small one", write)

def canonical(v):
    """A cell as exact text: NaN and -0.0 distinct, decimals at their scale, timestamps with microseconds."""
    if v is None:
        return "None"
    if isinstance(v, float):
        return "NaN" if v != v else repr(v)
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return repr(v)


def rows_of(tbl) -> list:
    return sorted(tuple(canonical(v) for v in r.values()) for r in tbl.to_pylist())


def scans(table: str, **kw):
    return client.load_table(table).scan(**kw), server.load_table(table).scan(**kw)


# PyArrow 26 has no comparison kernels for its uuid extension type, so PyIceberg cannot filter rows on a uuid column
# whichever side plans: these filters compare the planned files only.
PLAN_ONLY = {"uid = uuid 7", "uid in two uuids", "uid > uuid 300"}


def compare_scan(table: str, plan_only: bool = False, **kw) -> dict:
    """Rows, row count and planned files of one scan through both catalogs."""
    c, s = scans(table, **kw)
    c_rows, s_rows = ([], []) if plan_only else (rows_of(c.to_arrow()), rows_of(s.to_arrow()))
    c_files = {t.file.file_path for t in c.plan_files()}
    s_files = {t.file.file_path for t in s.plan_files()}
    return {
        "rows": len(c_rows),
        "serverRows": len(s_rows),
        "same": c_rows == s_rows,
        "count": len(c_rows) if plan_only else c.count(),
        "serverCount": len(s_rows) if plan_only else s.count(),
        "clientFiles": len(c_files),
        "serverFiles": len(s_files),
        "missed": sorted(c_files - s_files),
        "columns": c.to_arrow().column_names if kw.get("selected_fields") else None,
    }


def differences(results: dict) -> list:
    out = []
    for name, r in results.items():
        if not r["same"] or r["missed"] or r["count"] != r["rows"] or r["serverCount"] != r["rows"]:
            out.append({"scan": name, **{k: v for k, v in r.items() if k != "columns"}})
    return out


def filters_step(table: str):
    def run():
        results = {}
        for name, f in FILTERS.items():
            if table == SMALL and "note" in name:
                continue  # the small table never got the column
            try:
                results[name] = compare_scan(table, plan_only=name in PLAN_ONLY, row_filter=f)
            except Exception as exc:  # noqa: BLE001 - one failing filter is recorded, the others still run
                results[name] = {"error": f"{type(exc).__name__}: {str(exc)[:600]}"}
        errors = {k: v["error"] for k, v in results.items() if "error" in v}
        ok = {k: v for k, v in results.items() if "error" not in v}
        return {
            "checked": len(ok),
            "errors": errors,
            "differing": differences(ok),
            "rows": {k: v["rows"] for k, v in ok.items()},
            "files": {k: [v["clientFiles"], v["serverFiles"]] for k, v in ok.items()},
        }

    return run


steps.run("every filter reads the same rows from both catalogs (large table)", filters_step(EVENTS))
steps.run("every filter reads the same rows from both catalogs (small table)", filters_step(SMALL))


def projections():
    cases = {
        "select id, region": dict(selected_fields=("id", "region")),
        "select uid, amount where amount > 50.00": dict(selected_fields=("uid", "amount"), row_filter="amount > 50.00"),
        "select note where region = eu": dict(selected_fields=("id", "note"), row_filter=EqualTo("region", "eu")),
        "upper-case names, case-insensitive": dict(
            selected_fields=("ID", "REGION", "Ts"),
            row_filter=And(EqualTo("REGION", "us"), GreaterThan("Id", 10)),
            case_sensitive=False,
        ),
        "upper-case text filter, case-insensitive": dict(
            row_filter="NAME = 'alps' or D < '2026-01-03'", case_sensitive=False
        ),
    }
    results = {name: compare_scan(EVENTS, **kw) for name, kw in cases.items()}
    # A limit stops reading once it has enough rows: which rows depends on the order of the tasks, the count does not.
    c, s = scans(EVENTS, row_filter=EqualTo("region", "us"), limit=5)
    return {
        "limited": [len(c.to_arrow()), len(s.to_arrow())],
        "differing": differences(results),
        "rows": {k: v["rows"] for k, v in results.items()},
        "columns": {k: v["columns"] for k, v in results.items()},
    }


steps.run("selected fields and case-insensitive names", projections)


def time_travel():
    snaps = written["snapshots"] if written else []
    results = {}
    for s in snaps:
        for fname in ("all", "region = eu", "id < 20", "dbl is nan"):
            scan = compare_scan(EVENTS, snapshot_id=int(s["id"]), row_filter=FILTERS[fname])
            results[f"{s['label']} / {fname}"] = scan
    return {
        "differing": differences(results),
        "checked": len(results),
        "rows": {k: v["rows"] for k, v in results.items()},
    }


steps.run("time travel to every snapshot", time_travel)


def old_name_selected():
    # PyIceberg projects a time-travel scan with the snapshot's schema but sends `use-snapshot-schema: false` (its
    # own planning binds the filter to the current schema), so the catalog resolves `select` in the current schema,
    # where the column has its new name. The spec ties both to that flag; PyIceberg 0.12 splits them.
    snap = next(s for s in written["snapshots"] if s["label"] == "append after the new column")
    c, s = scans(EVENTS, snapshot_id=int(snap["id"]), selected_fields=("id", "extra"))
    client_rows = len(c.to_arrow())
    try:
        s.to_arrow()
        server = "read"
    except Exception as exc:  # noqa: BLE001 - the class is the outcome
        server = type(exc).__name__
    return {"clientRows": client_rows, "server": server}


steps.run("time travel selecting a renamed column by its old name", old_name_selected)


def case_sensitive_unknown():
    # A name that only matches case-insensitively is refused by both sides when the scan is case-sensitive.
    _, s = scans(EVENTS, row_filter=EqualTo("REGION", "eu"))
    list(s.plan_files())


steps.expect_error("a case-sensitive filter on an upper-case name fails on the server too", case_sensitive_unknown)


def null_partition():
    # The spec's ContentFile `partition` is a list of PrimitiveTypeValue, which has no null; the catalog writes null
    # for a null partition value (as Iceberg's Java client reads and writes it), and PyIceberg 0.12's response model
    # refuses it. The client-side scan reads the same table.
    t = client.create_table(f"{NS}.nulls", schema=SCHEMA, partition_spec=PartitionSpec(SPEC.fields[0]))
    data = batch([1, 2]).to_pylist()
    data[1]["region"] = None
    t.append(pa.Table.from_pylist(data, schema=arrow_schema(False)))
    rows = len(client.load_table(f"{NS}.nulls").scan().to_arrow())
    if rows != 2:
        raise AssertionError(f"client-side planning read {rows} rows, not 2")
    list(server.load_table(f"{NS}.nulls").scan().plan_files())


steps.expect_error("a null partition value: PyIceberg 0.12 cannot read the planned file", null_partition)
