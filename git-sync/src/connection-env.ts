export interface ConnectionSettings {
  /** The Iceberg REST catalog URI for this data ref. */
  uri: string;
  ref: string;
  readOnly: boolean;
  /** Environment variables PyIceberg reads (`load_catalog("rat")`, or `load_catalog()` via the default). */
  pyiceberg: Record<string, string>;
  /** Spark conf entries (`--conf k=v`) for Iceberg's SparkCatalog. */
  spark: Record<string, string>;
  /** DuckDB statements that attach the catalog (iceberg extension). */
  duckdb: string;
}

/**
 * Connection settings for a data ref, for PyIceberg, Spark and DuckDB. Pure.
 *
 * @example connectionEnv({ catalogUrl: 'http://localhost:8181', ref: 'feature/x' }).pyiceberg.PYICEBERG_CATALOG__RAT__URI
 *   // 'http://localhost:8181/iceberg/feature%2Fx'
 */
export function connectionEnv(opts: {
  catalogUrl: string;
  ref: string;
  readOnly?: boolean;
  catalogName?: string;
}): ConnectionSettings {
  const name = opts.catalogName ?? 'rat';
  const uri = `${opts.catalogUrl.replace(/\/+$/, '')}/iceberg/${encodeURIComponent(opts.ref)}`;
  const upper = name.toUpperCase().replace(/-/g, '_');
  const sq = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return {
    uri,
    ref: opts.ref,
    readOnly: !!opts.readOnly,
    pyiceberg: {
      [`PYICEBERG_CATALOG__${upper}__TYPE`]: 'rest',
      [`PYICEBERG_CATALOG__${upper}__URI`]: uri,
      PYICEBERG_DEFAULT_CATALOG: name,
    },
    spark: {
      [`spark.sql.catalog.${name}`]: 'org.apache.iceberg.spark.SparkCatalog',
      [`spark.sql.catalog.${name}.type`]: 'rest',
      [`spark.sql.catalog.${name}.uri`]: uri,
      'spark.sql.defaultCatalog': name,
    },
    duckdb: [
      'INSTALL iceberg;',
      'LOAD iceberg;',
      `ATTACH ${sq(name)} AS ${name} (TYPE iceberg, ENDPOINT ${sq(uri)}, AUTHORIZATION_TYPE 'none'${opts.readOnly ? ', READ_ONLY' : ''});`,
    ].join('\n'),
  };
}
