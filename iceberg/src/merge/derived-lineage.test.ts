import assert from 'node:assert/strict';
import { derivedLineage, inputSnapshots, INPUT_SNAPSHOTS_PROPERTY, MAX_DERIVED_FILES } from './derived-lineage.ts';
import { DERIVED_FROM_PROPERTY, INGEST_FILES_PROPERTY } from './shared-ingests.ts';
import { table, withSnapshot } from './test-tables.ts';

const ingest = (...f: string[]) => ({ [INGEST_FILES_PROPERTY]: JSON.stringify(f) });
const derived = (...f: string[]) => ({ [DERIVED_FROM_PROPERTY]: JSON.stringify(f) });
const A = 'bronze.orders aaaa landing/orders/a.csv';
const B = 'bronze.orders bbbb landing/orders/b.csv';
const C = 'bronze.orders cccc landing/orders/c.csv';
const read = (o: Record<string, string | null>) => ({ summary: { [INPUT_SNAPSHOTS_PROPERTY]: JSON.stringify(o) } });
const filesOf = (props: Record<string, string>) =>
  props[DERIVED_FROM_PROPERTY] === undefined ? undefined : (JSON.parse(props[DERIVED_FROM_PROPERTY]) as string[]);

describe("a model write's lineage (rat.input-snapshots, rat.derived-from)", () => {
  const bronze1 = withSnapshot(table(), 1n, ingest(A));
  const bronze3 = withSnapshot(withSnapshot(bronze1, 2n, ingest(B)), 3n, ingest(C));

  it('names the snapshot of each input it reads and the files they gained since the previous write read them', () => {
    const props = derivedLineage(read({ 'bronze.orders': '1' }), new Map([['bronze.orders', bronze3]]));
    assert.deepEqual(JSON.parse(props[INPUT_SNAPSHOTS_PROPERTY]), { 'bronze.orders': '3' });
    assert.deepEqual(filesOf(props), [B, C]);
    // Nothing new since: a known empty list, not an unknown one.
    assert.deepEqual(
      filesOf(derivedLineage(read({ 'bronze.orders': '3' }), new Map([['bronze.orders', bronze3]]))),
      [],
    );
  });

  it("follows a derived input's own lineage, and skips snapshots that added no rows", () => {
    let silver = withSnapshot(table(), 10n, derived(A));
    silver = withSnapshot(silver, 11n, { operation: 'delete', 'added-records': '0' });
    // A compaction rewrites rows the table had: it brings no landing file either.
    silver = withSnapshot(silver, 12n, { operation: 'replace', 'added-records': '40', 'deleted-records': '40' });
    silver = withSnapshot(silver, 13n, { ...derived(B), operation: 'overwrite' });
    const props = derivedLineage(
      read({ 'silver.orders': '10', 'bronze.orders': '2' }),
      new Map([
        ['silver.orders', silver],
        ['bronze.orders', bronze3],
      ]),
    );
    assert.deepEqual(filesOf(props), [B, C]);
  });

  it('leaves the files out (unknown) when their origin cannot be followed', () => {
    const inputs = new Map([['bronze.orders', bronze3]]);
    // The model's first write, or one that named no inputs.
    assert.equal(filesOf(derivedLineage(undefined, inputs)), undefined);
    assert.equal(filesOf(derivedLineage(read({}), inputs)), undefined);
    // The snapshot it read last is not in the input's history (replaced, rolled back).
    assert.equal(filesOf(derivedLineage(read({ 'bronze.orders': '99' }), inputs)), undefined);
    // A snapshot on the way, written by another client, does not say which files its rows came from.
    const foreign = withSnapshot(bronze3, 4n);
    assert.equal(
      filesOf(derivedLineage(read({ 'bronze.orders': '3' }), new Map([['bronze.orders', foreign]]))),
      undefined,
    );
    // Too many files to name.
    const big = Array.from({ length: MAX_DERIVED_FILES + 1 }, (_, i) => `bronze.orders h${i} f${i}.csv`);
    const backfill = withSnapshot(bronze3, 5n, ingest(...big));
    assert.equal(
      filesOf(derivedLineage(read({ 'bronze.orders': '3' }), new Map([['bronze.orders', backfill]]))),
      undefined,
    );
  });

  it('counts an input that had no snapshot when read last from its first snapshot', () => {
    const props = derivedLineage(read({ 'bronze.orders': null }), new Map([['bronze.orders', bronze3]]));
    assert.deepEqual(filesOf(props), [A, B, C]);
    assert.deepEqual(
      JSON.parse(derivedLineage(undefined, new Map([['bronze.orders', table()]]))[INPUT_SNAPSHOTS_PROPERTY]),
      {
        'bronze.orders': null,
      },
    );
  });

  it('reads snapshot ids beyond 2^53 exactly, and a malformed property as no inputs', () => {
    const big = (2n ** 62n + 1n).toString();
    assert.deepEqual(inputSnapshots(read({ 'bronze.orders': big })), new Map([['bronze.orders', 2n ** 62n + 1n]]));
    assert.deepEqual(inputSnapshots({ summary: { [INPUT_SNAPSHOTS_PROPERTY]: '[1]' } }), new Map());
    assert.deepEqual(inputSnapshots({ summary: { [INPUT_SNAPSHOTS_PROPERTY]: '{' } }), new Map());
    assert.deepEqual(inputSnapshots(undefined), new Map());
  });
});
