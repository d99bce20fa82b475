/**
 * Model unit tests (dbt's `unit_tests`) with the real CLI and a real server: a model's SELECT run on fixed input rows
 * and compared with the rows expected, before anything is built; input columns and types from the branch's tables when it
 * has them, else from the project (a source's landing file, a model's SELECT); a failing one stops `rat run` and shows
 * the rows that differ.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ManagementClient } from '@ratatouille/catalog-client';
import { useEventsProject } from './support/events-project.ts';

const MODEL = (expectDoubled: string, extra = '') => `/* ---
unit_tests:
  - name: doubles_amounts
    given:
      - input: ref('bronze.events')
        rows:
          - { id: 1, amount: 2.5, ts: '2024-01-01 10:00:00'${extra} }
          - { id: 2, amount: null }
    expect:
      rows:
        - { id: 1, doubled: ${expectDoubled} }
        - { id: 2, doubled: null }
--- */
SELECT id, amount * 2 AS doubled, ts FROM {{ ref('bronze.events') }}
`;

interface Outcome {
  model: string;
  test: string;
  passed: boolean;
  failingRows: number;
  sample: Array<Record<string, unknown>>;
  error?: string;
}

describe('engine: model unit tests (real CLI, real server)', function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n');
  const tests = async (...args: string[]) => {
    const r = await p.rat('test', '--json', ...args);
    return { code: r.code, tests: (JSON.parse(r.stdout) as { tests: Outcome[] }).tests };
  };
  const unit = (list: Outcome[]) => list.filter((t) => t.test.startsWith('unit:'));

  it('passes on the given rows alone, with no table on the branch', async () => {
    p.write('silver/events.sql', MODEL('5.0'));
    const r = await tests('--branch', 'main');
    assert.equal(r.code, 0, JSON.stringify(r.tests));
    assert.deepEqual(
      unit(r.tests).map((t) => [t.model, t.test, t.passed]),
      [['silver.events', 'unit:doubles_amounts', true]],
    );
  });

  it("before any build, takes the columns and types the project gives its inputs: a source's landing file, a model's SELECT", async () => {
    p.write('silver/events.sql', MODEL('5.0'));
    // Only ts is given, as text: the model truncates it as a timestamp and sums a column the rows leave out.
    p.write(
      'gold/daily.sql',
      [
        '/* ---',
        'unit_tests:',
        '  - name: days_from_partial_rows',
        '    given:',
        "      - input: ref('silver.events')",
        "        rows: [{ ts: '2024-01-02 10:30:00' }, { ts: '2024-01-02 11:00:00' }]",
        '    expect:',
        "      rows: [{ day: '2024-01-02', n: 2, total: null }]",
        '--- */',
        "SELECT CAST(date_trunc('day', ts) AS DATE) AS day, count(*) AS n, sum(doubled) AS total",
        "FROM {{ ref('silver.events') }} GROUP BY 1",
        '',
      ].join('\n'),
    );
    try {
      const raw = await p.rat('test', '--json', '--branch', 'main');
      assert.equal(raw.code, 0, raw.out);
      const r = { tests: (JSON.parse(raw.stdout) as { tests: Outcome[] }).tests };
      assert.deepEqual(
        unit(r.tests).map((t) => [t.test, t.passed, t.error]),
        [
          ['unit:doubles_amounts', true, undefined],
          ['unit:days_from_partial_rows', true, undefined],
        ],
      );
    } finally {
      rmSync(path.join(p.dir, 'gold/daily.sql'));
    }
  });

  it('runs before a build, then takes the columns and types of the tables the branch has', async () => {
    const run = await p.rat('run', '--branch', 'u1');
    assert.equal(run.code, 0, run.out);
    const r = await tests('--branch', 'u1');
    assert.equal(r.code, 0, JSON.stringify(r.tests));
    assert.equal(unit(r.tests)[0]!.passed, true);
    // A given column the branch's table lacks is a mistake in the test, not a silent extra column.
    p.write('silver/events.sql', MODEL('5.0', ', bogus: 1'));
    const bogus = unit((await tests('--branch', 'u1')).tests)[0]!;
    assert.equal(bogus.passed, false);
    assert.match(bogus.error!, /bronze\.events has no column bogus/);
  });

  it("dbt's test_type: runs only the unit tests, or only the data tests", async () => {
    p.write('silver/events.sql', MODEL('5.0'));
    p.write(
      'silver/schema.yml',
      'version: 2\nmodels:\n  - name: events\n    columns: [{ name: id, data_tests: [not_null] }]\n',
    );
    try {
      assert.equal((await p.rat('run', '--branch', 'u1')).code, 0);
      const names = async (...args: string[]) => (await tests('--branch', 'u1', ...args)).tests.map((t) => t.test);
      assert.deepEqual(await names(), ['unit:doubles_amounts', 'not_null(id)']);
      assert.deepEqual(await names('test_type:unit'), ['unit:doubles_amounts']);
      assert.deepEqual(await names('test_type:data', 'silver.events'), ['not_null(id)']);
      assert.deepEqual(await names('test_type:singular'), []);
      const bad = await p.rat('test', 'test_type:smoke', '--branch', 'u1');
      assert.equal(bad.code, 1);
      assert.match(bad.out, /test_type:smoke is not a test type \(unit, data, generic, singular\)/);
      const run = await p.rat('run', 'test_type:unit', '--branch', 'u1');
      assert.equal(run.code, 1);
      assert.match(run.out, /test_type:unit selects tests: give it to rat test/);
    } finally {
      rmSync(path.join(p.dir, 'silver', 'schema.yml'), { force: true });
    }
  });

  it('a failing unit test stops rat run before anything is built and shows the rows that differ', async () => {
    p.write('silver/events.sql', MODEL('6.0'));
    const run = await p.rat('run', '--branch', 'u2', '--json');
    assert.equal(run.code, 1, run.out);
    const report = JSON.parse(run.stdout) as { status: string; tests: Outcome[]; steps: unknown[] };
    assert.equal(report.status, 'failed');
    assert.deepEqual(report.steps, []);
    const failed = unit(report.tests)[0]!;
    assert.equal(failed.failingRows, 2);
    assert.deepEqual(
      failed.sample.map((r) => [r._diff, Number(r.id), Number(r.doubled)]),
      [
        ['+', 1, 5],
        ['-', 1, 6],
      ],
    );
    const api = new ManagementClient({ server: p.server.url });
    const entries = await api.entries('u2');
    assert.ok(!entries.entries.some((e) => e.name.elements.join('.') === 'silver.events'), 'nothing built');
    const text = await p.rat('run', '--branch', 'u2');
    assert.equal(text.code, 1);
    assert.match(text.out, /unit:doubles_amounts/);
  });

  it('an expected column the model does not return, and a malformed unit_tests, are said', async () => {
    p.write('silver/events.sql', MODEL('5.0').replace('doubled: null', 'tripled: null'));
    const missing = unit((await tests('--branch', 'main')).tests)[0]!;
    assert.match(missing.error!, /expect names tripled, which the model does not return/);
    p.write(
      'silver/events.sql',
      "/* ---\nunit_tests: { name: x }\n--- */\nSELECT 1 AS one FROM {{ ref('bronze.events') }}\n",
    );
    const bad = await p.rat('test', '--branch', 'main');
    assert.equal(bad.code, 1);
    assert.match(bad.out, /silver\/events\.sql:\d+: unit_tests: must be a list/);
  });

  it("renders the model as a run does, over the given rows: adapter's columns and run_query() answer from them", async () => {
    p.write(
      'silver/events.sql',
      [
        '/* ---',
        'unit_tests:',
        '  - name: star_and_query',
        '    given:',
        "      - input: ref('bronze.events')",
        '        rows:',
        "          - { id: 1, amount: 2.5, ts: '2024-01-01 10:00:00' }",
        "          - { id: 7, amount: 1.0, ts: '2024-01-02 10:00:00' }",
        '    expect:',
        '      rows:',
        '        - { id: 1, amount: 2.5, top: 7 }',
        '        - { id: 7, amount: 1.0, top: 7 }',
        '--- */',
        "{% set top = run_query('SELECT max(id) AS m FROM ' ~ ref('bronze.events')) %}",
        "SELECT {{ dbt_utils.star(ref('bronze.events'), except=['ts']) }},",
        '  {{ top.rows[0][0] if execute and top else 0 }} AS top',
        "FROM {{ ref('bronze.events') }}",
        '',
      ].join('\n'),
    );
    const r = await tests('--branch', 'main', 'silver.events');
    const [t] = unit(r.tests);
    assert.equal(t?.passed, true, JSON.stringify(t));
  });
});
