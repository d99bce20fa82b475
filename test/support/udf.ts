import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { headOf } from './catalog-commits.ts';
import { http } from './server.ts';

/**
 * What the function (UDF) suites share: a valid UDF metadata document (Iceberg's UDF spec, format version 1), writing
 * it into a test server's file warehouse, and recording it on a branch as Nessie's `UDF` content.
 */

/** `add_one`: an `int` overload and a `decimal(9,2)` one with two versions, and its definition log. */
export function udfMetadata(uuid = '42fd3f91-bc10-41c1-8a52-92b57dd0a9b2'): Record<string, any> {
  const version = (id: number, sql: string) => ({
    'version-id': id,
    representations: [{ type: 'sql', dialect: 'spark', sql }],
    'timestamp-ms': 1_700_000_000_000 + id,
  });
  return {
    'function-uuid': uuid,
    'format-version': 1,
    definitions: [
      {
        'definition-id': 'int',
        parameters: [{ name: 'x', type: 'int' }],
        'return-type': 'int',
        versions: [version(1, 'x + 1')],
        'current-version-id': 1,
        'function-type': 'udf',
      },
      {
        'definition-id': 'decimal(9,2)',
        parameters: [{ name: 'x', type: 'decimal(9,2)' }],
        'return-type': 'decimal(9,2)',
        versions: [version(1, 'x + 1'), version(2, 'x + 1.00')],
        'current-version-id': 2,
        'function-type': 'udf',
      },
    ],
    'definition-log': [
      {
        'timestamp-ms': 1_700_000_000_002,
        'definition-versions': [
          { 'definition-id': 'int', 'version-id': 1 },
          { 'definition-id': 'decimal(9,2)', 'version-id': 2 },
        ],
      },
    ],
    properties: { owner: 'analytics' },
    doc: 'Adds one.',
  };
}

/**
 * Writes `metadata` (any JSON, valid or not) to `<dataDir>/warehouse/<relative>` and answers its `file:` URI.
 *
 * @example const loc = writeWarehouseJson(server.dataDir, 'fn/add_one/metadata/00000.metadata.json', udfMetadata())
 */
export function writeWarehouseJson(dataDir: string, relative: string, metadata: unknown): string {
  const file = path.join(dataDir, 'warehouse', relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(metadata));
  return pathToFileURL(file).href;
}

/**
 * One management API commit on `branch` (from its current head) putting a `UDF` content at `key`; answers the HTTP
 * result as it is, so a test can check a refusal too.
 *
 * @example assert.equal((await putUdf(server.url, 'dev', ['fn', 'add_one'], { metadataLocation })).status, 200)
 */
export async function putUdf(base: string, branch: string, key: string[], content: Record<string, unknown>) {
  const head = await headOf(base, branch);
  return http('POST', `${base}/api/v2/trees/${encodeURIComponent(`${branch}@${head}`)}/history/commit`, {
    commitMeta: { message: `function ${key.join('.')}` },
    operations: [{ type: 'PUT', key: { elements: key }, content: { type: 'UDF', ...content } }],
  });
}
