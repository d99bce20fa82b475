import assert from 'node:assert/strict';
import { http, startTestServer } from './support/server.ts';

const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: false }] };

/**
 * A server stopped (SIGTERM in `rat serve`) while keep-alive clients keep it busy, as a replica in a rolling restart
 * behind a load balancer: the shutdown finishes promptly, every request it accepted is answered, and the clients'
 * next requests find the port closed (what a balancer or a client retries elsewhere), never a connection cut mid-way.
 */
describe('server shutdown under load', function () {
  this.timeout(120_000);

  it('answers the requests in flight and closes kept-alive connections instead of serving them forever', async () => {
    const server = await startTestServer();
    const base = `${server.url}/iceberg/v1`;
    assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['ns'] })).status, 200);
    assert.equal((await http('POST', `${base}/namespaces/ns/tables`, { name: 't', schema })).status, 200);
    const answered: number[] = [];
    const failures: string[] = [];
    const until = Date.now() + 15_000;
    // fetch keeps its connections alive and sends each loop's next request on the same one.
    const loops = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; Date.now() < until; i++) {
        try {
          const res = await fetch(`${base}/namespaces/ns/tables/t`, {
            method: i % 2 ? 'GET' : 'POST',
            headers: { 'content-type': 'application/json' },
            body:
              i % 2
                ? undefined
                : JSON.stringify({
                    requirements: [],
                    updates: [{ action: 'set-properties', updates: { [`w${w}`]: `${i}` } }],
                  }),
          });
          await res.text();
          answered.push(res.status);
        } catch (err) {
          const code = String((err as { cause?: { code?: unknown } }).cause?.code ?? err);
          if (code === 'ECONNREFUSED') return; // the server stopped listening: done
          failures.push(code);
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await server.stop();
    const took = Date.now() - started;
    await Promise.all(loops);
    assert.ok(took < 5_000, `the shutdown took ${took} ms`);
    assert.ok(answered.length > 0);
    assert.deepEqual([...new Set(answered)], [200]);
    assert.deepEqual(failures, [], 'requests cut mid-way');
  });
});
