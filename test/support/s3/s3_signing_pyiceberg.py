"""PyIceberg 0.12 writing and reading through the catalog's S3 remote signing, with auth on.

Driven by test/s3-signing-pyiceberg.test.ts (step model: test/clients/harness.py). PyIceberg holds no S3 keys: it
announces `X-Iceberg-Access-Delegation: remote-signing`, the table's config names the fsspec FileIO (`py-io-impl`)
and the table's signer endpoint, and every S3 request s3fs sends is signed by the catalog for the caller's token.
"""

from __future__ import annotations

import pyarrow as pa
from harness import CONFIG, Steps, catalog_uri
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

steps = Steps()
BRANCH = CONFIG["branch"]
ARROW = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string())])


def catalog(credential: str):
    return load_catalog(
        credential.split(":")[0],
        type="rest",
        uri=catalog_uri(BRANCH),
        credential=credential,
        **{"header.X-Iceberg-Access-Delegation": "remote-signing"},
    )


etl = catalog(CONFIG["etlCredential"])
guest = catalog(CONFIG["guestCredential"])


def ids(table) -> list[int]:
    return sorted(r["id"] for r in table.scan().to_arrow().to_pylist())


def etl_writes():
    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType(), required=False))
    t = etl.create_table("db.py_events", schema=schema)
    t.append(pa.Table.from_pylist([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], schema=ARROW))
    t = etl.load_table("db.py_events")
    return {
        "io": type(t.io).__name__,
        "ids": ids(t),
        "files": [f.file.file_path for f in t.scan().plan_files()],
    }


def guest_reads():
    return ids(guest.load_table("db.py_events"))


def guest_appends():
    t = guest.load_table("db.py_events")
    t.append(pa.Table.from_pylist([{"id": 9, "name": "z"}], schema=ARROW))


steps.run("pyiceberg etl: create a table and append through signed writes", etl_writes)
steps.run("pyiceberg guest: read through signed reads", guest_reads)
steps.expect_error("pyiceberg guest: an append is refused", guest_appends)
