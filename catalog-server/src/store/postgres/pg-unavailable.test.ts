import assert from 'node:assert/strict';
import net from 'node:net';
import { StoreUnavailableError } from '../../errors/index.ts';
import { PostgresPersistence } from './pg-persistence.ts';
import { isConnectionLoss } from './pg-unavailable.ts';

describe('PostgreSQL unavailable', () => {
  it('tells a lost or refused connection from a refused statement', () => {
    assert.ok(
      isConnectionLoss(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    );
    assert.ok(isConnectionLoss(Object.assign(new Error('terminating connection'), { code: '57P01' })));
    assert.ok(isConnectionLoss(new Error('Connection terminated unexpectedly')));
    assert.ok(isConnectionLoss(new Error('timeout exceeded when trying to connect')));
    assert.ok(isConnectionLoss(new Error('Query read timeout')), 'a statement left unanswered past the timeout');
    assert.ok(!isConnectionLoss(Object.assign(new Error('duplicate key'), { code: '23505' })));
    assert.ok(!isConnectionLoss(new Error('some bug')));
  });

  it('answers StoreUnavailableError, not a hang, when the database never answers', async () => {
    // Accepts connections and says nothing, like a database host that stopped responding.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = Date.now();
      await assert.rejects(
        PostgresPersistence.open(`postgresql://rat@127.0.0.1:${port}/rat`, { connectTimeoutMs: 300 }),
        (err: unknown) => err instanceof StoreUnavailableError && /timeout/.test(err.message),
      );
      assert.ok(Date.now() - started < 5_000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('answers StoreUnavailableError when the database refuses connections', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      PostgresPersistence.open(`postgresql://rat@127.0.0.1:${port}/rat`),
      (err: unknown) => err instanceof StoreUnavailableError && /ECONNREFUSED/.test(err.message),
    );
  });
});
