import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';
import { http } from './support/server.ts';

/**
 * Server-side scan planning with Spark 4.1 and Iceberg 1.11's `RESTTableScan` (test/clients/scan_planning_spark.py):
 * the same queries through a catalog that plans in Spark and one with `scan-planning-mode=server` read the same rows,
 * over a partitioned merge-on-read table with position deletes per data file and per partition (planned in plan
 * tasks: more manifests than one answer carries) and a small table (planned in one answer), with filters and time
 * travel; and what the endpoints refuse.
 */
describe('server-side scan planning with Spark', function () {
  const session = useClientSession('scan_planning_spark.py', { spark: true });

  it('wrote a table of many manifests with delete files', () => {
    const w = session.step<{ deleteFiles: number; partitionDeleteFiles: number; manifests: number }>(
      'write a partitioned merge-on-read table and a small one',
    );
    assert.ok(w.deleteFiles > 0, 'position delete files');
    assert.ok(w.partitionDeleteFiles > 0, 'partition-scoped ones, which name no one data file');
    assert.ok(w.manifests > 4, `more manifests (${w.manifests}) than a plan answers with at once`);
  });

  it('every query reads the same rows whichever side plans it', () => {
    const r = session.step<{ differing: unknown[]; counts: Record<string, number> }>(
      'the same queries through client-side and server-side planning',
    );
    assert.deepEqual(r.differing, []);
    // 80 rows, 12 deleted (id % 7 = 0), one added after the deletes.
    assert.equal(r.counts['SELECT * FROM {c}.sp.events'], 69);
    assert.equal(r.counts["SELECT * FROM {c}.sp.events WHERE region = 'nowhere'"], 0);
  });

  it('time travel matches too', () => {
    const t = session.step<{ differing: string[]; checked: number }>('time travel through both');
    assert.deepEqual(t.differing, []);
    assert.ok(t.checked >= 3);
  });

  it('the server catalog planned its scans on the server, in plan tasks for the large table', () => {
    const posts = (word: string) =>
      session.proxy.exchanges.filter((e) => e.method === 'POST' && new RegExp(`/tables/[^/]+/${word}$`).test(e.url));
    assert.ok(posts('plan').length > 0, 'POST …/plan');
    assert.ok(posts('tasks').length > 0, 'POST …/tasks');
    assert.deepEqual(
      [...posts('plan'), ...posts('tasks')].filter((e) => e.status !== 200).map((e) => [e.url, e.status]),
      [],
    );
    session.assertNoServerErrors();
  });

  const plan = (table: string, body: unknown) =>
    http('POST', `${session.server.url}/iceberg/main/v1/namespaces/sp/tables/${table}/plan`, body);
  const tasks = (table: string, planTask: string) =>
    http('POST', `${session.server.url}/iceberg/main/v1/namespaces/sp/tables/${table}/tasks`, {
      'plan-task': planTask,
    });

  it('a filter on an unknown column, a malformed filter or a snapshot the table lacks: 400', async () => {
    for (const body of [
      { filter: { type: 'eq', term: 'nope', value: 1 } },
      { filter: { type: 'frobnicate', term: 'id' } },
      { filter: { type: 'eq', term: 'id', value: 'not a number' } },
      { 'snapshot-id': 42 },
      { select: ['id', 'nope'] },
      { 'start-snapshot-id': 1 },
    ]) {
      const res = await plan('events', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 400);
    }
  });

  it('a plan task it did not hand out, or one of another table: 404 NoSuchPlanTaskException', async () => {
    const p = await plan('events', {});
    assert.equal(p.status, 200);
    assert.equal(p.body.status, 'completed');
    const [first] = p.body['plan-tasks'] as string[];
    assert.ok(first);
    const ok = await tasks('events', first);
    assert.equal(ok.status, 200);
    assert.ok(ok.body['file-scan-tasks'].length > 0);
    const decoded = JSON.parse(Buffer.from(first, 'base64url').toString('utf8'));
    const forged = (change: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...decoded, ...change })).toString('base64url');
    for (const [table, task] of [
      ['events', 'garbage'],
      ['events', forged({ p: 'file:///etc/passwd' })],
      ['events', forged({ m: 'file:///elsewhere/metadata/00000.metadata.json' })],
      ['events', forged({ s: '1' })],
      ['small', first],
    ] as const) {
      const res = await tasks(table, task);
      assert.equal(res.status, 404, `${table} ${task.slice(0, 20)}`);
      assert.equal(res.body.error.type, 'NoSuchPlanTaskException');
    }
  });

  it('the config lists the plan and tasks endpoints', async () => {
    const res = await http('GET', `${session.server.url}/iceberg/main/v1/config`);
    for (const e of [
      'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
      'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
    ])
      assert.ok(res.body.endpoints.includes(e), e);
  });
});
