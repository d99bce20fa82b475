import assert from 'node:assert/strict';
import { settledByReingest } from './conflict-kinds.ts';

describe('settledByReingest', () => {
  it('is true only when every reason is a shared ingest', () => {
    assert.equal(settledByReingest({ kinds: ['shared-ingest'] }), true);
    assert.equal(settledByReingest({ kinds: ['shared-ingest', 'shared-ingest'] }), true);
    assert.equal(settledByReingest({ kinds: ['shared-ingest', 'metadata-changed-on-both-sides'] }), false);
    assert.equal(settledByReingest({ kinds: ['shared-derived'] }), false);
    // A source refreshed in full on one side, added to on the other: its ingest reads the merged files.
    assert.equal(settledByReingest({ kinds: ['full-refresh-over-changes', 'shared-ingest'] }), true);
  });

  it('is false for a plain conflict, which carries no kinds', () => {
    assert.equal(settledByReingest({ kinds: [] }), false);
  });
});
