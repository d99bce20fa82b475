import assert from 'node:assert/strict';
import { frozenPrefixOf, recordCopy } from './history-lineage.ts';

describe('history lineage', () => {
  const a = { n: 1 };
  const b = { n: 2 };
  const c = { n: 3 };

  it('knows the frozen array a copy started from while the copy still begins with its elements', () => {
    const frozen = Object.freeze([a, b]);
    const copy = frozen.slice();
    recordCopy(copy, frozen);
    copy.push(c);
    assert.equal(frozenPrefixOf(copy), frozen);
    // A copy of that copy (not frozen) leads back to the same frozen array.
    const again = copy.slice();
    recordCopy(again, copy);
    assert.equal(frozenPrefixOf(again), frozen);
  });

  it('forgets it once the copy changed one of those elements or lost some', () => {
    const frozen = Object.freeze([a, b]);
    const replaced = frozen.slice();
    recordCopy(replaced, frozen);
    replaced[1] = c;
    assert.equal(frozenPrefixOf(replaced), undefined);
    const shorter = [a];
    recordCopy(shorter, frozen);
    assert.equal(frozenPrefixOf(shorter), undefined);
  });

  it('knows nothing of arrays copied from arrays that are not frozen, or never recorded', () => {
    const open = [a, b];
    const copy = open.slice();
    recordCopy(copy, open);
    assert.equal(frozenPrefixOf(copy), undefined);
    assert.equal(frozenPrefixOf([a]), undefined);
  });
});
