import assert from 'node:assert/strict';
import { derivedLineage, INPUT_SNAPSHOTS_PROPERTY, lineageToRead } from './derived-lineage.ts';
import {
  decodeLineageFile,
  encodeLineageFile,
  isLineageFileOf,
  LINEAGE_INLINE_MAX_BYTES,
  lineageFileLocation,
  lineageFilesOf,
  lineageReference,
  loadLineageLists,
  outOfLineLineage,
  type LineageLists,
} from './lineage-files.ts';
import { DERIVED_FROM_PROPERTY, INGEST_FILES_PROPERTY, LINEAGE_LIST_PROPERTIES, namedFiles } from './shared-ingests.ts';
import { lineageToJudge, planTableMerge } from './table-merge.ts';
import { LOCATION, table, withSnapshot } from './test-tables.ts';

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const UUID2 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
/** `n` entries shaped as the engine writes them (table, SHA-256, path): about 100 bytes each. */
const many = (n: number, tag = 'a') =>
  Array.from({ length: n }, (_, i) => `bronze.orders ${`${tag}${i}`.padEnd(64, '0')} landing/orders/file-${i}.csv`);

/** Moves the long lists of `props` out of line at fresh side files, and returns the summary and a store of them. */
function outOfLine(props: Record<string, string>, uuids = [UUID, UUID2]) {
  const store = new Map<string, Buffer>();
  const placed = outOfLineLineage(props, LINEAGE_LIST_PROPERTIES, () => lineageFileLocation(LOCATION, uuids.shift()!));
  for (const f of placed.files) store.set(f.location, f.bytes);
  return { summary: placed.properties, store };
}

const reader = (store: Map<string, Buffer>) => async (location: string) => {
  const b = store.get(location);
  if (!b) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
  return b;
};

describe('lineage lists out of line (side files)', () => {
  it('keeps a list inline up to the threshold and moves a longer one to a side file named by a reference', () => {
    const short = JSON.stringify(many(3));
    const { summary: s1, store: st1 } = outOfLine({ [INGEST_FILES_PROPERTY]: short, 'rat.run-id': 'r1' });
    assert.equal(s1[INGEST_FILES_PROPERTY], short);
    assert.equal(st1.size, 0);

    const list = many(200);
    assert.ok(JSON.stringify(list).length > LINEAGE_INLINE_MAX_BYTES);
    const { summary, store } = outOfLine({ [INGEST_FILES_PROPERTY]: JSON.stringify(list), 'rat.run-id': 'r1' });
    assert.equal(summary['rat.run-id'], 'r1');
    const ref = lineageReference(summary[INGEST_FILES_PROPERTY]);
    assert.ok(ref);
    assert.equal(ref.location, `${LOCATION}/metadata/rat-lineage-${UUID}.json`);
    assert.equal(ref.count, 200);
    assert.ok(summary[INGEST_FILES_PROPERTY]!.length < 250, summary[INGEST_FILES_PROPERTY]);
    assert.deepEqual(decodeLineageFile(ref, store.get(ref.location)!), list);
  });

  it('leaves a malformed long value as it is (nothing to move)', () => {
    const junk = 'x'.repeat(LINEAGE_INLINE_MAX_BYTES + 1);
    const { summary, store } = outOfLine({ [DERIVED_FROM_PROPERTY]: junk });
    assert.equal(summary[DERIVED_FROM_PROPERTY], junk);
    assert.equal(store.size, 0);
  });

  it('parses a reference only in its exact shape', () => {
    const ok = { location: lineageFileLocation(LOCATION, UUID), count: 2, sha256: 'a'.repeat(64) };
    assert.deepEqual(lineageReference(JSON.stringify(ok)), ok);
    assert.equal(lineageReference('["a"]'), undefined);
    assert.equal(lineageReference(undefined), undefined);
    assert.equal(lineageReference('{'), undefined);
    assert.equal(lineageReference(JSON.stringify({ ...ok, sha256: 'xyz' })), undefined);
    assert.equal(lineageReference(JSON.stringify({ ...ok, count: -1 })), undefined);
    assert.equal(lineageReference(JSON.stringify({ ...ok, count: '2' })), undefined);
    assert.equal(lineageReference(JSON.stringify({ ...ok, location: 3 })), undefined);
  });

  it('verifies a side file by hash and count', () => {
    const { bytes, reference } = encodeLineageFile(['x', 'y'], lineageFileLocation(LOCATION, UUID));
    assert.deepEqual(decodeLineageFile(reference, bytes), ['x', 'y']);
    assert.equal(decodeLineageFile(reference, Buffer.from('["x","z"]')), undefined);
    assert.equal(decodeLineageFile({ ...reference, count: 3 }, bytes), undefined);
    const notList = encodeLineageFile([], reference.location);
    assert.equal(decodeLineageFile({ ...notList.reference, count: 0 }, Buffer.from('{}')), undefined);
  });

  it('follows only side files of the table itself', () => {
    assert.ok(isLineageFileOf(LOCATION, lineageFileLocation(LOCATION, UUID)));
    assert.ok(isLineageFileOf(`${LOCATION}/`, lineageFileLocation(LOCATION, UUID)));
    for (const other of [
      `file:///wh/db/other/metadata/rat-lineage-${UUID}.json`,
      `${LOCATION}/metadata/../../other/metadata/rat-lineage-${UUID}.json`,
      `${LOCATION}/metadata/x/rat-lineage-${UUID}.json`,
      `${LOCATION}/metadata/00001-${UUID}.metadata.json`,
      `${LOCATION}/data/rat-lineage-${UUID}.json`,
      `${LOCATION}2/metadata/rat-lineage-${UUID}.json`,
    ]) {
      assert.equal(isLineageFileOf(LOCATION, other), false, other);
    }
    const foreign = JSON.stringify({
      location: `file:///etc/rat-lineage-${UUID}.json`,
      count: 1,
      sha256: 'a'.repeat(64),
    });
    assert.deepEqual(
      lineageFilesOf({ summary: { [INGEST_FILES_PROPERTY]: foreign } }, LOCATION, [INGEST_FILES_PROPERTY]),
      [],
    );
  });

  it('loads what verifies and maps anything else to unknown, without failing', async () => {
    const { summary, store } = outOfLine({ [INGEST_FILES_PROPERTY]: JSON.stringify(many(100)) });
    const good = lineageReference(summary[INGEST_FILES_PROPERTY])!;
    const gone = { ...good, location: lineageFileLocation(LOCATION, UUID2) };
    const refused = { ...good, location: 'file:///outside/x.json' };
    const throwsAtOnce = (location: string) => {
      if (location === refused.location) throw new Error('not allowed');
      return reader(store)(location);
    };
    const lists = await loadLineageLists([good, gone, refused, good], throwsAtOnce);
    assert.equal(lists.size, 3);
    assert.equal(namedFiles({ summary }, lists)?.length, 100);
    assert.equal(namedFiles({ summary: { [INGEST_FILES_PROPERTY]: JSON.stringify(gone) } }, lists), undefined);
    // Without the lists a reference is unknown, as a snapshot naming nothing.
    assert.equal(namedFiles({ summary }), undefined);
  });

  it('lets a merge judge lists kept in side files, and treats a missing one as unknown lineage', async () => {
    const list = many(100);
    const src = outOfLine({ [INGEST_FILES_PROPERTY]: JSON.stringify(list) }, [UUID]);
    const tgt = outOfLine({ [INGEST_FILES_PROPERTY]: JSON.stringify(list) }, [UUID2]);
    const base = withSnapshot(table(), 1n);
    const source = withSnapshot(base, 2n, src.summary);
    const target = withSnapshot(base, 3n, tgt.summary);
    const refs = lineageToJudge(base, source, target);
    assert.deepEqual(
      refs.map((r) => r.location),
      [lineageFileLocation(LOCATION, UUID), lineageFileLocation(LOCATION, UUID2)],
    );
    const lists = await loadLineageLists(refs, reader(new Map([...src.store, ...tgt.store])));
    // Both sides ingested the same files: the source's append is not replayed.
    assert.deepEqual(planTableMerge(base, source, target, lists).snapshots, []);
    // The target's side file is gone: its lineage is unknown, so the source's append replays as before.
    const partial: LineageLists = await loadLineageLists(refs, reader(src.store));
    const plan = planTableMerge(base, source, target, partial);
    assert.deepEqual(plan.conflicts, []);
    assert.deepEqual(
      plan.snapshots.map((s) => s['snapshot-id']),
      [2n],
    );
  });

  it('lets a model name the files of an input whose ingest kept its list in a side file', async () => {
    const list = many(100);
    const ingest = outOfLine({ [INGEST_FILES_PROPERTY]: JSON.stringify(list) }, [UUID]);
    const bronze = withSnapshot(withSnapshot(table(), 1n), 2n, ingest.summary);
    const previous = { summary: { [INPUT_SNAPSHOTS_PROPERTY]: JSON.stringify({ 'bronze.orders': '1' }) } };
    const inputs = new Map([['bronze.orders', bronze]]);
    const toRead = lineageToRead(previous, inputs);
    assert.deepEqual(
      toRead.map(([loc, snaps]) => [loc, snaps.map((s) => s['snapshot-id'])]),
      [[LOCATION, [2n]]],
    );
    const refs = toRead.flatMap(([loc, snaps]) =>
      snaps.flatMap((s) => lineageFilesOf(s, loc, LINEAGE_LIST_PROPERTIES)),
    );
    const lists = await loadLineageLists(refs, reader(ingest.store));
    const props = derivedLineage(previous, inputs, lists);
    assert.deepEqual(JSON.parse(props[DERIVED_FROM_PROPERTY]!), [...list].sort());
    // Unloaded, the input's files are unknown: the write names none.
    assert.equal(derivedLineage(previous, inputs)[DERIVED_FROM_PROPERTY], undefined);
  });
});
