/**
 * Run variables (dbt's `{{ var('name', default) }}`) with the real CLI and a real server: defaults, `--vars`, the
 * project's `vars:` in rat.yaml under them, in models and SQL data tests; recorded on the run's merge commit; a
 * variable without a value names the model's file and line.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ManagementClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

describe('engine: run variables (real CLI, real server)', function () {
  this.timeout(600_000);
  const p = useEventsProject(
    '1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n3,3.5,2024-01-03 10:00:00\n4,9.5,2024-01-04 10:00:00\n',
  );
  const { rat, write } = p;
  const ids = async (branch: string) =>
    (await queryBranch(p.server, branch, 'SELECT id FROM silver.events ORDER BY id')).map((r) => Number(r.id));

  before(() => {
    write(
      'silver/events.sql',
      [
        '/* ---',
        'tests:',
        `  - sql: { name: below_max, sql: "SELECT * FROM {{ this }} WHERE amount >= {{ var('max_amount', 100) }}" }`,
        '--- */',
        `SELECT * FROM {{ ref('bronze.events') }}`,
        `WHERE ts >= '{{ var("since", "2024-01-02") }}' AND amount < {{ var('max_amount', 100) }}`,
        '',
      ].join('\n'),
    );
  });

  it("uses a var's default, and --vars over it; the merge commit records the vars given", async () => {
    const plain = await rat('run', '--branch', 'v1');
    assert.equal(plain.code, 0, plain.out);
    assert.deepEqual(await ids('v1'), [2, 3, 4]);
    const given = await rat('run', '--branch', 'v2', '--vars', '{since: 2024-01-01, max_amount: 3}');
    assert.equal(given.code, 0, given.out);
    assert.deepEqual(await ids('v2'), [1, 2]);
    const head = (await new ManagementClient({ server: p.server.url }).log('v2')).logEntries[0]!.commitMeta;
    assert.deepEqual(head.allProperties?.['rat.vars'], [JSON.stringify({ since: '2024-01-01', max_amount: 3 })]);
  });

  it('a SQL data test sees the same vars as the model', async () => {
    // The model keeps amount < 100, its test asks for amount < 2: the test runs with --vars, the model without.
    const failing = await rat('test', '--branch', 'v1', '--vars', '{max_amount: 2}', '--json');
    assert.equal(failing.code, 1, failing.out);
    const outcome = JSON.parse(failing.stdout).tests.find((x: { test: string }) => x.test === 'sql:below_max');
    assert.equal(outcome.passed, false);
    assert.equal(outcome.failingRows, 3);
    assert.equal((await rat('test', '--branch', 'v1')).code, 0);
  });

  it('a var without a value or default names the file and line; --vars must be a mapping', async () => {
    write('silver/needs.sql', "SELECT *\nFROM {{ ref('bronze.events') }}\nWHERE id = {{ var('pick') }}\n");
    const missing = await rat('run', '--branch', 'v3', '--json');
    assert.equal(missing.code, 1, missing.out);
    const report = JSON.parse(missing.stdout);
    assert.equal(report.error.code, 'UNDEFINED_VAR');
    assert.deepEqual(report.error.data, { name: 'pick', file: path.join('silver', 'needs.sql'), line: 3 });
    assert.match(report.error.message, /silver\/needs\.sql:3: var\('pick'\) has no value: pass --vars/);
    const picked = await rat('run', '--branch', 'v3', '--vars', '{pick: 2}');
    assert.equal(picked.code, 0, picked.out);
    assert.deepEqual(
      (await queryBranch(p.server, 'v3', 'SELECT id FROM silver.needs')).map((r) => Number(r.id)),
      [2],
    );
    rmSync(path.join(p.dir, 'silver', 'needs.sql'));
    const list = await rat('run', '--branch', 'v4', '--vars', '[1, 2]');
    assert.equal(list.code, 1, list.out);
    assert.match(list.out, /Give a mapping of names to values/);
  });

  it("takes rat.yaml's vars under --vars", async () => {
    const { git } = p;
    write('rat.yaml', `catalog:\n  url: ${p.server.url}\npipelines: .\nvars:\n  since: 2024-01-03\n`);
    git('init', '-q', '-b', 'v5');
    git('add', '.');
    git('commit', '-q', '-m', 'events');
    const configured = await rat('run', '--branch', 'v5');
    assert.equal(configured.code, 0, configured.out);
    assert.deepEqual(await ids('v5'), [3, 4]);
    const over = await rat('run', '--branch', 'v6', '--vars', '{max_amount: 5}');
    assert.equal(over.code, 0, over.out);
    assert.deepEqual(await ids('v6'), [3]);
  });
});
