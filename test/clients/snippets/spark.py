from pyspark.sql import SparkSession

# "rat" is the catalog on branch main; add one catalog per branch you want to use in the same session.
spark = (
    SparkSession.builder.appName("ratatouille")
    .config("spark.jars.packages", "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.11.0")
    .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
    .config("spark.sql.catalog.rat", "org.apache.iceberg.spark.SparkCatalog")
    .config("spark.sql.catalog.rat.type", "rest")
    .config("spark.sql.catalog.rat.uri", "http://localhost:8181/iceberg/main")
    .config("spark.sql.defaultCatalog", "rat")
    .getOrCreate()
)
spark.sql("SHOW NAMESPACES").show()
