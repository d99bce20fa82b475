export interface ConnectionSettings {
  /** The Iceberg REST catalog URI for this data ref. */
  uri: string;
  ref: string;
  readOnly: boolean;
  /** Environment variables PyIceberg reads (`load_catalog("rat")`, or `load_catalog()` via the default). */
  pyiceberg: Record<string, string>;
  /** The same catalog as the properties of PyIceberg's `.pyiceberg.yaml` (`catalog: { <name>: … }`). */
  pyicebergYaml: { catalog: Record<string, Record<string, string>> };
  /**
   * Spark conf entries (`--conf k=v`) for Iceberg's SparkCatalog, complete: the runtime jar (from Maven Central) and
   * Iceberg's SQL extensions (`CALL`, `ALTER TABLE … WRITE ORDERED BY`, branches) included.
   */
  spark: Record<string, string>;
  /** DuckDB statements that attach the catalog (iceberg extension) under the catalog name. */
  duckdb: string;
}

/**
 * Which credentials the caller's environment holds for a catalog with auth on (see `credentialsFromEnv`). The
 * settings then refer to those variables (`${RAT_TOKEN}`, `${RAT_CLIENT_ID}:${RAT_CLIENT_SECRET}`) for the shell to
 * expand: a secret's value is never written out.
 */
export type ConnectionAuth = 'token' | 'client-credentials';

/** The Iceberg Spark runtime the docs and the tests use (Spark 4.1, Scala 2.13). */
export const ICEBERG_SPARK_PACKAGE = 'org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.11.0';
/** The warehouse DuckDB's ATTACH names: the server's default one (`rat serve --warehouses` adds named ones). */
const DUCKDB_WAREHOUSE = 'default';

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
  auth?: ConnectionAuth;
}): ConnectionSettings {
  const name = opts.catalogName ?? 'rat';
  const uri = `${opts.catalogUrl.replace(/\/+$/, '')}/iceberg/${encodeURIComponent(opts.ref)}`;
  const upper = name.toUpperCase().replace(/-/g, '_');
  const sq = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const credential = '${RAT_CLIENT_ID}:${RAT_CLIENT_SECRET}';
  const pyAuth: Record<string, string> =
    opts.auth === 'token'
      ? { [`PYICEBERG_CATALOG__${upper}__TOKEN`]: '${RAT_TOKEN}' }
      : opts.auth === 'client-credentials'
        ? { [`PYICEBERG_CATALOG__${upper}__CREDENTIAL`]: credential }
        : {};
  const pyYamlAuth: Record<string, string> =
    opts.auth === 'token' ? { token: '${RAT_TOKEN}' } : opts.auth === 'client-credentials' ? { credential } : {};
  const sparkAuth: Record<string, string> =
    opts.auth === 'token'
      ? { [`spark.sql.catalog.${name}.token`]: '${RAT_TOKEN}' }
      : opts.auth === 'client-credentials'
        ? { [`spark.sql.catalog.${name}.credential`]: credential }
        : {};
  const tokenUri = `${opts.catalogUrl.replace(/\/+$/, '')}/iceberg/v1/oauth/tokens`;
  // DuckDB cannot read the environment: the secret's fields are left for the user to fill in.
  const duckSecret =
    opts.auth === 'token'
      ? `CREATE SECRET ${name}_auth (TYPE iceberg, TOKEN '\${RAT_TOKEN}');`
      : opts.auth === 'client-credentials'
        ? `CREATE SECRET ${name}_auth (TYPE iceberg, CLIENT_ID '\${RAT_CLIENT_ID}', CLIENT_SECRET '\${RAT_CLIENT_SECRET}', OAUTH2_SERVER_URI ${sq(tokenUri)});`
        : undefined;
  const duckAuth = duckSecret ? `SECRET ${name}_auth` : `AUTHORIZATION_TYPE 'none'`;
  return {
    uri,
    ref: opts.ref,
    readOnly: !!opts.readOnly,
    pyiceberg: {
      [`PYICEBERG_CATALOG__${upper}__TYPE`]: 'rest',
      [`PYICEBERG_CATALOG__${upper}__URI`]: uri,
      PYICEBERG_DEFAULT_CATALOG: name,
      ...pyAuth,
    },
    pyicebergYaml: { catalog: { [name]: { type: 'rest', uri, ...pyYamlAuth } } },
    spark: {
      'spark.jars.packages': ICEBERG_SPARK_PACKAGE,
      'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
      [`spark.sql.catalog.${name}`]: 'org.apache.iceberg.spark.SparkCatalog',
      [`spark.sql.catalog.${name}.type`]: 'rest',
      [`spark.sql.catalog.${name}.uri`]: uri,
      'spark.sql.defaultCatalog': name,
      ...sparkAuth,
    },
    duckdb: [
      'INSTALL httpfs;',
      'INSTALL iceberg;',
      'LOAD httpfs;',
      'LOAD iceberg;',
      ...(duckSecret ? ['-- replace the ${…} placeholders with their values; never commit them', duckSecret] : []),
      // The quoted string is the warehouse the server is asked for, not the alias (docs/clients.md).
      `ATTACH ${sq(DUCKDB_WAREHOUSE)} AS ${name} (TYPE iceberg, ENDPOINT ${sq(uri)}, ${duckAuth}${opts.readOnly ? ', READ_ONLY' : ''});`,
    ].join('\n'),
  };
}
