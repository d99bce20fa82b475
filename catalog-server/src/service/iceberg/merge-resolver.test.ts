import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Content, KeyToResolve } from '../../store/types.ts';
import { createWarehouseIO, LocationPolicy } from '../../warehouse/index.ts';
import { icebergMergeResolver } from './merge-resolver.ts';
import { ReplayRefusal } from './table-replay.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-merge-resolver-'));
const root = pathToFileURL(dir).href;
const warehouse = createWarehouseIO(root);
const resolver = icebergMergeResolver({
  warehouse,
  warehouses: new Map(),
  locations: new LocationPolicy([{ io: warehouse }]),
});
const key = { elements: ['db'] };
const ns = (properties: Record<string, string>): Content => ({
  type: 'NAMESPACE',
  id: 'n1',
  elements: ['db'],
  properties,
});
const table = (id: string, metadataLocation: string): Content => ({
  type: 'ICEBERG_TABLE',
  id,
  metadataLocation,
  snapshotId: 1,
  schemaId: 0,
  specId: 0,
  sortOrderId: 0,
});
const view = (versionId: number): Content => ({
  type: 'ICEBERG_VIEW',
  id: 'v1',
  metadataLocation: `file:///w/v${versionId}.json`,
  versionId,
  schemaId: 0,
});
const resolve = (k: Omit<KeyToResolve, 'key'>) => resolver.resolve({ key, ...k }, { write: false });

describe('Iceberg merge resolver', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('merges namespace properties key by key and refuses the same key set differently', async () => {
    const merged = await resolve({
      base: ns({ owner: 'a', keep: '1' }),
      source: ns({ owner: 'a', keep: '1', added: 'x' }),
      target: ns({ owner: 'b', keep: '1' }),
    });
    assert.equal(merged.kind, 'resolved');
    assert.deepEqual(merged.kind === 'resolved' && merged.value.type === 'NAMESPACE' && merged.value.properties, {
      owner: 'b',
      keep: '1',
      added: 'x',
    });
    const clash = await resolve({ base: ns({ owner: 'a' }), source: ns({ owner: 'c' }), target: ns({ owner: 'b' }) });
    assert.equal(clash.kind, 'conflict');
    assert.deepEqual(clash.kind === 'conflict' && clash.kinds, ['namespace-changed-on-both-sides']);
  });

  it('keeps the target of a view both sides replaced with the same SELECT; another SELECT conflicts', async () => {
    const file = (n: number, sql: string, at: number) => {
      const v = (id: number, text: string) => ({
        'version-id': id,
        'schema-id': 0,
        'timestamp-ms': at,
        summary: {},
        representations: [{ type: 'sql', sql: text, dialect: 'spark' }],
        'default-namespace': ['db'],
      });
      const md = {
        'view-uuid': 'u-1',
        'format-version': 1,
        location: `${root}/v`,
        'current-version-id': n,
        versions: [v(1, 'SELECT 1 AS id'), v(n, sql)],
        'version-log': [],
        schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: false }] }],
        properties: {},
      };
      writeFileSync(path.join(dir, `v${n}-${at}.metadata.json`), JSON.stringify(md));
      return { ...view(n), metadataLocation: `${root}/v${n}-${at}.metadata.json` };
    };
    const same = await resolve({
      base: view(1),
      source: file(2, 'SELECT 4 AS id', 5),
      target: file(3, 'SELECT 4 AS id', 6),
    });
    assert.equal(same.kind, 'resolved');
    assert.equal(same.kind === 'resolved' && same.value.type === 'ICEBERG_VIEW' && same.value.versionId, 3);
    const other = await resolve({
      base: view(1),
      source: file(2, 'SELECT 4 AS id', 7),
      target: file(3, 'SELECT 5 AS id', 8),
    });
    assert.equal(other.kind === 'conflict' && other.message, 'view "db" was changed differently on both sides');
    assert.deepEqual(other.kind === 'conflict' && other.kinds, ['view-changed-on-both-sides']);
  });

  it('refuses views changed differently and tables that are different tables on each side', async () => {
    assert.equal((await resolve({ base: view(1), source: view(2), target: view(3) })).kind, 'conflict');
    const recreated = await resolve({
      base: table('t1', 'file:///w/a.json'),
      source: table('t1', 'file:///w/b.json'),
      target: table('t2', 'file:///w/c.json'),
    });
    assert.equal(recreated.kind, 'conflict');
    assert.deepEqual(recreated.kind === 'conflict' && recreated.kinds, ['different-tables']);
  });

  it('turns a table whose metadata cannot be read into a conflict, not an error', async () => {
    const r = await resolve({
      base: table('t1', `${root}/a.metadata.json`),
      source: table('t1', `${root}/b.metadata.json`),
      target: table('t1', `${root}/c.metadata.json`),
    });
    assert.equal(r.kind, 'conflict');
    assert.deepEqual(r.kind === 'conflict' && r.kinds, ['unreadable']);
  });

  it("carries a replay refusal's kinds, one per reason, in the order of the message's parts", () => {
    const refusal = new ReplayRefusal([
      { kind: 'format-version-upgraded', message: 'the format version was upgraded on one side' },
      { kind: 'shared-ingest', message: "the source's snapshot 7 ingested landing files …" },
    ]);
    assert.equal(refusal.message.split('; ').length, refusal.kinds.length);
    assert.deepEqual(refusal.kinds, ['format-version-upgraded', 'shared-ingest']);
  });
});
