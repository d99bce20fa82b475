import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import { CodeLinkStore } from '../../store/sqlite/code-link-store.ts';
import { claimOrAwaitDelivery } from './delivery-claims.ts';

describe('claiming a webhook delivery, or waiting for the handler that holds it', () => {
  let store: SqliteVersionStore;
  let links: CodeLinkStore;
  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
    links = new CodeLinkStore(store.db);
  });
  afterEach(() => store.close());

  it('claims a delivery nobody holds', async () => {
    assert.deepEqual(await claimOrAwaitDelivery(links, 'github', 'd1'), { claimed: true });
  });

  it("answers a duplicate with the first handler's outcome once it finished", async () => {
    assert.ok(await links.claimDelivery('github', 'd1'));
    const duplicate = claimOrAwaitDelivery(links, 'github', 'd1');
    await sleep(120);
    await links.finishDelivery('github', 'd1', { status: 'merged', hash: 'abc' });
    const c = await duplicate;
    assert.ok(!c.claimed && c.done);
    assert.deepEqual(c.record.result, { status: 'merged', hash: 'abc' });
  });

  it('hands the event to the duplicate when the first handler failed and released its claim', async () => {
    assert.ok(await links.claimDelivery('github', 'd1'));
    const duplicate = claimOrAwaitDelivery(links, 'github', 'd1');
    await sleep(120);
    await links.releaseDelivery('github', 'd1');
    assert.deepEqual(await duplicate, { claimed: true });
    assert.equal(await links.claimDelivery('github', 'd1'), false, 'the duplicate holds it now');
  });

  it('says the outcome is not known yet when the first handler is still running after the wait', async () => {
    assert.ok(await links.claimDelivery('github', 'd1'));
    assert.deepEqual(await claimOrAwaitDelivery(links, 'github', 'd1', 150), { claimed: false, done: false });
    assert.equal((await links.getDelivery('github', 'd1'))?.status, 'processing', 'the first claim is untouched');
  });

  it('answers a delivery handled long ago at once', async () => {
    assert.ok(await links.claimDelivery('gitlab', 'd2'));
    await links.finishDelivery('gitlab', 'd2', null);
    const c = await claimOrAwaitDelivery(links, 'gitlab', 'd2', 60_000);
    assert.ok(!c.claimed && c.done);
  });
});
