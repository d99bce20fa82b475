"""The tables, rows and calls merge_suite.py builds its cases from: schemas of the `mg` namespace's tables, rows to
append, catalogs per branch, and merges through the management API with each key's outcome."""

from __future__ import annotations

import os
import urllib.parse

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType

from harness import api, catalog_uri, ref_hash, sql_rows
SCHEMA = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "who", StringType(), required=False))
ARROW = pa.schema([("id", pa.int64()), ("who", pa.string())])
WIDE = pa.schema([("id", pa.int64()), ("who", pa.string()), ("note", pa.string())])
DAYS = Schema(
    NestedField(1, "id", LongType(), required=False),
    NestedField(2, "who", StringType(), required=False),
    NestedField(3, "day", LongType(), required=False),
)
DAYS_ARROW = pa.schema([("id", pa.int64()), ("who", pa.string()), ("day", pa.int64())])
# The same columns with `id` as the row identity (identifier field): row-level changes are told apart by it.
KEYED = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "who", StringType(), required=False),
    NestedField(3, "day", LongType(), required=False),
    identifier_field_ids=[1],
)
KEYED_ARROW = pa.schema([pa.field("id", pa.int64(), nullable=False), ("who", pa.string()), ("day", pa.int64())])
BY_DAY = PartitionSpec(PartitionField(source_id=3, field_id=1000, transform=IdentityTransform(), name="day"))
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
    path = f"/api/v2/trees/{urllib.parse.quote(into, safe='')}@{ref_hash(into)}/history/merge?rat-details=true"
    status, body = api("POST", path, {"fromRefName": from_ref, "fromHash": ref_hash(from_ref), **flags})
    return {"status": status, "body": body}


def refused_merge(from_ref: str):
    """Merges with conflicts returned as the result; says whether main stayed where it was."""
    before = ref_hash("main")
    r = merge(from_ref, isReturnConflictAsResult=True)
    return {
        "wasSuccessful": r["body"]["wasSuccessful"],
        "outcomes": outcomes(r["body"]),
        "mainUnchanged": ref_hash("main") == before,
    }


def add_note_and_append(t, who: str, i: int) -> None:
    with t.update_schema() as u:
        u.add_column("note", StringType())
    t.append(pa.Table.from_pylist([{"id": i, "who": who, "note": f"from {who}"}], schema=WIDE))


def day_rows(who: str, *id_day: tuple[int, int]) -> pa.Table:
    return pa.Table.from_pylist([{"id": i, "who": who, "day": d} for i, d in id_day], schema=DAYS_ARROW)


def metadata_files(ref: str, name: str) -> int:
    location = table(ref, name).metadata.location.removeprefix("file://")
    return len(os.listdir(os.path.join(location, "metadata")))


def spark_rows(spark, sql: str, *tables: str) -> list[list]:
    """Rows of a Spark query, after refreshing the tables it reads (other writers moved them)."""
    for t in tables:
        spark.sql(f"REFRESH TABLE {t}")
    return [list(r.values()) for r in sql_rows(spark, sql)]
