/**
 * dbt's property files (`schema.yml`) in a layer folder, with the real CLI and a real server: the descriptions, data
 * tests, unit tests and config they give a layer's SQL models are those of the models; a test they give fails a run
 * whose data breaks it; a file naming a model the layer lacks is said with its line; `state:modified` selects the
 * models of a changed property file.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const MODEL = `SELECT id, amount, CASE WHEN amount > 100 THEN 'huge' WHEN amount > 2 THEN 'big' ELSE 'small' END AS size, ts
FROM {{ ref('bronze.events') }}
`;

const PROPERTIES = `version: 2

models:
  - name: events
    description: One row per event, sized
    config: { materialized: incremental, unique_key: id }
    columns:
      - name: id
        description: The event id
        data_tests: [unique, not_null]
      - name: size
        description: small, big
        data_tests:
          - accepted_values:
              arguments: { values: [small, big] }
              config: { where: "id > 0" }
      - name: amount
        tests:
          - not_null

unit_tests:
  - name: sizes_by_amount
    model: events
    given:
      - input: ref('bronze.events')
        rows:
          - { id: 1, amount: 1, ts: '2024-01-01 10:00:00' }
          - { id: 2, amount: 5, ts: '2024-01-02 10:00:00' }
    expect:
      rows:
        - { id: 1, size: small }
        - { id: 2, size: big }
`;

interface Outcome {
  model: string;
  test: string;
  passed: boolean;
  failingRows: number;
}

describe("engine: dbt's property files, schema.yml (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n');
  const metadata = async (branch: string) =>
    (await new IcebergRestClient({ server: p.server.url, ref: branch }).loadTable({
      namespace: ['silver'],
      name: 'events',
    }))!.metadata;

  before(() => {
    p.write('silver/events.sql', MODEL);
    p.write('silver/schema.yml', PROPERTIES);
  });

  it("runs the model with the file's config, unit test and data tests, and writes its docs", async () => {
    const r = await p.rat('run', '--branch', 'props', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as { status: string; tests: Outcome[] };
    assert.equal(report.status, 'success');
    assert.deepEqual(report.tests.map((t) => [t.model, t.test, t.passed]).sort(), [
      ['silver.events', 'accepted_values(size)', true],
      ['silver.events', 'not_null(amount)', true],
      ['silver.events', 'not_null(id)', true],
      ['silver.events', 'unique(id)', true],
      ['silver.events', 'unit:sizes_by_amount', true],
    ]);
    const m = await metadata('props');
    assert.equal(m.properties?.comment, 'One row per event, sized');
    const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;
    assert.deepEqual(Object.fromEntries(schema.fields.map((f) => [f.name, f.doc ?? null])), {
      id: 'The event id',
      amount: null,
      size: 'small, big',
      ts: null,
    });
    // The entry's config makes it an upsert by id: an event landing again replaces its row.
    p.write('landing/b.csv', 'id,amount,ts\n2,7.5,2024-01-02 11:00:00\n');
    const upsert = await p.rat('run', '--branch', 'props');
    assert.equal(upsert.code, 0, upsert.out);
    const rows = await queryBranch(p.server, 'props', 'SELECT id, size FROM silver.events ORDER BY id');
    assert.deepEqual(
      rows.map((row) => [Number(row.id), row.size]),
      [
        [1, 'small'],
        [2, 'big'],
      ],
    );
    const after = await metadata('props');
    const current = after.snapshots.find((s) => s['snapshot-id'] === after['current-snapshot-id'])!;
    assert.equal(current.summary['rat.unique-key'], '["id"]');
  });

  it("a description may be a docs block of a Markdown file ({{ doc('…') }}), written into the table", async () => {
    p.write(
      'silver/docs.md',
      '# Events\n\n{% docs events %}\nOne row per event, sized from its amount.\n{% enddocs %}\n',
    );
    p.write(
      'silver/schema.yml',
      PROPERTIES.replace('description: One row per event, sized', `description: "{{ doc('events') }}"`),
    );
    const r = await p.rat('run', '--branch', 'props');
    assert.equal(r.code, 0, r.out);
    assert.equal((await metadata('props')).properties?.comment, 'One row per event, sized from its amount.');
    p.write('silver/schema.yml', PROPERTIES);
  });

  it('a row its accepted_values refuses fails the run, naming the test', async () => {
    p.write('landing/c.csv', 'id,amount,ts\n3,500,2024-01-03 10:00:00\n');
    const r = await p.rat('run', '--branch', 'props', '--json');
    assert.equal(r.code, 1, r.out);
    const report = JSON.parse(r.stdout) as { status: string; tests: Outcome[] };
    assert.equal(report.status, 'failed');
    const failed = report.tests.filter((t) => !t.passed);
    assert.deepEqual(
      failed.map((t) => [t.model, t.test, t.failingRows]),
      [['silver.events', 'accepted_values(size)', 1]],
    );
    const text = await p.rat('run', '--branch', 'props');
    assert.equal(text.code, 1);
    assert.match(text.out, /accepted_values\(size\)/);
  });

  it('with severity: warn the same row warns: the run succeeds and merges, and the test is reported as warned', async () => {
    const warn = PROPERTIES.replace('config: { where: "id > 0" }', 'config: { where: "id > 0", severity: warn }');
    p.write('silver/schema.yml', warn);
    const r = await p.rat('run', '--branch', 'props', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as { status: string; tests: Array<Outcome & { severity?: string }> };
    assert.equal(report.status, 'success');
    assert.deepEqual(
      report.tests.filter((t) => !t.passed).map((t) => [t.test, t.failingRows, t.severity]),
      [['accepted_values(size)', 1, 'warn']],
    );
    const text = await p.rat('test', '--branch', 'props');
    assert.equal(text.code, 0, text.out);
    assert.match(text.out, /⚠ warn: test silver\.events accepted_values\(size\): 1 failing row/);
    assert.match(text.out, /tests: \d+\/\d+ passed, 1 warned/);
    p.write('silver/schema.yml', PROPERTIES);
  });

  it("the thresholds on a test's failures (error_if, warn_if, fail_calc) decide whether it fails, warns or passes", async () => {
    const withConfig = (config: string) =>
      PROPERTIES.replace('config: { where: "id > 0" }', `config: { where: "id > 0", ${config} }`);
    const outcome = async (expectCode: number) => {
      const r = await p.rat('test', '--branch', 'props', '--json');
      assert.equal(r.code, expectCode, r.out);
      const report = JSON.parse(r.stdout) as { tests: Array<Outcome & { severity?: string; threshold?: string }> };
      return report.tests
        .filter((t) => t.test === 'accepted_values(size)' || t.test.startsWith('sql:'))
        .map((t) => [t.test, t.passed, t.severity ?? 'error', t.failingRows, t.threshold ?? '']);
    };
    // One 'huge' row: under error_if's bar it warns (warn_if stays != 0); at it, it fails; with warn_if above, passes.
    p.write('silver/schema.yml', withConfig('error_if: ">1"'));
    assert.deepEqual(await outcome(0), [['accepted_values(size)', false, 'warn', 1, 'configured to warn if !=0']]);
    p.write('silver/schema.yml', withConfig('error_if: "=1"'));
    assert.deepEqual(await outcome(1), [['accepted_values(size)', false, 'error', 1, 'configured to fail if =1']]);
    p.write('silver/schema.yml', withConfig('error_if: ">1", warn_if: ">1"'));
    assert.deepEqual(await outcome(0), [['accepted_values(size)', true, 'error', 1, '']]);
    // A singular test counts its failures with fail_calc, set in its config().
    p.write(
      'tests/big_spend.sql',
      "{{ config(fail_calc='sum(amount)', warn_if='>100', error_if='>1000') }}\nSELECT amount FROM {{ ref('silver', 'events') }} WHERE amount > 100\n",
    );
    assert.deepEqual(await outcome(0), [
      ['accepted_values(size)', true, 'error', 1, ''],
      ['sql:big_spend', false, 'warn', 500, 'configured to warn if >100'],
    ]);
    const text = await p.rat('run', '--branch', 'props');
    assert.equal(text.code, 0, text.out);
    assert.match(text.out, /⚠ warn: test silver\.events sql:big_spend: got 500, configured to warn if >100/);
    p.write('tests/big_spend.sql', "{{ config(warn_if='lots') }}\nSELECT 1 FROM {{ ref('silver', 'events') }}\n");
    const invalid = await p.rat('run', '--branch', 'props');
    assert.equal(invalid.code, 1);
    assert.match(invalid.out, /tests\/big_spend\.sql:1: config\(\): warn_if must compare the failures with a number/);
    rmSync(path.join(p.dir, 'tests/big_spend.sql'));
    p.write('silver/schema.yml', PROPERTIES);
  });

  it('state:modified selects the models of a changed property file', async () => {
    const { git } = p;
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'events');
    p.write('silver/schema.yml', PROPERTIES.replace('One row per event, sized', 'One row per event'));
    const r = await p.rat('run', 'state:modified', '--state', 'HEAD', '--dry-run', '--json', '--branch', 'props');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual((JSON.parse(r.stdout) as { state: { modified: string[] } }).state.modified, ['silver.events']);
  });

  it('a property file naming a model the layer has no SQL file for fails with its file and line', async () => {
    p.write('silver/schema.yml', PROPERTIES.replace('model: events', 'model: event'));
    const r = await p.rat('run', '--branch', 'props', '--dry-run', '--json');
    assert.equal(r.code, 1, r.out);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; data: unknown } };
    assert.equal(error.code, 'PIPELINE_INVALID');
    assert.deepEqual(error.data, { file: 'silver/schema.yml', line: 22 });
    assert.equal(error.message, 'silver/schema.yml:22: silver has no model event (no silver/event.sql)');
  });
});
