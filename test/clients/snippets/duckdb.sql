INSTALL httpfs;
INSTALL iceberg;
LOAD httpfs;
LOAD iceberg;
-- One ATTACH per branch: ENDPOINT http://HOST:PORT/iceberg/<branch> ("/iceberg" alone is main).
-- The quoted name is the warehouse: 'default', or a name given to `rat serve --warehouses`.
ATTACH 'default' AS rat (TYPE iceberg, ENDPOINT 'http://localhost:8181/iceberg/main', AUTHORIZATION_TYPE 'none');
SHOW ALL TABLES;
