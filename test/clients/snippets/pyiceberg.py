from pyiceberg.catalog import load_catalog

# One catalog per branch: http://HOST:PORT/iceberg/<branch> ("/iceberg" alone is main).
catalog = load_catalog(
    "rat",
    type="rest",
    uri="http://localhost:8181/iceberg/main",
)
print(catalog.list_namespaces())
