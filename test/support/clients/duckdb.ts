import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ensurePythonVenv } from './python.ts';

/** DuckDB version whose extension wheels `requirements.txt` pins; an extension loads only into this version. */
export const DUCKDB_VERSION = '1.5.5';

/**
 * Path of a DuckDB extension binary (`iceberg`, `avro`, `httpfs`) shipped by its `duckdb-extension-<name>` wheel in
 * the client venv, for `LOAD '<path>'` without network. Works for any DuckDB build of {@link DUCKDB_VERSION} on
 * linux_amd64 (Python's `duckdb` or `@duckdb/node-api` of the same version).
 *
 * @example con.run(`LOAD '${await duckdbExtensionPath('iceberg')}'`)
 */
export async function duckdbExtensionPath(name: string): Promise<string> {
  const { sitePackages } = await ensurePythonVenv();
  const root = path.join(sitePackages, `duckdb_extension_${name}`, 'extensions');
  const file = path.join(root, `v${DUCKDB_VERSION}`, `${name}.duckdb_extension`);
  if (existsSync(file)) return file;
  const found = existsSync(root) ? readdirSync(root) : [];
  throw new Error(`DuckDB extension ${name} v${DUCKDB_VERSION} not in the venv (found versions: ${found.join(', ')})`);
}
