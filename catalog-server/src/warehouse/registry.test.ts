import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWarehouses, parseWarehousesConfig, DEFAULT_WAREHOUSE_NAME, type WarehouseConfig } from './registry.ts';
import type { WarehouseIO } from './warehouse-io.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

function fake(config: WarehouseConfig): WarehouseIO & { config: WarehouseConfig } {
  return {
    config,
    root: config.uri,
    read: async () => Buffer.alloc(0),
    write: async () => {},
    exists: async () => false,
    delete: async () => {},
    list: async () => [],
    prepareDirectory: async () => {},
    clientConfig: () => ({}),
  };
}

describe('warehouse registry', () => {
  it('parses inline JSON with URIs and per-warehouse S3 settings', () => {
    const c = parseWarehousesConfig(
      '{"raw": "s3://landing/raw", "lake": {"uri": "s3://lake/wh", "s3": {"region": "eu-west-1", "pathStyle": true}}}',
    );
    assert.deepEqual(c['raw'], { uri: 's3://landing/raw' });
    assert.deepEqual(c['lake'], { uri: 's3://lake/wh', s3: { region: 'eu-west-1', pathStyle: true } });
  });

  it('reads a JSON file when given a path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-wh-'));
    try {
      const file = path.join(dir, 'warehouses.json');
      writeFileSync(file, JSON.stringify({ a: 'file:///tmp/a' }));
      assert.deepEqual(parseWarehousesConfig(file), { a: { uri: 'file:///tmp/a' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown settings, wrong types, bad names and bad JSON', () => {
    assert.equal(
      code(() => parseWarehousesConfig('{"a": {"uri": "s3://b", "s3": {"endpoitn": "x"}}}')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseWarehousesConfig('{"a": {"uri": "s3://b", "s3": {"pathStyle": "yes"}}}')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseWarehousesConfig('{"a": {"url": "s3://b"}}')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseWarehousesConfig('{"a/b": "s3://b"}')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseWarehousesConfig('{"a": ')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseWarehousesConfig('["s3://b"]')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseWarehousesConfig('/no/such/file.json')),
      'BAD_REQUEST',
    );
  });

  it('does not echo the config text (it may hold keys) in parse errors', () => {
    try {
      parseWarehousesConfig('{"a": {"uri": "s3://b", "s3": {"secretAccessKey": "SUPERSECRET"}');
      assert.fail('parsed');
    } catch (err) {
      assert.ok(!(err as Error).message.includes('SUPERSECRET'));
    }
  });

  it('builds the default warehouse plus named ones', () => {
    const r = buildWarehouses(
      { defaultUri: 's3://lake/main', fallbackUri: 'file:///data/wh', extra: { raw: 's3://landing/raw' } },
      fake,
    );
    assert.equal(r.warehouse.root, 's3://lake/main');
    assert.equal(r.warehouses.get(DEFAULT_WAREHOUSE_NAME), r.warehouse);
    assert.equal(r.warehouses.get('raw')?.root, 's3://landing/raw');
    assert.equal(buildWarehouses({ fallbackUri: 'file:///data/wh' }, fake).warehouse.root, 'file:///data/wh');
  });

  it('takes a "default" entry when --warehouse is not given, and refuses both', () => {
    const extra = { default: { uri: 's3://lake/wh', s3: { region: 'eu-west-1' } } };
    const r = buildWarehouses({ fallbackUri: 'file:///data/wh', extra }, fake);
    assert.deepEqual((r.warehouse as ReturnType<typeof fake>).config, extra.default);
    assert.equal(r.warehouses.size, 1);
    assert.equal(
      code(() => buildWarehouses({ defaultUri: 's3://x', fallbackUri: 'file:///d', extra }, fake)),
      'BAD_REQUEST',
    );
  });
});
