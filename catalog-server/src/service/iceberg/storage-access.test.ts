import assert from 'node:assert/strict';
import type { AppContext } from '../../app-context.ts';
import { LocationPolicy } from '../../warehouse/index.ts';
import type { CredentialVendor, WarehouseIO } from '../../warehouse/warehouse-io.ts';
import { tableFolders, tableStorage } from './storage-access.ts';

/** A warehouse whose vendor records what it was asked for, answering with a token naming the access. */
function stsWarehouse(root: string) {
  const asked: Array<{ locations: readonly string[]; write: boolean }> = [];
  const vendor: CredentialVendor = {
    credentialsFor: async (locations, write) => {
      asked.push({ locations, write });
      return { 's3.access-key-id': 'ASIA', 's3.session-token': write ? 'write-token' : 'read-token' };
    },
  };
  const io = {
    root,
    clientConfig: () => ({ 's3.region': 'us-east-1' }),
    credentialVendor: () => vendor,
  } as Partial<WarehouseIO> as WarehouseIO;
  return { io, asked };
}

/** Refs as the store resolves them: `dev` a branch head, `v1` a tag, `dev@abc` a point in history. */
const store = {
  resolve: async (spec: string) =>
    spec === 'dev'
      ? { name: 'dev', type: 'BRANCH', hash: 'h', readOnly: false }
      : spec === 'v1'
        ? { name: 'v1', type: 'TAG', hash: 'h', readOnly: false }
        : { name: 'dev', type: 'BRANCH', hash: 'abc', readOnly: true },
};

function ctxFor(io: WarehouseIO, allowed: string[] = []) {
  return { store, locations: new LocationPolicy([{ io, allowed }]) } as unknown as Pick<
    AppContext,
    'store' | 'locations'
  >;
}

const TABLE = { location: 's3://lake/wh/db/t1', properties: {} };
const DB = ['db'];
const writer = { canCommit: () => true };
const reader = { canCommit: () => false };

describe('table storage access (sts)', () => {
  it('vends write keys only to callers who may commit on a branch head, read keys otherwise', async () => {
    const { io, asked } = stsWarehouse('s3://lake/wh');
    const ctx = ctxFor(io);
    const vended = { vendCredentials: true };
    assert.equal((await tableStorage(ctx, 'dev', TABLE, vended, writer, DB)).config['s3.session-token'], 'write-token');
    assert.equal((await tableStorage(ctx, 'dev', TABLE, vended, reader, DB)).config['s3.session-token'], 'read-token');
    assert.equal((await tableStorage(ctx, 'v1', TABLE, vended, writer, DB)).config['s3.session-token'], 'read-token');
    assert.equal(
      (await tableStorage(ctx, 'dev@abc', TABLE, vended, writer, DB)).config['s3.session-token'],
      'read-token',
    );
    assert.deepEqual(
      asked.map((a) => a.write),
      [true, false, false, false],
    );
  });

  it('asks about commit rights in the namespace that holds the table', async () => {
    const { io } = stsWarehouse('s3://lake/wh');
    const asked: Array<readonly string[] | undefined> = [];
    const caller = { canCommit: (_: string, ns?: readonly string[]) => (asked.push(ns), ns?.[0] === 'db') };
    const token = async (ns: string[]) =>
      (await tableStorage(ctxFor(io), 'dev', TABLE, { vendCredentials: true }, caller, ns)).config['s3.session-token'];
    assert.equal(await token(['db']), 'write-token');
    assert.equal(await token(['hr']), 'read-token');
    assert.deepEqual(asked, [['db'], ['hr']]);
  });

  it('asks nothing of STS when the client did not ask for credentials', async () => {
    const { io, asked } = stsWarehouse('s3://lake/wh');
    const r = await tableStorage(ctxFor(io), 'dev', TABLE, {}, writer, DB);
    assert.deepEqual(r, { config: { 's3.region': 'us-east-1' }, credentials: [] });
    assert.equal(asked.length, 0);
  });

  it('scopes to the location and the path properties inside the same warehouse, one credential entry each', async () => {
    const { io, asked } = stsWarehouse('s3://lake/wh');
    const ctx = ctxFor(io, ['s3://lake/data']);
    const table = {
      location: 's3://lake/wh/db/t1/',
      properties: {
        'write.data.path': 's3://lake/data/t1',
        'write.metadata.path': 's3://elsewhere/meta/t1',
      },
    };
    assert.deepEqual(tableFolders(ctx, table), ['s3://lake/wh/db/t1', 's3://lake/data/t1']);
    const r = await tableStorage(ctx, 'dev', table, { vendCredentials: true }, reader, DB);
    assert.deepEqual(asked[0]!.locations, ['s3://lake/wh/db/t1', 's3://lake/data/t1']);
    assert.deepEqual(
      r.credentials.map((c) => c.prefix),
      ['s3://lake/wh/db/t1', 's3://lake/data/t1'],
    );
    assert.equal(r.credentials[0]!.config['s3.session-token'], 'read-token');
  });
});
