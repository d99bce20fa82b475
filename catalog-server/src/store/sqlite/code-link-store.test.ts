import assert from 'node:assert/strict';
import { CodeLinkStore } from './code-link-store.ts';
import { SqliteVersionStore } from './sqlite-store.ts';

describe('CodeLinkStore (SQLite, migrations 100/101)', () => {
  let store: SqliteVersionStore;
  let links: CodeLinkStore;
  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
    links = new CodeLinkStore(store.db);
  });
  afterEach(() => store.close());

  it('puts, gets (case-insensitive sha), replaces and lists by data hash', () => {
    assert.equal(links.get('abc1234'), undefined);
    links.put({ sha: 'ABC1234', dataRef: 'main', dataHash: 'h1', codeBranch: 'main' });
    assert.deepEqual(
      { ...links.get('abc1234'), recordedAt: undefined },
      { sha: 'abc1234', dataRef: 'main', dataHash: 'h1', codeBranch: 'main', recordedAt: undefined },
    );
    links.put({ sha: 'abc1234', dataRef: 'feature', dataHash: 'h2' });
    assert.equal(links.get('abc1234')?.dataRef, 'feature');
    assert.equal(links.get('abc1234')?.codeBranch, undefined);
    links.put({ sha: 'def5678', dataRef: 'feature', dataHash: 'h2' });
    assert.deepEqual(
      links
        .byDataHash('h2')
        .map((l) => l.sha)
        .sort(),
      ['abc1234', 'def5678'],
    );
  });

  it('a delivery is claimed once; a released claim can be claimed again', () => {
    assert.equal(links.claimDelivery('github', 'd1'), true);
    assert.equal(links.claimDelivery('github', 'd1'), false);
    assert.equal(links.claimDelivery('gitlab', 'd1'), true, 'ids are per forge');
    links.releaseDelivery('github', 'd1');
    assert.equal(links.claimDelivery('github', 'd1'), true);
    links.finishDelivery('github', 'd1', { status: 'merged' });
    links.releaseDelivery('github', 'd1');
    assert.equal(links.claimDelivery('github', 'd1'), false, 'a finished delivery stays');
    assert.deepEqual(links.getDelivery('github', 'd1')?.result, { status: 'merged' });
  });
});
