"""Spark 4.1 with Iceberg's NessieCatalog (catalog-impl, the Nessie REST API v2 at /api/v2) against Ratatouille, as a
team moving from Nessie keeps its Spark settings and changes the URI; the same tables are then read through the
Iceberg REST catalog. See harness.py for the step model."""

from __future__ import annotations

from harness import CONFIG, Steps, api, api_ok, catalog_uri, spark_from_snippet, sql_rows

steps = Steps()
BASE = CONFIG["baseUrl"].rstrip("/")


def warehouse() -> str:
    # NessieCatalog writes metadata files itself, so it needs the server's warehouse: a namespace's default location
    # (GET answers it, <warehouse>/<namespace>) names it.
    api_ok("POST", "/iceberg/v1/namespaces", {"namespace": ["probe"]})
    location = api_ok("GET", "/iceberg/v1/namespaces/probe")["properties"]["location"]
    return location.rsplit("/", 1)[0]


def start():
    # The documented snippet's session (its catalog `rat` is the REST catalog on main), with Iceberg's NessieCatalog
    # beside it as a Nessie team's settings name it; Spark reads a catalog's settings when it is first used.
    spark = spark_from_snippet(catalog_uri("main"))
    nessie = {
        "": "org.apache.iceberg.spark.SparkCatalog",
        ".catalog-impl": "org.apache.iceberg.nessie.NessieCatalog",
        ".uri": f"{BASE}/api/v2",
        ".ref": "main",
        ".warehouse": warehouse(),
    }
    for suffix, value in nessie.items():
        spark.conf.set(f"spark.sql.catalog.nessie{suffix}", value)
    return spark


spark = steps.run("start Spark with NessieCatalog on /api/v2", start)
if spark is None:
    raise SystemExit(0)


def q(sql: str):
    return sql_rows(spark, sql)


def create_and_write():
    q("CREATE NAMESPACE nessie.shop")
    q("CREATE TABLE nessie.shop.orders (id BIGINT, item STRING) USING iceberg")
    q("INSERT INTO nessie.shop.orders VALUES (1, 'apple'), (2, 'pear')")
    q("INSERT INTO nessie.shop.orders VALUES (3, 'fig')")
    return {
        "tables": [r["tableName"] for r in q("SHOW TABLES IN nessie.shop")],
        "ids": [r["id"] for r in q("SELECT id FROM nessie.shop.orders ORDER BY id")],
        "snapshots": q("SELECT count(*) AS n FROM nessie.shop.orders.snapshots")[0]["n"],
    }


steps.run("CREATE NAMESPACE, CREATE TABLE, INSERT through NessieCatalog", create_and_write)


def read_through_rest():
    props = api_ok("GET", "/iceberg/v1/namespaces/shop/tables/orders")["metadata"]["properties"]
    return {
        "ids": [r["id"] for r in q("SELECT id FROM rat.shop.orders ORDER BY id")],
        "gcEnabled": props.get("gc.enabled"),
        "deleteAfterCommit": props.get("write.metadata.delete-after-commit.enabled"),
    }


steps.run("the same table read through the Iceberg REST catalog", read_through_rest)


def commits_on_main():
    log = api_ok("GET", "/api/v2/trees/main/history?max-records=20")["logEntries"]
    return {"messages": [e["commitMeta"]["message"] for e in log]}


steps.run("NessieCatalog's commits in the log", commits_on_main)


def branch_work():
    head = api_ok("GET", "/api/v2/trees/main")["reference"]
    api_ok("POST", "/api/v2/trees?name=dev&type=BRANCH", {"type": "BRANCH", "name": "main", "hash": head["hash"]})
    # A table at another reference: `<table>@<ref>` in the identifier, as NessieCatalog reads it.
    q("INSERT INTO nessie.shop.`orders@dev` VALUES (4, 'kiwi')")
    dev = [r["id"] for r in q("SELECT id FROM nessie.shop.`orders@dev` ORDER BY id")]
    main = [r["id"] for r in q("SELECT id FROM nessie.shop.orders ORDER BY id")]
    dev_head = api_ok("GET", "/api/v2/trees/dev")["reference"]["hash"]
    main_head = api_ok("GET", "/api/v2/trees/main")["reference"]["hash"]
    merged = api_ok(
        "POST",
        f"/api/v2/trees/main@{main_head}/history/merge",
        {"fromRefName": "dev", "fromHash": dev_head},
    )
    spark.sql("REFRESH TABLE nessie.shop.orders")
    after = [r["id"] for r in q("SELECT id FROM nessie.shop.orders ORDER BY id")]
    return {"dev": dev, "mainBefore": main, "merged": merged["wasApplied"], "mainAfter": after}


steps.run("a branch written through NessieCatalog and merged into main", branch_work)


def rest_write_seen_by_nessie():
    q("INSERT INTO rat.shop.orders VALUES (5, 'plum')")
    spark.sql("REFRESH TABLE nessie.shop.orders")
    return {"ids": [r["id"] for r in q("SELECT id FROM nessie.shop.orders ORDER BY id")]}


steps.run("a write through the Iceberg REST catalog, read through NessieCatalog", rest_write_seen_by_nessie)


def drop():
    q("DROP TABLE nessie.shop.orders")
    status, _ = api("GET", "/iceberg/v1/namespaces/shop/tables/orders")
    return {"restStatus": status, "tables": [r["tableName"] for r in q("SHOW TABLES IN nessie.shop")]}


steps.run("DROP TABLE through NessieCatalog", drop)
