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
 * Which credentials the caller's environment holds for a catalog with auth on (see `credentialsFromEnv`). The
 * settings then refer to those variables (`${RAT_TOKEN}`, `${RAT_CLIENT_ID}:${RAT_CLIENT_SECRET}`) for the shell to
 * expand: a secret's value is never written out.
 */
export type ConnectionAuth = 'token' | 'client-credentials';

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
    spark: {
      [`spark.sql.catalog.${name}`]: 'org.apache.iceberg.spark.SparkCatalog',
      [`spark.sql.catalog.${name}.type`]: 'rest',
      [`spark.sql.catalog.${name}.uri`]: uri,
      'spark.sql.defaultCatalog': name,
      ...sparkAuth,
    },
    duckdb: [
      'INSTALL iceberg;',
      'LOAD iceberg;',
      ...(duckSecret ? ['-- replace the ${…} placeholders with their values; never commit them', duckSecret] : []),
      `ATTACH ${sq(name)} AS ${name} (TYPE iceberg, ENDPOINT ${sq(uri)}, ${duckAuth}${opts.readOnly ? ', READ_ONLY' : ''});`,
    ].join('\n'),
  };
}
