import assert from 'node:assert/strict';
import { createdInTransaction, moveTarget } from './branch-rename.ts';

const words = (s: string) => s.split(' ');
const SHA = 'a'.repeat(40);
const ZERO = '0'.repeat(40);

describe('branch rename detection (reference-transaction)', () => {
  it('reads the new name of git branch -m / -M / --move, with the old name or the current branch', () => {
    assert.equal(moveTarget(words('git branch -m feat-e feat-e2'), 'feat-e', 'main'), 'feat-e2');
    assert.equal(moveTarget(words('/usr/bin/git -C /x branch -M feat-e feat-e2'), 'feat-e', undefined), 'feat-e2');
    assert.equal(moveTarget(words('git branch --move --force feat-e a/b'), 'feat-e', 'main'), 'a/b');
    assert.equal(moveTarget(words('git branch -m feat-e3'), 'feat-e2', 'feat-e2'), 'feat-e3');
  });

  it('is not fooled by deletions, copies, other branches or other programs', () => {
    assert.equal(moveTarget(words('git branch -D feat-e'), 'feat-e', 'main'), undefined);
    assert.equal(moveTarget(words('git branch -c feat-e feat-e2'), 'feat-e', 'main'), undefined);
    assert.equal(moveTarget(words('git branch -m other feat-e2'), 'feat-e', 'main'), undefined);
    assert.equal(moveTarget(words('git branch -m feat-e2'), 'feat-e', 'main'), undefined);
    assert.equal(moveTarget(words('node rat hook reference-transaction committed'), 'feat-e', 'main'), undefined);
  });

  it('finds a branch created at the deleted sha in the same transaction', () => {
    const updates = [
      { oldSha: SHA, newSha: ZERO, ref: 'refs/heads/feat-e' },
      { oldSha: ZERO, newSha: SHA, ref: 'refs/heads/feat-e2' },
    ];
    assert.equal(createdInTransaction(updates, SHA), 'feat-e2');
    assert.equal(createdInTransaction(updates.slice(0, 1), SHA), undefined);
    // A deletion git did not check reports a zero old sha: it must not match itself.
    assert.equal(createdInTransaction([{ oldSha: ZERO, newSha: ZERO, ref: 'refs/heads/x' }], ZERO), undefined);
  });
});
