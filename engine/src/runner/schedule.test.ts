import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScheduled } from './schedule.ts';

describe('engine: step scheduling (rat run --threads)', () => {
  const steps = [
    { id: 'bronze.a', after: [] },
    { id: 'bronze.b', after: [] },
    { id: 'silver.a', after: ['bronze.a', 'outside.table'] },
    { id: 'gold.ab', after: ['silver.a', 'bronze.b'] },
  ];

  it('runs independent steps together and a step only after its inputs', async () => {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    await runScheduled(steps, 2, async (s) => {
      log.push(`start ${s.id}`);
      peak = Math.max(peak, ++running);
      await sleep(s.id === 'bronze.b' ? 30 : 5);
      running--;
      log.push(`end ${s.id}`);
    });
    assert.equal(peak, 2);
    assert.deepEqual(log.slice(0, 2), ['start bronze.a', 'start bronze.b']);
    assert.ok(log.indexOf('start silver.a') > log.indexOf('end bronze.a'));
    assert.ok(log.indexOf('start silver.a') < log.indexOf('end bronze.b'), 'silver.a does not wait for bronze.b');
    assert.ok(log.indexOf('start gold.ab') > log.indexOf('end bronze.b'));
    assert.ok(log.indexOf('start gold.ab') > log.indexOf('end silver.a'));
  });

  it('with one slot runs exactly the given order', async () => {
    const order: string[] = [];
    await runScheduled(steps, 1, async (s, worker) => {
      assert.equal(worker, 0);
      order.push(s.id);
    });
    assert.deepEqual(
      order,
      steps.map((s) => s.id),
    );
  });

  it('starts nothing after a failure, lets running steps finish, and throws the failure', async () => {
    const finished: string[] = [];
    const boom = Object.assign(new Error('bad'), { code: 'STEP_FAILED' });
    await assert.rejects(
      runScheduled(steps, 2, async (s) => {
        if (s.id === 'bronze.a') throw boom;
        await sleep(10);
        finished.push(s.id);
      }),
      (e: unknown) => e === boom,
    );
    assert.deepEqual(finished, ['bronze.b']);
  });
});
