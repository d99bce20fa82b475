-- Flink SQL: the SQL client, or TableEnvironment.executeSql in a job, with iceberg-flink-runtime-2.0-1.11.0.jar and
-- Hadoop's client jars (hadoop-client-api, hadoop-client-runtime) on the classpath.
-- One catalog per branch: 'uri' is http://HOST:PORT/iceberg/<branch> ("/iceberg" alone is main).
CREATE CATALOG rat WITH (
  'type' = 'iceberg',
  'catalog-type' = 'rest',
  'uri' = 'http://localhost:8181/iceberg/main'
);
USE CATALOG rat;
SHOW DATABASES;
