import assert from 'node:assert/strict';
import { assertValidSnapshotRef, snapshotRefProblems } from './validate-snapshot-ref.ts';
import { InvalidUpdateError } from '../errors/index.ts';
import type { SnapshotRef } from './parts.ts';

const branch = (extra: Partial<SnapshotRef> = {}): SnapshotRef => ({ type: 'branch', 'snapshot-id': 1n, ...extra });
const tag = (extra: Partial<SnapshotRef> = {}): SnapshotRef => ({ type: 'tag', 'snapshot-id': 1n, ...extra });

describe('snapshot ref validation', () => {
  it('accepts positive retention on branches, max-ref-age-ms on tags, and unset (null) settings', () => {
    for (const ref of [
      branch(),
      branch({ 'min-snapshots-to-keep': 1, 'max-snapshot-age-ms': 1, 'max-ref-age-ms': 1 }),
      tag({ 'max-ref-age-ms': 86_400_000 }),
      tag({ 'min-snapshots-to-keep': null, 'max-snapshot-age-ms': null, 'max-ref-age-ms': null }),
    ])
      assert.deepEqual(
        snapshotRefProblems('r', ref),
        [],
        JSON.stringify(ref, (_k, v) => String(v)),
      );
  });

  for (const [label, ref] of [
    ['a tag with min-snapshots-to-keep', tag({ 'min-snapshots-to-keep': 2 })],
    ['a tag with max-snapshot-age-ms', tag({ 'max-snapshot-age-ms': 1000 })],
    ['a branch with min-snapshots-to-keep 0', branch({ 'min-snapshots-to-keep': 0 })],
    ['a branch with max-snapshot-age-ms 0', branch({ 'max-snapshot-age-ms': 0 })],
    ['a negative max-ref-age-ms', branch({ 'max-ref-age-ms': -1 })],
    ['a tag with max-ref-age-ms 0', tag({ 'max-ref-age-ms': 0 })],
  ] as const) {
    it(`refuses ${label} with InvalidUpdateError`, () => {
      assert.equal(snapshotRefProblems('r', ref).length, 1);
      assert.throws(() => assertValidSnapshotRef('r', ref), InvalidUpdateError);
    });
  }
});
