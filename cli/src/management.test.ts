import assert from 'node:assert/strict';
import type { ReferenceMetadata } from '@ratatouille/catalog-client';
import { headLine } from './management.ts';

const meta = (ahead: number | null, behind: number | null, message: string) =>
  ({
    numCommitsAhead: ahead,
    numCommitsBehind: behind,
    commitMetaOfHEAD: { message },
    commonAncestorHash: null,
    numTotalCommits: 3,
  }) as unknown as ReferenceMetadata;

describe('rat branch -v: a reference standing and head subject', () => {
  it('shows the counts that are not zero, then the subject of the head', () => {
    assert.equal(headLine(meta(2, 1, 'add returns\n\nbody'), false), '  [ahead 2, behind 1] add returns');
    assert.equal(headLine(meta(0, 3, 'x'), false), '  [behind 3] x');
    assert.equal(headLine(meta(null, null, 'on main'), false), '  on main');
  });

  it('tells a reference with no commit from one whose history the caller may not read', () => {
    assert.equal(headLine(undefined, true), '  (no commits)');
    assert.match(headLine(undefined, false), /not readable/);
  });
});
