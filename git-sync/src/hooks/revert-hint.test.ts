import assert from 'node:assert/strict';
import type { DataLogEntry } from '../catalog/data-catalog.ts';
import { ioWith, recordingCatalog } from '../testing/recording-catalog.ts';
import { hintDataRevert } from './revert-hint.ts';

const CODE_MERGE = 'a'.repeat(40);
const DATA_MERGE = 'd'.repeat(64);
const message = `Revert "merge rv"\n\nThis reverts commit ${CODE_MERGE}, reversing\nchanges made to ${'b'.repeat(40)}.\n`;

/** An IO whose catalog links CODE_MERGE to `dataCommit` on main; `history` answers that commit, and `mainLog`. */
function setup(dataCommit: DataLogEntry, mainLog: DataLogEntry[] = []) {
  const { catalog } = recordingCatalog();
  catalog.getLink = async (sha) =>
    sha === CODE_MERGE ? { sha, dataRef: 'main', dataHash: dataCommit.hash } : undefined;
  catalog.history = async (ref) => (ref === `@${dataCommit.hash}` ? [dataCommit] : ref === 'main' ? mainLog : []);
  const said: string[] = [];
  const io = {
    ...ioWith(catalog, { ok: true, rebuilt: [] }),
    report: { info: (m: string) => said.push(m), warn: () => {} },
  };
  return { io, said };
}

const mergeCommit: DataLogEntry = {
  hash: DATA_MERGE,
  message: 'Merge rv into main',
  properties: { 'rat.git.merge-commit': CODE_MERGE },
  parentHashes: ['p1', 'p2'],
};

describe('the data-revert hint after git revert', () => {
  it('names the rat revert of the data merge that a reverted code merge made', async () => {
    const { io, said } = setup(mergeCommit);
    await hintDataRevert(io, message);
    assert.equal(said.length, 1);
    assert.match(said[0]!, /the data it merged \(commit dddddddddddd on "main"\) stays/);
    assert.match(said[0]!, /rat revert dddddddddddd --on main$/);
  });

  it('says nothing once the data merge is reverted, for a commit that merged no data, or for another message', async () => {
    const undone: DataLogEntry = {
      hash: 'e'.repeat(64),
      message: 'Revert',
      properties: { 'rat.reverts': DATA_MERGE },
      parentHashes: [],
    };
    const already = setup(mergeCommit, [undone]);
    await hintDataRevert(already.io, message);
    const plain = setup({ ...mergeCommit, properties: {} });
    await hintDataRevert(plain.io, message);
    const other = setup(mergeCommit);
    await hintDataRevert(other.io, 'edit a.txt\n');
    assert.deepEqual([already.said, plain.said, other.said], [[], [], []]);
  });
});
