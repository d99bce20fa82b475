"""PyIceberg side of the model docs test (test/engine-docs.test.ts): what a client reads of a table's descriptions.

Usage: table_docs_pyiceberg.py <catalog uri for the branch> <namespace.table>
Prints one JSON object on stdout: the table's comment property and each column's doc.
"""
import json
import sys

from pyiceberg.catalog import load_catalog

uri, name = sys.argv[1], sys.argv[2]
table = load_catalog("rat", type="rest", uri=uri).load_table(name)
print(
    json.dumps(
        {
            "comment": table.properties.get("comment"),
            "docs": {f.name: f.doc for f in table.schema().fields},
            "rows": table.scan().to_arrow().num_rows,
        }
    )
)
