import assert from 'node:assert/strict';
import { metricValue, startTestServer, http, type TestServer } from './support/server.ts';

/** What an operator reads: Prometheus metrics by route pattern, and a request id on every response. */
describe('observability: /metrics and request ids', function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('every response carries a request id; a sane client id is echoed, anything else replaced', async () => {
    const a = await http('GET', `${server.url}/api/v2/config`);
    assert.match(a.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const b = await http('GET', `${server.url}/api/v2/config`, undefined, { 'x-request-id': 'trace-42' });
    assert.equal(b.headers.get('x-request-id'), 'trace-42');
    const c = await http('GET', `${server.url}/api/v2/config`, undefined, { 'x-request-id': 'bad id\twith tab' });
    assert.notEqual(c.headers.get('x-request-id'), 'bad id\twith tab');
  });

  it('/metrics counts requests by route pattern (no table or branch names) and times store writes', async () => {
    const ice = `${server.url}/iceberg/v1`;
    assert.equal((await http('POST', `${ice}/namespaces`, { namespace: ['obs'] })).status, 200);
    const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'int' }] };
    assert.equal((await http('POST', `${ice}/namespaces/obs/tables`, { name: 'secret_table', schema })).status, 200);
    assert.equal((await http('GET', `${ice}/namespaces/obs/tables/secret_table`)).status, 200);
    // Through a named ref and a prefix segment: the same route label.
    assert.equal((await http('GET', `${server.url}/iceberg/main/v1/namespaces/obs/tables/secret_table`)).status, 200);
    assert.equal((await http('GET', `${ice}/wh/namespaces/obs/tables/secret_table`)).status, 200);
    assert.equal((await http('GET', `${ice}/namespaces/obs/tables/missing`)).status, 404);
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(
      text,
      /rat_http_requests_total\{method="GET",route="\/iceberg\/namespaces\/:namespace\/tables\/:table",status="200"\} 3/,
    );
    assert.match(text, /route="\/iceberg\/namespaces\/:namespace\/tables\/:table",status="404"\} 1/);
    assert.match(text, /rat_store_operation_duration_seconds_count\{operation="commit",outcome="ok"\} 2/);
    // The store's own count of its writes: the namespace and the table came from two requests one after the other, so
    // at least two transactions, with at least as many writes.
    const transactions = await metricValue(server.url, 'rat_store_write_transactions_total');
    assert.ok(transactions >= 2, `${transactions} write transactions`);
    assert.ok((await metricValue(server.url, 'rat_store_writes_total')) >= transactions);
    assert.ok((await metricValue(server.url, 'rat_store_write_transaction_seconds_total')) > 0);
    // Counted where the store fsyncs its WAL off the serving thread (SQLite on disk), which these lone writes did not.
    assert.match(text, /^rat_store_wal_fsyncs_total \d/m);
    assert.match(text, /^rat_store_wal_fsync_seconds_total \d/m);
    assert.match(text, /rat_http_request_duration_seconds_bucket/);
    assert.doesNotMatch(text, /secret_table|obs/, 'no table or namespace names in labels');
  });

  it('/metrics counts the WAL fsyncs that concurrent commits share off the serving thread, and their seconds', async () => {
    const before = await metricValue(server.url, 'rat_store_wal_fsyncs_total');
    // Commits that arrive together share a transaction, whose fsync runs on the thread pool.
    for (let burst = 0; burst < 5; burst++) {
      const created = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          http('POST', `${server.url}/iceberg/v1/namespaces`, { namespace: [`wal${burst}_${i}`] }),
        ),
      );
      assert.deepEqual(new Set(created.map((r) => r.status)), new Set([200]));
      if ((await metricValue(server.url, 'rat_store_wal_fsyncs_total')) > before) break;
    }
    assert.ok((await metricValue(server.url, 'rat_store_wal_fsyncs_total')) > before);
    assert.ok((await metricValue(server.url, 'rat_store_wal_fsync_seconds_total')) > 0);
  });

  it('/metrics counts metadata cache hits and misses, labelled by cache and result only', async () => {
    const ice = `${server.url}/iceberg/v1`;
    const counts = async () => {
      const value = (cache: string, result: string) =>
        metricValue(server.url, 'rat_metadata_cache_lookups_total', { cache, result });
      return {
        hits: (await value('parsed', 'hit')) + (await value('text', 'hit')) + (await value('serialized', 'hit')),
        textMiss: await value('text', 'miss'),
      };
    };
    assert.equal((await http('POST', `${ice}/namespaces`, { namespace: ['cache'] })).status, 200);
    const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'int' }] };
    assert.equal((await http('POST', `${ice}/namespaces/cache/tables`, { name: 't', schema })).status, 200);
    const before = await counts();
    for (let i = 0; i < 3; i++) assert.equal((await http('GET', `${ice}/namespaces/cache/tables/t`)).status, 200);
    const after = await counts();
    // The file was written by this server, so every load is answered from the cache (parsed, its text, or the
    // answer serialized from it).
    assert.ok(after.hits >= before.hits + 3, JSON.stringify({ before, after }));
    assert.equal(after.textMiss, before.textMiss);
  });

  it('merges are counted by outcome', async () => {
    const head = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference.hash;
    await http('POST', `${server.url}/api/v2/trees?name=obs-b&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: head,
    });
    const m = await http('POST', `${server.url}/api/v2/trees/main@${head}/history/merge`, {
      fromRefName: 'obs-b',
      fromHash: head,
    });
    assert.ok(m.status < 300, JSON.stringify(m.body));
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /rat_merges_total\{kind="merge",outcome="not-applied"\} 1/);
  });
});
