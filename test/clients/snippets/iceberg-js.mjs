import { IcebergRestCatalog } from 'iceberg-js';

// One client per branch: baseUrl http://HOST:PORT/iceberg/<branch> ("/iceberg" alone is main).
export const catalog = new IcebergRestCatalog({
  baseUrl: 'http://localhost:8181/iceberg/main',
  auth: { type: 'none' },
});
console.log(await catalog.listNamespaces());
