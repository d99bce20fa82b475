import assert from 'node:assert/strict';
import { existsSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { runClientScript } from './support/clients/python.ts';
import { stepValue } from './support/clients/steps.ts';

/**
 * Branch-aware GC against files PyIceberg wrote: a file `keep` still reads survives GC after main overwrote it; a
 * dropped table's files go once no ref or kept commit holds them; the dry run and the real run agree; an interrupted
 * run finishes on the next one; appends racing GC lose nothing.
 */
describe('branch-aware GC with PyIceberg', function () {
  let server: TestServer;
  let written: { first: string[]; main: string[]; keep: string[]; dropped: string[]; gcEnabled: string };

  const gc = async (body: Record<string, unknown>) => {
    const r = await http('POST', `${server.url}/api/v2/rat/gc`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { files: Array<{ location: string; size: number }>; deleted: number; bytes: number };
  };
  const run = async (phase: string, extra: Record<string, unknown> = {}) =>
    runClientScript('storage_gc.py', { baseUrl: server.url, phase, ...extra });
  const exists = (location: string) => existsSync(fileURLToPath(location));

  before(async function () {
    this.timeout(600_000);
    server = await startTestServer();
    written = stepValue(await run('write'), 'write on main and keep a branch');
  });
  after(() => server?.stop());

  it('PyIceberg wrote on main and a branch; every table has gc.enabled=false', () => {
    assert.equal(written.gcEnabled, 'false');
    assert.deepEqual(written.keep, written.first, 'keep reads the first append');
    assert.ok(
      written.main.every((f) => !written.first.includes(f)),
      'main overwrote it',
    );
    assert.equal(written.dropped.length, 1);
  });

  it('with all history kept (the default), GC deletes none of the files PyIceberg wrote', async () => {
    const report = await gc({ dryRun: true, gracePeriod: '0' });
    const listed = report.files.map((f) => f.location);
    for (const f of [...written.first, ...written.main, ...written.dropped]) assert.ok(!listed.includes(f), f);
  });

  it('retention 0: the dry run lists the dropped table’s files, not what keep reads; the real run deletes exactly those', async () => {
    const dry = await gc({ dryRun: true, keepHistory: '0', gracePeriod: '0' });
    const listed = dry.files.map((f) => f.location).sort();
    assert.ok(
      written.dropped.every((f) => listed.includes(f)),
      'the dropped table’s data file',
    );
    for (const f of [...written.first, ...written.main]) assert.ok(!listed.includes(f), `${f} is still read`);
    assert.ok(dry.bytes > 0);
    // Interrupt: the first half is deleted by hand, as a run stopped midway would leave it.
    const half = listed.slice(0, Math.floor(listed.length / 2));
    for (const f of half) unlinkSync(fileURLToPath(f));
    const real = await gc({ keepHistory: '0', gracePeriod: '0' });
    assert.deepEqual(
      real.files.map((f) => f.location).sort(),
      listed.filter((f) => !half.includes(f)),
      'the re-run deletes the rest, exactly what the dry run listed',
    );
    assert.equal((await gc({ keepHistory: '0', gracePeriod: '0' })).deleted, 0);
    for (const f of [...written.first, ...written.main]) assert.ok(exists(f), f);
    const read = stepValue<{ main: number[]; keep: number[] }>(await run('read', { keep: true }), 'read main and keep');
    assert.deepEqual(read, { main: [3], keep: [1, 2] });
  });

  it('main expires the snapshot that wrote a file the branch still reads: GC keeps it until the branch goes', async () => {
    const left = stepValue<string[]>(await run('expire'), 'expire the first snapshot on main');
    assert.ok(left.length >= 1, "the overwrite's snapshots stay");
    const kept = await gc({ keepHistory: '0', gracePeriod: '0' });
    assert.ok(
      written.first.every((f) => !kept.files.some((d) => d.location === f)),
      'keep still reads it',
    );
    assert.ok(written.first.every((f) => exists(f)));
    const hash = (await http('GET', `${server.url}/api/v2/trees/keep`)).body.reference.hash;
    const deleted = await http('DELETE', `${server.url}/api/v2/trees/keep@${hash}`);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    const real = await gc({ keepHistory: '0', gracePeriod: '0' });
    assert.ok(
      written.first.every((f) => real.files.some((d) => d.location === f)),
      JSON.stringify(real.files),
    );
    assert.ok(written.first.every((f) => !exists(f)));
    assert.deepEqual(stepValue(await run('read'), 'read main and keep'), { main: [3] });
  });

  it('appends racing GC lose nothing (the grace period protects in-flight files)', async function () {
    this.timeout(600_000);
    const appending = run('append', { count: 8 });
    let sweeps = 0;
    let done = false;
    void appending.finally(() => (done = true));
    while (!done) {
      await gc({ keepHistory: '0' });
      sweeps++;
    }
    const appended = stepValue<number[]>(await appending, 'append while GC runs');
    assert.deepEqual(appended, [3, 100, 101, 102, 103, 104, 105, 106, 107]);
    assert.ok(sweeps >= 1);
    assert.deepEqual(stepValue(await run('read'), 'read main and keep'), { main: appended });
  });

  it('snapshots=refs: files only older Iceberg snapshots read go; what the table reads now stays', async () => {
    const o = stepValue<{ before: string[]; after: string[] }>(await run('overwrite'), 'overwrite main');
    const all = await gc({ dryRun: true, keepHistory: '0', gracePeriod: '0' });
    assert.ok(
      o.before.every((f) => !all.files.some((d) => d.location === f)),
      'older snapshots still list them',
    );
    const refs = await gc({ keepHistory: '0', gracePeriod: '0', snapshots: 'refs' });
    assert.ok(
      o.before.every((f) => refs.files.some((d) => d.location === f)),
      JSON.stringify(refs.files),
    );
    assert.ok(o.after.every((f) => exists(f)));
    assert.deepEqual(stepValue(await run('read'), 'read main and keep'), { main: [5] });
  });
});
