/**
 * dbt's `store_failures`: a test's failing rows land in a table of their own (dbt_test__audit.<dbt's test name>, or
 * its `schema` / `alias`), merged with the run, kept on the run's branch when the run fails, written by `rat test` in
 * one commit; `--store-failures` and rat.yaml's `data_tests:` store every test's; an empty table that stays empty is
 * not written again. Real CLI, real server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';
import { countOnBranch, queryBranch } from './support/engine-queries.ts';
import { writeFiles } from './support/git-repo.ts';

interface Outcome {
  model: string;
  test: string;
  passed: boolean;
  severity?: string;
  storedIn?: string;
}

const PROJECT = {
  'seeds/orders.csv': 'id,status,amount\n1,placed,10\n,placed,20\n3,lost,30\n',
  'silver/stg_orders.sql': "SELECT * FROM {{ ref('orders') }}",
  'silver/stg_ok.sql': 'SELECT 1 AS id',
  'silver/schema.yml': `version: 2
models:
  - name: stg_orders
    columns:
      - name: id
        data_tests:
          - not_null:
              config: { store_failures: true, severity: warn }
      - name: status
        data_tests:
          - accepted_values:
              arguments: { values: [placed, shipped] }
              config: { store_failures: true, severity: warn, schema: audit, alias: bad_status }
      - name: amount
        data_tests: [not_null]
  - name: stg_ok
    columns:
      - name: id
        data_tests: [not_null]
`,
};

describe('engine: dbt store_failures keeps failing rows in tables (real CLI, real server)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let dir = '';
  const rat = (...args: string[]) => runRat(dir, [...args, '--server', server.url]);
  const json = async (...args: string[]) => {
    const r = await rat(...args, '--json');
    return { code: r.code, report: JSON.parse(r.stdout) as { status: string; tests: Outcome[]; runBranch: string } };
  };
  const head = async (branch = 'main') => {
    const r = await rat('branch', 'list', '--json');
    return (JSON.parse(r.stdout) as { name: string; hash: string }[]).find((b) => b.name === branch)?.hash;
  };
  const runBranches = async () => {
    const r = await rat('branch', 'list', '--json');
    return (JSON.parse(r.stdout) as { name: string }[]).filter((b) => b.name.startsWith('rat-run-')).length;
  };
  const tables = async (ns: string, branch = 'main') => {
    const res = await fetch(`${server.url}/iceberg/${branch}/v1/namespaces/${ns}/tables`);
    if (res.status === 404) return [];
    return ((await res.json()) as { identifiers: { name: string }[] }).identifiers.map((i) => i.name).sort();
  };

  before(async () => {
    server = await startTestServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-store-failures-'));
    writeFiles(dir, PROJECT);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("stores a test's failing rows where its settings say, in the run's merge", async () => {
    const { code, report } = await json('run');
    assert.equal(code, 0, JSON.stringify(report));
    const stored = report.tests.filter((t) => t.storedIn).map((t) => [t.test, t.storedIn]);
    assert.deepEqual(stored.sort(), [
      ['accepted_values(status)', 'audit.bad_status'],
      ['not_null(id)', 'dbt_test__audit.not_null_stg_orders_id'],
    ]);
    // Every failing row, as the test's SELECT gives them.
    assert.deepEqual(
      (await queryBranch(server, 'main', 'SELECT status, amount FROM dbt_test__audit.not_null_stg_orders_id')).map(
        (r) => [r.status, Number(r.amount)],
      ),
      [['placed', 20]],
    );
    assert.equal(await countOnBranch(server, 'main', 'SELECT count(*) AS n FROM audit.bad_status'), 1);
    // Tests that do not ask store nothing.
    assert.deepEqual(await tables('dbt_test__audit'), ['not_null_stg_orders_id']);
  });

  it("keeps a failing run's stored rows on its run branch, leaving the target as it was", async () => {
    writeFiles(dir, {
      'tests/no_big_amounts.sql':
        "{{ config(store_failures=true) }}\nSELECT * FROM {{ ref('stg_orders') }} WHERE amount > 25",
    });
    const before = await head();
    try {
      const { code, report } = await json('run');
      assert.equal(code, 1);
      assert.equal(report.status, 'failed');
      const big = report.tests.find((t) => t.test === 'sql:no_big_amounts')!;
      assert.equal(big.passed, false);
      assert.equal(big.storedIn, 'dbt_test__audit.no_big_amounts');
      assert.equal(await head(), before);
      assert.deepEqual(await tables('dbt_test__audit'), ['not_null_stg_orders_id']);
      assert.equal(
        await countOnBranch(server, report.runBranch, 'SELECT count(*) AS n FROM dbt_test__audit.no_big_amounts'),
        1,
      );
    } finally {
      rmSync(path.join(dir, 'tests'), { recursive: true, force: true });
    }
  });

  it('rat test --store-failures stores every test in one commit, and leaves empty tables that stay empty', async () => {
    const before = await head();
    const runs = await runBranches();
    const { report } = await json('test', '--store-failures', 'stg_ok');
    assert.equal(report.status, 'success');
    assert.deepEqual(
      report.tests.map((t) => t.storedIn),
      ['dbt_test__audit.not_null_stg_ok_id'],
    );
    assert.equal(
      await countOnBranch(server, 'main', 'SELECT count(*) AS n FROM dbt_test__audit.not_null_stg_ok_id'),
      0,
    );
    const log = await rat('log', '--json', '-n', '1');
    const [last] = JSON.parse(log.stdout) as { commitMeta: { message: string; parentCommitHashes: string[] } }[];
    assert.match(last!.commitMeta.message, /^rat test .*: failing rows stored/);
    assert.equal(last!.commitMeta.parentCommitHashes[0], before, 'more than one commit for the stored failures');
    // Passing again writes nothing; no work branch is left behind.
    const again = await head();
    assert.equal((await json('test', '--store-failures', 'stg_ok')).report.status, 'success');
    assert.equal(await head(), again);
    assert.equal(await runBranches(), runs);
  });

  it("a generic test block's own config(store_failures=true) stores its rows, in rat test too", async () => {
    writeFiles(dir, { 'silver/stg_more.sql': 'SELECT 1 AS id' });
    assert.equal((await json('run', 'stg_more')).code, 0);
    writeFiles(dir, {
      'macros/positive.sql':
        "{% test not_positive(model, column_name) %}{{ config(store_failures=true, severity='warn') }}\n" +
        'SELECT * FROM {{ model }} WHERE {{ column_name }} > 0{% endtest %}\n',
      'silver/more.yml':
        'version: 2\nmodels:\n  - name: stg_more\n    data_tests:\n      - not_positive: { column_name: id }\n',
    });
    try {
      const { report } = await json('test', 'stg_more');
      assert.equal(report.status, 'success', JSON.stringify(report));
      assert.deepEqual(
        report.tests.map((t) => t.storedIn),
        ['dbt_test__audit.not_positive_stg_more_id'],
      );
      assert.equal(
        await countOnBranch(server, 'main', 'SELECT count(*) AS n FROM dbt_test__audit.not_positive_stg_more_id'),
        1,
      );
    } finally {
      rmSync(path.join(dir, 'macros'), { recursive: true, force: true });
      for (const f of ['stg_more.sql', 'more.yml']) rmSync(path.join(dir, 'silver', f), { force: true });
    }
  });

  it("rat.yaml's data_tests: stores every test's failures, store_failures_as: ephemeral none", async () => {
    writeFiles(dir, { 'rat.yaml': 'data_tests:\n  +store_failures: true\n' });
    try {
      const { report } = await json('test', 'stg_orders');
      assert.ok(
        report.tests.find((t) => t.test === 'not_null(amount)')?.storedIn ===
          'dbt_test__audit.not_null_stg_orders_amount',
        JSON.stringify(report.tests),
      );
      writeFiles(dir, { 'rat.yaml': 'data_tests:\n  +store_failures: true\n  +store_failures_as: ephemeral\n' });
      assert.ok((await json('test', 'stg_orders')).report.tests.every((t) => t.storedIn === undefined));
      writeFiles(dir, { 'rat.yaml': 'data_tests:\n  +store_failures_as: view\n' });
      const refused = await rat('test', 'stg_orders');
      assert.equal(refused.code, 1);
      assert.match(refused.out, /rat\.yaml: data_tests: store_failures_as: view is not supported/);
    } finally {
      rmSync(path.join(dir, 'rat.yaml'), { force: true });
    }
  });
});
