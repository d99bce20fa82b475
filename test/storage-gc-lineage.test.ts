import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeLineageFile, INGEST_FILES_PROPERTY, lineageFileLocation } from '@ratatouille/iceberg';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { branchFromMain } from './support/catalog-commits.ts';
import { appendCommit, APPEND_SCHEMA, newTableState, type AppendState } from './support/iceberg-appends.ts';

/**
 * Side files of lineage lists (`<table>/metadata/rat-lineage-<uuid>.json`, named by a snapshot summary instead of a
 * long `rat.ingest-files`) live as long as a kept snapshot names them: GC keeps a referenced one and collects one
 * nothing names, purge deletes it with the table, and a merge judging a snapshot whose side file is gone still merges
 * (the lineage is unknown) rather than failing. Retention 0, so GC and purge mark only the heads.
 */
describe('storage: lineage side files are kept while a snapshot names them', function () {
  let server: TestServer;
  const ice = (ref: string) => `${server.url}/iceberg/${ref}/v1`;
  const gc = (body: Record<string, unknown>) => http('POST', `${server.url}/api/v2/rat/gc`, body);
  const exists = (location: string) => existsSync(fileURLToPath(location));
  const files = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => `db.t ${`${tag}${i}`.padEnd(64, '0')} landing/f-${i}.csv`);

  /** A side file of `list` written in the table's folder, and the summary property referencing it. */
  function sideFile(location: string, list: string[]): { location: string; property: string } {
    const { bytes, reference } = encodeLineageFile(list, lineageFileLocation(location, randomUUID()));
    writeFileSync(fileURLToPath(reference.location), bytes);
    return { location: reference.location, property: JSON.stringify(reference) };
  }

  /** Commits one append to `db.<name>` on `ref` whose summary carries `summary`. */
  async function append(ref: string, name: string, state: AppendState, summary: Record<string, string>) {
    const { body, next } = appendCommit(state);
    const update = (body as { updates: Array<{ snapshot?: { summary: Record<string, string> } }> }).updates[0]!;
    Object.assign(update.snapshot!.summary, summary);
    const r = await http('POST', `${ice(ref)}/namespaces/db/tables/${name}`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return next;
  }

  before(async () => {
    server = await startTestServer({ keepHistory: '0' });
    assert.equal((await http('POST', `${ice('main')}/namespaces`, { namespace: ['db'] })).status, 200);
  });
  after(() => server?.stop());

  it('GC keeps a side file a kept snapshot names and collects one nothing names; purge deletes it', async () => {
    const t = await http('POST', `${ice('main')}/namespaces/db/tables`, { name: 't', schema: APPEND_SCHEMA });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const location: string = t.body.metadata.location;
    const named = sideFile(location, files(100, 'a'));
    const orphan = sideFile(location, files(100, 'b')); // a commit that failed after writing it
    await append('main', 't', newTableState(location), { [INGEST_FILES_PROPERTY]: named.property });

    const dry = await gc({ dryRun: true, gracePeriod: '0' });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const listed = dry.body.files.map((f: { location: string }) => f.location);
    assert.ok(listed.includes(orphan.location), JSON.stringify(listed));
    assert.ok(!listed.includes(named.location), JSON.stringify(listed));
    const r = await gc({ gracePeriod: '0' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(exists(named.location), 'the side file a kept snapshot names stays');
    assert.ok(!exists(orphan.location), 'the side file nothing names is collected');

    const purge = await http('DELETE', `${ice('main')}/namespaces/db/tables/t?purgeRequested=true`);
    assert.equal(purge.status, 204, JSON.stringify(purge.body));
    assert.ok(!exists(named.location), 'purge deletes the side file with the table');
  });

  it("a reference to another table's folder does not make purge delete that table's file", async () => {
    const victim = await http('POST', `${ice('main')}/namespaces/db/tables`, { name: 'victim', schema: APPEND_SCHEMA });
    const other = await http('POST', `${ice('main')}/namespaces/db/tables`, { name: 'u', schema: APPEND_SCHEMA });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    // u's summary names a side file of another table's folder: victim's own, which victim's snapshot names too.
    const theirs = sideFile(victim.body.metadata.location, files(100, 'c'));
    await append('main', 'victim', newTableState(victim.body.metadata.location), {
      [INGEST_FILES_PROPERTY]: theirs.property,
    });
    await append('main', 'u', newTableState(other.body.metadata.location), {
      [INGEST_FILES_PROPERTY]: theirs.property,
    });
    const purge = await http('DELETE', `${ice('main')}/namespaces/db/tables/u?purgeRequested=true`);
    assert.equal(purge.status, 204);
    assert.ok(exists(theirs.location), "purging u leaves the other table's file");
  });

  it('a merge judging a snapshot whose side file is gone merges (lineage unknown), and one that is there skips', async () => {
    const t = await http('POST', `${ice('main')}/namespaces/db/tables`, { name: 'm', schema: APPEND_SCHEMA });
    const location: string = t.body.metadata.location;
    const base = await append('main', 'm', newTableState(location), {});
    await branchFromMain(server.url, 'side-a');
    await branchFromMain(server.url, 'side-b');
    const shared = files(100, 'd');
    // Both branches ingested the same files: main's later append names them by side file, as do both branches'.
    await append('main', 'm', base, { [INGEST_FILES_PROPERTY]: sideFile(location, shared).property });
    await append('side-a', 'm', base, { [INGEST_FILES_PROPERTY]: sideFile(location, shared).property });
    const gone = sideFile(location, shared);
    await append('side-b', 'm', base, { [INGEST_FILES_PROPERTY]: gone.property });
    writeFileSync(fileURLToPath(gone.location), '["torn'); // corrupt: fails its hash

    const merge = async (from: string) => {
      const head = (await http('GET', `${server.url}/api/v2/trees/${from}`)).body.reference.hash;
      const into = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference.hash;
      return http('POST', `${server.url}/api/v2/trees/main@${into}/history/merge`, {
        fromRefName: from,
        fromHash: head,
      });
    };
    const snapshots = async () =>
      (await http('GET', `${ice('main')}/namespaces/db/tables/m`)).body.metadata.snapshots.length as number;
    const before = await snapshots();
    const a = await merge('side-a');
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(await snapshots(), before, "side-a's append of the same files is not replayed");
    const b = await merge('side-b');
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(await snapshots(), before + 1, "side-b's lineage is unknown: its append replays as before");
  });
});
