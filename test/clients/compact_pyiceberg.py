"""PyIceberg side of the compaction test (test/engine-compact.test.ts): a table PyIceberg appends to one file at a
time, then what it reads once `rat compact --table` rewrote them.

Usage: compact_pyiceberg.py <catalog uri for the branch> write|read <namespace.table>
Prints one JSON object on stdout: the rows' ids and the table's live data files.
"""
import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog

uri, mode, name = sys.argv[1], sys.argv[2], sys.argv[3]
catalog = load_catalog("rat", type="rest", uri=uri)
if mode == "write":
    namespace = name.split(".")[0]
    if (namespace,) not in catalog.list_namespaces():
        catalog.create_namespace(namespace)
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("who", pa.string())])
    table = catalog.create_table(name, schema=schema)
    for i in range(6):
        table.append(pa.table({"id": [i], "who": [f"writer-{i}"]}, schema=schema))
table = catalog.load_table(name)
print(
    json.dumps(
        {
            "ids": sorted(table.scan().to_arrow()["id"].to_pylist()),
            "files": table.inspect.files().num_rows,
            "operation": table.current_snapshot().summary.operation.value,
        }
    )
)
