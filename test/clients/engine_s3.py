"""Engine on S3 (test/engine-s3.test.ts): PyIceberg, given no S3 settings, reads what the engine wrote to a warehouse
on S3 (Parquet data files, manifests and manifest lists at s3:// locations)."""

from __future__ import annotations

from pyiceberg.catalog import load_catalog

from harness import CONFIG, Steps, catalog_uri

steps = Steps()
cat = load_catalog("rat", **{"type": "rest", "uri": catalog_uri(CONFIG["branch"])})


def pyiceberg_reads_engine_tables():
    revenue = cat.load_table("gold.daily_revenue")
    orders = cat.load_table("bronze.orders").scan().to_arrow()
    files = [t.file.file_path for t in revenue.scan().plan_files()]
    return {
        "location": revenue.metadata.location,
        "revenue_rows": revenue.scan().to_arrow().num_rows,
        "order_ids": sorted(set(orders.column("order_id").to_pylist())),
        "data_files": files,
    }


steps.run("pyiceberg reads engine tables on S3", pyiceberg_reads_engine_tables)
