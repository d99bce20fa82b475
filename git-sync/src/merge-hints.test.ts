import assert from 'node:assert/strict';
import { mergeHints } from './merge-hints.ts';

describe('mergeHints', () => {
  it('reads what git and forges write', () => {
    assert.deepEqual(mergeHints('merge feature'), ['feature']);
    assert.deepEqual(mergeHints('merge --no-ff -q feature/x'), ['feature/x']);
    assert.deepEqual(mergeHints('merge feature: Fast-forward'), ['feature']);
    assert.deepEqual(mergeHints('pull origin feature'), ['feature', 'origin']);
    assert.deepEqual(mergeHints('pull: Fast-forward'), []);
    assert.deepEqual(mergeHints("Merge branch 'feature/x' into 'main'\n\nSee merge request !3"), ['feature/x']);
    assert.deepEqual(mergeHints("Merge remote-tracking branch 'origin/f'"), ['origin/f']);
    assert.deepEqual(mergeHints('Merge pull request #12 from alice/feature/x\n\nbody'), ['feature/x']);
    assert.deepEqual(mergeHints("Merge pull request 'Add orders' (#3) from orders into main"), ['orders']);
    assert.deepEqual(mergeHints('fix typo', undefined), []);
  });
});
