"""Shared helpers for the client conformance scripts driven by test/iceberg-clients-*.test.ts.

A script reads its settings from the JSON in RAT_CLIENT_CONFIG, runs named steps with `steps.run(name, fn)`
and writes every outcome to RAT_RESULT_FILE as {"steps": {name: {"ok", "value" | "error"}}}. A failing step is
recorded (exception class, message, traceback) and the script goes on, so one server bug shows up as one failing
mocha test, not as a crash that hides the rest.
"""

from __future__ import annotations

import datetime
import decimal
import glob
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable

CONFIG: dict[str, Any] = json.loads(os.environ.get("RAT_CLIENT_CONFIG", "{}"))
SNIPPETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "snippets")
DOC_HOST = "http://localhost:8181"


def jsonable(v: Any) -> Any:
    """Turns client values (Arrow scalars, dates, decimals, rows, tuples) into plain JSON values."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if hasattr(v, "asDict"):  # pyspark Row (a tuple subclass: check before tuples)
        return jsonable(v.asDict(recursive=True))
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [jsonable(x) for x in v]
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (datetime.date, datetime.datetime, datetime.time)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    if hasattr(v, "as_py"):  # pyarrow scalar
        return jsonable(v.as_py())
    return repr(v)


class Steps:
    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}
        self.path = os.environ.get("RAT_RESULT_FILE")
        self.flush()

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        """Runs one step; records its JSON-able return value or the exception it raised. Returns the value or None."""
        print(f"[step] {name}", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            value = fn()
            took = round((time.monotonic() - started) * 1000)
            print(f"[step] {name} ok in {took} ms", file=sys.stderr, flush=True)
            self.results[name] = {"ok": True, "value": jsonable(value), "ms": took}
            self.flush()
            return value
        except BaseException as exc:  # noqa: BLE001 - record everything, including Java errors from py4j
            self.results[name] = {"ok": False, "error": describe_error(exc)}
            print(f"[step] {name} FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            self.flush()
            if isinstance(exc, KeyboardInterrupt):
                raise
            return None

    def expect_error(self, name: str, fn: Callable[[], Any]) -> None:
        """Runs a step that must raise: records {"raised": <class name>, ...} as its value, or fails if nothing raised."""

        def wrapped() -> Any:
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001
                return {"raised": type(exc).__name__, **describe_error(exc)}
            raise AssertionError("expected an exception, none was raised")

        self.run(name, wrapped)

    def flush(self) -> None:
        if not self.path:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"steps": self.results}, f)
        os.replace(tmp, self.path)


def describe_error(exc: BaseException) -> dict[str, Any]:
    msg = str(exc)
    # py4j/Spark errors carry the Java class in the message: keep the first lines, which name it.
    return {
        "type": type(exc).__name__,
        "message": msg[:4000],
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-6000:],
    }


# --- snippets (docs/clients.md includes these files verbatim) ---------------------------------------------------


def snippet_source(name: str, catalog_uri: str, replacements: dict[str, str] | None = None) -> str:
    """Reads test/clients/snippets/<name> and points it at the test server.

    The documented snippets use http://localhost:8181/iceberg/main; the only rewrite is that URI (and any
    explicitly listed, asserted replacement such as the Spark jar line)."""
    with open(os.path.join(SNIPPETS_DIR, name)) as f:
        src = f.read()
    doc_uri = f"{DOC_HOST}/iceberg/main"
    if doc_uri not in src:
        raise AssertionError(f"snippet {name} does not contain {doc_uri}")
    src = src.replace(doc_uri, catalog_uri)
    for old, new in (replacements or {}).items():
        if old not in src:
            raise AssertionError(f"snippet {name} does not contain {old!r}")
        src = src.replace(old, new)
    return src


def exec_snippet(name: str, catalog_uri: str, replacements: dict[str, str] | None = None) -> dict[str, Any]:
    """Executes a Python snippet and returns its globals (e.g. `catalog`, `spark`, `con`)."""
    scope: dict[str, Any] = {"__name__": f"snippet_{name}"}
    exec(compile(snippet_source(name, catalog_uri, replacements), name, "exec"), scope)  # noqa: S102
    return scope


# --- DuckDB: extensions from the wheels, never from the network ----------------------------------------------


def duckdb_extension_file(name: str) -> str:
    import duckdb

    import importlib.util

    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"duckdb-extension-{name} wheel not installed")
    root = list(spec.submodule_search_locations)[0]
    files = glob.glob(os.path.join(root, "extensions", f"v{duckdb.__version__}", f"{name}.duckdb_extension"))
    if not files:
        raise RuntimeError(f"no {name} extension for DuckDB {duckdb.__version__} under {root}")
    return files[0]


def duckdb_connection():
    """A DuckDB connection with httpfs, avro and iceberg loaded from their wheels (autoinstall off)."""
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "true"})
    for ext in ("httpfs", "avro", "iceberg"):
        con.execute(f"LOAD '{duckdb_extension_file(ext)}'")
    return con


def run_duckdb_snippet(con, name: str, catalog_uri: str) -> None:
    """Runs a SQL snippet statement by statement. `INSTALL x` statements are skipped: the extensions are already
    loaded from the pinned wheels (this machine cannot download them)."""
    src = snippet_source(name, catalog_uri)
    for stmt in split_sql(src):
        if stmt.upper().startswith("INSTALL "):
            continue
        con.execute(stmt)


def split_sql(src: str) -> list[str]:
    out = []
    for stmt in src.split(";"):
        lines = [ln for ln in stmt.splitlines() if not ln.strip().startswith("--")]
        s = "\n".join(lines).strip()
        if s:
            out.append(s)
    return out


# --- the management API (Nessie v2 shapes) --------------------------------------------------------------------


def api(method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    base = CONFIG["baseUrl"].rstrip("/")
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token is not None:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text


def api_ok(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    status, payload = api(method, path, body, token)
    if status >= 300:
        raise RuntimeError(f"{method} {path} -> {status} {json.dumps(payload)[:2000]}")
    return payload


def client_token(client_id: str, secret: str) -> str:
    """A bearer token from the catalog's token endpoint (client credentials grant), for the management API."""
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": "catalog"}
    ).encode()
    req = urllib.request.Request(catalog_uri() + "/v1/oauth/tokens", data=form, method="POST")
    req.add_header("content-type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read().decode())["access_token"]


def ref_hash(name: str, token: str | None = None) -> str:
    return api_ok("GET", f"/api/v2/trees/{urllib.parse.quote(name, safe='')}", token=token)["reference"]["hash"]


def create_branch(name: str, source: str = "main", token: str | None = None) -> Any:
    q = urllib.parse.urlencode({"name": name, "type": "BRANCH"})
    body = {"type": "BRANCH", "name": source, "hash": ref_hash(source, token)}
    return api_ok("POST", f"/api/v2/trees?{q}", body, token)


def merge(from_ref: str, into: str = "main", token: str | None = None) -> Any:
    return api_ok(
        "POST",
        f"/api/v2/trees/{urllib.parse.quote(into, safe='')}@{ref_hash(into, token)}/history/merge",
        {"fromRefName": from_ref, "fromHash": ref_hash(from_ref, token)},
        token,
    )


def catalog_uri(ref: str | None = None) -> str:
    base = CONFIG["baseUrl"].rstrip("/")
    return f"{base}/iceberg" if ref is None else f"{base}/iceberg/{urllib.parse.quote(ref, safe='')}"


# --- Spark ------------------------------------------------------------------------------------------------------

SPARK_PACKAGES_LINE = '.config("spark.jars.packages", "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.11.0")'


def spark_from_snippet(uri: str):
    """Runs snippets/spark.py against `uri`, with the jar taken from the Maven cache instead of Ivy (the one
    asserted rewrite: the test machine fetches jars with `mvn dependency:copy` into $RAT_CACHE_DIR)."""
    jar = CONFIG["sparkJar"]
    scope = exec_snippet("spark.py", uri, {SPARK_PACKAGES_LINE: f'.config("spark.jars", {json.dumps(jar)})'})
    spark = scope["spark"]
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_catalog(spark, name: str, uri: str) -> None:
    """Adds a REST catalog named `name` (e.g. one per Ratatouille branch) to a running session."""
    spark.conf.set(f"spark.sql.catalog.{name}", "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set(f"spark.sql.catalog.{name}.type", "rest")
    spark.conf.set(f"spark.sql.catalog.{name}.uri", uri)


def sql_rows(spark, query: str) -> list[dict[str, Any]]:
    return [jsonable(r) for r in spark.sql(query).collect()]


def spark_error_class(exc: BaseException) -> str:
    for attr in ("getCondition", "getErrorClass"):
        fn = getattr(exc, attr, None)
        if fn:
            try:
                v = fn()
                if v:
                    return str(v)
            except Exception:  # noqa: BLE001
                pass
    return type(exc).__name__


def duckdb_attach(con, alias: str, uri: str) -> None:
    """Attaches one more Ratatouille branch to a DuckDB connection, the same way the snippet does."""
    con.execute(f"ATTACH 'default' AS {alias} (TYPE iceberg, ENDPOINT '{uri}', AUTHORIZATION_TYPE 'none')")


def duckdb_rows(con, query: str) -> list[dict[str, Any]]:
    cur = con.execute(query)
    names = [d[0] for d in cur.description]
    return [jsonable(dict(zip(names, row))) for row in cur.fetchall()]
