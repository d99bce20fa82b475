import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IcebergRestCatalog } from 'iceberg-js';
import { CLIENT_SCRIPTS_DIR } from './python.ts';

const REPO_NODE_MODULES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'node_modules');

/** The URI the documented snippets use; tests swap in their server's catalog URI. */
export const DOC_CATALOG_URI = 'http://localhost:8181/iceberg/main';

/** Path of a documented snippet file under `test/clients/snippets/`. */
export function snippetPath(name: string): string {
  return path.join(CLIENT_SCRIPTS_DIR, 'snippets', name);
}

/**
 * Runs the documented iceberg-js snippet (`test/clients/snippets/iceberg-js.mjs`) against `catalogUri` and
 * returns the `catalog` it exports. The only rewrite: the documented URI becomes `catalogUri`. The snippet runs
 * from a temp folder whose `node_modules` links to this repo's, so its bare `'iceberg-js'` import resolves as is.
 * iceberg-js 1.0 declares node >= 22 but needs nothing newer than Node 20's fetch and ESM.
 *
 * @example const { catalog } = await loadIcebergJsSnippet(`${server.url}/iceberg/main`);
 */
export async function loadIcebergJsSnippet(catalogUri: string): Promise<{ catalog: IcebergRestCatalog }> {
  const src = readFileSync(snippetPath('iceberg-js.mjs'), 'utf8');
  if (!src.includes(DOC_CATALOG_URI) || !src.includes("from 'iceberg-js'")) {
    throw new Error(`iceberg-js snippet must use ${DOC_CATALOG_URI} and import 'iceberg-js'`);
  }
  const rewritten = src.replace(DOC_CATALOG_URI, catalogUri);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-icebergjs-'));
  symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, 'snippet.mjs');
  writeFileSync(file, rewritten);
  try {
    return (await import(pathToFileURL(file).href)) as { catalog: IcebergRestCatalog };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
