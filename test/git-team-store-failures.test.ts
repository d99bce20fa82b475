/**
 * Stored test failures on parallel branches: two branches whose runs stored different failing rows in the same table
 * (rat.yaml's `data_tests: +store_failures`) both merge; the second merge settles the table by running the tested
 * model's tests again with the merged code. Real git, the installed hooks, the `rat` CLI and a real server.
 */
import assert from 'node:assert/strict';
import { useLockstepRepo } from './git-support.ts';
import { edit, query, ratOk } from './git-team-support.ts';
import { writeFiles } from './support/git-repo.ts';

const AUDIT = 'audit.bad_status';

describe('stored test failures on parallel branches merge (real git, real server)', function () {
  this.timeout(900_000);
  const t = useLockstepRepo({ prefix: 'rat-audit-', config: '\ndata_tests:\n  +store_failures: true\n' });
  const failing = async () =>
    (await query(t.server, 'main', `SELECT status FROM ${AUDIT} ORDER BY status`)).map((r) => r.status);

  before(async () => {
    const { repo } = t;
    writeFiles(repo.dir, {
      'pipelines/seeds/orders.csv': 'id,status,amount\n1,placed,10\n2,lost,20\n3,returned,30\n',
      'pipelines/silver/stg_orders.sql': "SELECT id, status, amount FROM {{ ref('orders') }}",
      'pipelines/silver/schema.yml': `version: 2
models:
  - name: stg_orders
    columns:
      - name: status
        data_tests:
          - accepted_values:
              arguments: { values: [placed, shipped] }
              config: { severity: warn, schema: audit, alias: bad_status }
`,
    });
    await repo.ok('add', '.');
    await repo.ok('commit', '-q', '-m', 'orders and their statuses');
    await ratOk(repo, ['run']);
    assert.deepEqual(await failing(), ['lost', 'returned']);
    // One branch accepts lost orders; the other reads returned orders as shipped: each stores other failing rows.
    await repo.ok('checkout', '-b', 'accept-lost');
    await edit(repo, 'pipelines/silver/schema.yml', (s) => s.replace('[placed, shipped]', '[placed, shipped, lost]'));
    await repo.ok('commit', '-q', '-am', 'lost orders are a status');
    await ratOk(repo, ['run']);
    await repo.ok('checkout', 'main');
    await repo.ok('checkout', '-b', 'returns-shipped');
    await edit(repo, 'pipelines/silver/stg_orders.sql', (s) =>
      s.replace(
        'SELECT id, status,',
        "SELECT id, CASE WHEN status = 'returned' THEN 'shipped' ELSE status END AS status,",
      ),
    );
    await repo.ok('commit', '-q', '-am', 'returned orders count as shipped');
    await ratOk(repo, ['run']);
    await repo.ok('checkout', 'main');
  });

  it('merges both: the second rebuilds the stored failures with the merged code', async () => {
    const { repo } = t;
    await repo.ok('merge', '--no-ff', '-m', 'Merge branch accept-lost', 'accept-lost');
    assert.deepEqual(await failing(), ['returned']);
    const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch returns-shipped', 'returns-shipped');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /rebuilt with the merged code: .*silver\.stg_orders/);
    // Lost orders accepted (one branch's code), returned ones read as shipped (the other's): nothing fails.
    assert.deepEqual(await failing(), []);
    const statuses = await query(t.server, 'main', 'SELECT status FROM silver.stg_orders ORDER BY id');
    assert.deepEqual(
      statuses.map((x) => x.status),
      ['placed', 'lost', 'shipped'],
    );
  });
});
