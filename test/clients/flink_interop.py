"""PyIceberg 0.12 and DuckDB 1.5.5 side of the Flink lane (test/iceberg-clients-flink.test.ts): reads tables Flink wrote.

Config (RAT_CLIENT_CONFIG): {"baseUrl", "ref", "read": [["ns", "table"], ...], "duckdb": [["ns", "table"], ...]}.
Each read records the table's rows sorted by id, so the test can compare them with what Flink reads.
"""

from __future__ import annotations

from pyiceberg.catalog import load_catalog

from harness import CONFIG, Steps, catalog_uri, duckdb_connection

steps = Steps()
uri = catalog_uri(CONFIG["ref"])
catalog = load_catalog("rat", type="rest", uri=uri)


def pyiceberg_read(ns: str, name: str):
    def run():
        rows = catalog.load_table((ns, name)).scan().to_arrow().to_pylist()
        return {"rows": sorted(rows, key=lambda r: r["id"])}

    return run


for ns, name in CONFIG.get("read", []):
    steps.run(f"pyiceberg {ns}.{name}", pyiceberg_read(ns, name))

if CONFIG.get("duckdb"):
    con = duckdb_connection()
    con.execute(f"ATTACH 'default' AS rat (TYPE iceberg, ENDPOINT '{uri}', AUTHORIZATION_TYPE 'none')")

    def duckdb_read(ns: str, name: str):
        def run():
            cur = con.execute(f'SELECT * FROM rat."{ns}"."{name}" ORDER BY id')
            cols = [d[0] for d in cur.description]
            return {"rows": [dict(zip(cols, r)) for r in cur.fetchall()]}

        return run

    for ns, name in CONFIG["duckdb"]:
        steps.run(f"duckdb {ns}.{name}", duckdb_read(ns, name))
