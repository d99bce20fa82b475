import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestServer, http, type TestServer } from './support/server.ts';

/**
 * Storage safety over HTTP on a file warehouse: a client can make the catalog write or delete only inside the
 * storage it owns (every spelling of an escape is refused with 400 and nothing is touched), and purge deletes exactly
 * the dropped table's own files that nothing else reaches. Real-client GC lives in storage-gc-clients.test.ts.
 */
const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'int' }] };

function errorOf(r: { status: number; body: any }): { status: number; type: string } {
  return { status: r.status, type: r.body?.error?.type };
}

const BAD = { status: 400, type: 'BadRequestException' };

describe('storage safety: locations are confined to the warehouse', function () {
  let server: TestServer;
  let victim: string;
  let root: string;
  let ice: string;

  before(async () => {
    victim = mkdtempSync(path.join(os.tmpdir(), 'rat-victim-'));
    writeFileSync(path.join(victim, 'precious.txt'), 'keep me');
    server = await startTestServer();
    root = pathToFileURL(path.join(server.dataDir, 'warehouse')).href;
    ice = `${server.url}/iceberg/v1`;
    assert.equal((await http('POST', `${ice}/namespaces`, { namespace: ['n'] })).status, 200);
    // A link inside the warehouse that leads out of it.
    mkdirSync(path.join(server.dataDir, 'warehouse'), { recursive: true });
    symlinkSync(victim, path.join(server.dataDir, 'warehouse', 'escape'));
  });
  after(async () => {
    await server.stop();
    rmSync(victim, { recursive: true, force: true });
  });

  it('the create-outside-then-purge attack answers 400 and deletes nothing', async () => {
    const r = await http('POST', `${ice}/namespaces/n/tables`, {
      name: 'evil',
      location: pathToFileURL(victim).href,
      schema,
    });
    assert.deepEqual(errorOf(r), BAD);
    assert.doesNotMatch(
      r.body.error.message,
      /catalog\.db|node_modules|at \w+ \(/,
      'no server internals in the message',
    );
    const purge = await http('DELETE', `${ice}/namespaces/n/tables/evil?purgeRequested=true`);
    assert.equal(purge.status, 404);
    assert.equal(readFileSync(path.join(victim, 'precious.txt'), 'utf8'), 'keep me');
  });

  it('refuses every spelling of an escape for a table location', async () => {
    const escapes = [
      'file:///etc/x',
      `${root}/../../x`,
      `${root}/n/%2e%2e/%2E%2E/%2e%2e/x`,
      `${root.replace('file:', 'FILE:')}/../x`,
      's3://other-bucket/x',
      'relative/path',
      '../../x',
      'hdfs://namenode/wh/x',
      root,
      `${root}/`,
      `${root}/escape/t`,
      `${root}/escape`,
      `${root}/n/t?x=1`,
      `file://otherhost${fileURLToPath(root)}/t`,
    ];
    for (const location of escapes) {
      const r = await http('POST', `${ice}/namespaces/n/tables`, { name: 'esc', location, schema });
      assert.deepEqual(errorOf(r), BAD, location);
      const staged = await http('POST', `${ice}/namespaces/n/tables`, {
        name: 'esc',
        location,
        schema,
        'stage-create': true,
      });
      assert.deepEqual(errorOf(staged), BAD, `staged ${location}`);
    }
    assert.deepEqual(readFileSync(path.join(victim, 'precious.txt'), 'utf8'), 'keep me');
    assert.equal(existsSync(path.join(victim, 't')), false, 'nothing was created through the link');
  });

  it('refuses to write through a link planted after the location was checked', async () => {
    const t = await http('POST', `${ice}/namespaces/n/tables`, { name: 'planted', schema });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const commit = (updates: Record<string, string>) =>
      http('POST', `${ice}/namespaces/n/tables/planted`, {
        requirements: [],
        updates: [{ action: 'set-properties', updates }],
      });
    const wm = path.join(server.dataDir, 'warehouse', 'n', 'wm');
    const set = await commit({ 'write.metadata.path': pathToFileURL(wm).href });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.ok(set.body['metadata-location'].startsWith(pathToFileURL(wm).href));
    // The folder the property names is replaced by a link out of the warehouse; the property is not set again.
    // (After the metadata file's background fsync, only to keep its failure out of the log.)
    await new Promise((resolve) => setTimeout(resolve, 200));
    rmSync(wm, { recursive: true });
    symlinkSync(victim, wm);
    const before = readdirSync(victim);
    const r = await commit({ a: 'b' });
    assert.deepEqual(errorOf(r), BAD);
    assert.match(r.body.error.message, /symbolic link/);
    assert.deepEqual(readdirSync(victim), before, 'nothing was written outside');
    rmSync(wm);
  });

  it('stores a normalized location that stays inside', async () => {
    const r = await http('POST', `${ice}/namespaces/n/tables`, {
      name: 'normal',
      location: `${root.replace('file:', 'FILE:')}//n/./x/../normal/`,
      schema,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.metadata.location, `${root}/n/normal`);
    assert.ok(r.body['metadata-location'].startsWith(`${root}/n/normal/metadata/`));
  });

  it('refuses set-location, write paths and namespace locations outside', async () => {
    const t = await http('POST', `${ice}/namespaces/n/tables`, { name: 'moving', schema });
    assert.equal(t.status, 200);
    const commit = (updates: unknown[]) =>
      http('POST', `${ice}/namespaces/n/tables/moving`, { requirements: [], updates });
    for (const location of ['relative/x', 'file:///tmp/x', `${root}/../x`]) {
      assert.deepEqual(errorOf(await commit([{ action: 'set-location', location }])), BAD, location);
    }
    for (const key of ['write.data.path', 'write.metadata.path', 'write.object-storage.path']) {
      assert.deepEqual(errorOf(await commit([{ action: 'set-properties', updates: { [key]: 'file:///tmp/x' } }])), BAD);
      const created = await http('POST', `${ice}/namespaces/n/tables`, {
        name: 'w',
        schema,
        properties: { [key]: pathToFileURL(victim).href },
      });
      assert.deepEqual(errorOf(created), BAD, key);
    }
    const inside = await commit([{ action: 'set-properties', updates: { 'write.data.path': `${root}/n/moving/d` } }]);
    assert.equal(inside.status, 200, JSON.stringify(inside.body));
    assert.deepEqual(
      errorOf(await http('POST', `${ice}/namespaces`, { namespace: ['bad'], properties: { location: 'file:///etc' } })),
      BAD,
    );
    assert.deepEqual(
      errorOf(
        await http('POST', `${ice}/namespaces/n/properties`, {
          updates: { location: `${root}/escape/x` },
          removals: [],
        }),
      ),
      BAD,
    );
    const ok = await http('POST', `${ice}/namespaces`, {
      namespace: ['loc'],
      properties: { location: `${root}//custom/` },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.properties.location, `${root}/custom`);
    const view = await http('POST', `${ice}/namespaces/n/views`, {
      name: 'v',
      location: 'file:///tmp/v',
      schema,
      'view-version': {
        'version-id': 1,
        'schema-id': 0,
        'timestamp-ms': Date.now(),
        summary: {},
        representations: [{ type: 'sql', sql: 'select 1', dialect: 'spark' }],
        'default-namespace': ['n'],
      },
      properties: {},
    });
    assert.deepEqual(errorOf(view), BAD);
  });

  it('gc.enabled stays false: only the catalog deletes files', async () => {
    const t = await http('POST', `${ice}/namespaces/n/tables`, {
      name: 'gc',
      schema,
      properties: { 'gc.enabled': 'true' },
    });
    assert.deepEqual(errorOf(t), BAD);
    const ok = await http('POST', `${ice}/namespaces/n/tables`, { name: 'gc', schema });
    assert.equal(ok.body.metadata.properties['gc.enabled'], 'false');
    const r = await http('POST', `${ice}/namespaces/n/tables/gc`, {
      requirements: [],
      updates: [{ action: 'remove-properties', removals: ['gc.enabled'] }],
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.metadata.properties['gc.enabled'], 'false');
  });

  it('register refuses metadata outside the warehouse and a table inside another table’s folder', async () => {
    const t = await http('POST', `${ice}/namespaces/n/tables`, { name: 'owner', schema });
    const outside = path.join(victim, 'v.metadata.json');
    writeFileSync(outside, readFileSync(fileURLToPath(t.body['metadata-location'])));
    const r1 = await http('POST', `${ice}/namespaces/n/register`, {
      name: 'r1',
      'metadata-location': pathToFileURL(outside).href,
    });
    assert.deepEqual(errorOf(r1), BAD);
    // Same file under the warehouse, but claiming a folder inside `owner` with another table uuid.
    const md = JSON.parse(readFileSync(fileURLToPath(t.body['metadata-location']), 'utf8'));
    md['table-uuid'] = '00000000-0000-4000-8000-000000000001';
    md.location = `${md.location}/inner`;
    const squatter = path.join(server.dataDir, 'warehouse', 'n', 'squatter.metadata.json');
    writeFileSync(squatter, JSON.stringify(md));
    const r2 = await http('POST', `${ice}/namespaces/n/register`, {
      name: 'r2',
      'metadata-location': pathToFileURL(squatter).href,
    });
    assert.deepEqual(errorOf(r2), BAD);
    // Registering the owner's own metadata again (its own folder) is fine.
    const r3 = await http('POST', `${ice}/namespaces/n/register`, {
      name: 'r3',
      'metadata-location': t.body['metadata-location'],
    });
    assert.equal(r3.status, 200, JSON.stringify(r3.body));
    // The other tables' folders are remembered after the first check: the squatter is refused again from them, and
    // so is a table claiming a folder around `owner`'s.
    const r4 = await http('POST', `${ice}/namespaces/n/register`, {
      name: 'r4',
      'metadata-location': pathToFileURL(squatter).href,
    });
    assert.deepEqual(errorOf(r4), BAD);
    assert.match(r4.body.error.message, /overlaps the folder of another table/);
    md.location = path.posix.dirname(md.location.replace(/\/inner$/, ''));
    const around = path.join(server.dataDir, 'warehouse', 'n', 'around.metadata.json');
    writeFileSync(around, JSON.stringify(md));
    const r5 = await http('POST', `${ice}/namespaces/n/register`, {
      name: 'r5',
      'metadata-location': pathToFileURL(around).href,
    });
    assert.deepEqual(errorOf(r5), BAD);
    assert.match(r5.body.error.message, /overlaps the folder of another table/);
  });

  it('register refuses metadata whose write paths or manifest lists lie outside, as create and commits do', async () => {
    const t = await http('POST', `${ice}/namespaces/n/tables`, { name: 'regsrc', schema });
    const md = JSON.parse(readFileSync(fileURLToPath(t.body['metadata-location']), 'utf8'));
    const outside = pathToFileURL(victim).href;
    const snapshot = (list: string) => ({
      'snapshot-id': 7,
      'sequence-number': 1,
      'timestamp-ms': Date.now(),
      'manifest-list': list,
      summary: { operation: 'append' },
      'schema-id': 0,
    });
    const variants: Array<[string, Record<string, unknown>]> = [
      ['write.metadata.path', { properties: { ...md.properties, 'write.metadata.path': `${outside}/m` } }],
      ['write.data.path', { properties: { ...md.properties, 'write.data.path': `${outside}/d` } }],
      ['manifest-list', { snapshots: [snapshot(`${outside}/snap.avro`)], 'last-sequence-number': 1 }],
    ];
    for (const [i, [what, change]] of variants.entries()) {
      const file = path.join(server.dataDir, 'warehouse', 'n', `reg-${i}.metadata.json`);
      writeFileSync(file, JSON.stringify({ ...md, ...change }));
      const r = await http('POST', `${ice}/namespaces/n/register`, {
        name: `reg${i}`,
        'metadata-location': pathToFileURL(file).href,
        overwrite: true,
      });
      assert.deepEqual(errorOf(r), BAD, what);
      assert.match(r.body.error.message, /outside the storage/, what);
    }
    const inside = path.join(server.dataDir, 'warehouse', 'n', 'reg-ok.metadata.json');
    writeFileSync(
      inside,
      JSON.stringify({ ...md, snapshots: [snapshot(`${md.location}/metadata/snap.avro`)], 'last-sequence-number': 1 }),
    );
    const ok = await http('POST', `${ice}/namespaces/n/register`, {
      name: 'regok',
      'metadata-location': pathToFileURL(inside).href,
      overwrite: true,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('allowed locations extend the roots, and nothing else', async () => {
    const extra = mkdtempSync(path.join(os.tmpdir(), 'rat-extra-'));
    const s2 = await startTestServer({ allowedLocations: [pathToFileURL(extra).href] });
    try {
      const base = `${s2.url}/iceberg/v1`;
      await http('POST', `${base}/namespaces`, { namespace: ['n'] });
      const ok = await http('POST', `${base}/namespaces/n/tables`, {
        name: 't',
        location: `${pathToFileURL(extra).href}/t`,
        schema,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(existsSync(path.join(extra, 't', 'metadata')));
      const bad = await http('POST', `${base}/namespaces/n/tables`, {
        name: 'u',
        location: pathToFileURL(victim).href,
        schema,
      });
      assert.deepEqual(errorOf(bad), BAD);
      assert.ok(bad.body.error.message.includes(pathToFileURL(extra).href), 'the message names the allowed roots');
    } finally {
      await s2.stop();
      rmSync(extra, { recursive: true, force: true });
    }
  });
});

describe('storage safety: purge deletes only files nothing else reaches', function () {
  let server: TestServer;
  let root: string;
  let ice: (ref?: string) => string;

  before(async () => {
    // Retention 0: only branch and tag heads keep files, so purge can act at once.
    server = await startTestServer({ keepHistory: '0' });
    root = pathToFileURL(path.join(server.dataDir, 'warehouse')).href;
    ice = (ref) => `${server.url}/iceberg${ref ? `/${ref}` : ''}/v1`;
    await http('POST', `${ice()}/namespaces`, { namespace: ['p'] });
  });
  after(() => server.stop());

  function metadataFiles(location: string): string[] {
    const dir = path.join(fileURLToPath(location), 'metadata');
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  it('a table at a parent folder of another: purging it leaves the other table’s files', async () => {
    const outer = await http('POST', `${ice()}/namespaces/p/tables`, {
      name: 'outer',
      location: `${root}/shared`,
      schema,
    });
    assert.equal(outer.status, 200, JSON.stringify(outer.body));
    const inner = await http('POST', `${ice()}/namespaces/p/tables`, {
      name: 'inner',
      location: `${root}/shared/inner`,
      schema,
    });
    assert.equal(inner.status, 200, JSON.stringify(inner.body));
    // A second version of outer, so its metadata log has two files.
    await http('POST', `${ice()}/namespaces/p/tables/outer`, {
      requirements: [],
      updates: [{ action: 'set-properties', updates: { a: 'b' } }],
    });
    const before = metadataFiles(`${root}/shared/inner`);
    assert.equal(before.length, 1);
    const purge = await http('DELETE', `${ice()}/namespaces/p/tables/outer?purgeRequested=true`);
    assert.equal(purge.status, 204);
    assert.equal(purge.headers.get('x-rat-purge'), 'deleted=2; retained=0');
    assert.deepEqual(metadataFiles(`${root}/shared`), []);
    assert.deepEqual(metadataFiles(`${root}/shared/inner`), before, 'the inner table keeps every file');
    assert.equal((await http('GET', `${ice()}/namespaces/p/tables/inner`)).status, 200);
  });

  it('purge on a branch keeps what main still uses; purge on main then deletes it', async () => {
    const t = await http('POST', `${ice()}/namespaces/p/tables`, { name: 'both', schema });
    const hash = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference.hash;
    await http('POST', `${server.url}/api/v2/trees?name=side&type=BRANCH`, { type: 'BRANCH', name: 'main', hash });
    const onBranch = await http('DELETE', `${ice('side')}/namespaces/p/tables/both?purgeRequested=true`);
    assert.equal(onBranch.status, 204);
    assert.equal(onBranch.headers.get('x-rat-purge'), 'deleted=0; retained=1');
    assert.ok(existsSync(fileURLToPath(t.body['metadata-location'])));
    const onMain = await http('DELETE', `${ice()}/namespaces/p/tables/both?purgeRequested=true`);
    assert.equal(onMain.headers.get('x-rat-purge'), 'deleted=1; retained=0');
    assert.ok(!existsSync(fileURLToPath(t.body['metadata-location'])));
  });
});
