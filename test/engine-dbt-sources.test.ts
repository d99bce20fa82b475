/**
 * dbt's `sources:` with the real CLI, a real server and PyIceberg: a table PyIceberg writes outside the pipelines is
 * declared in a property file and read by a model with `{{ source('raw', 'orders') }}`; the model's provenance names
 * it; a declared source the branch lacks, and a source nobody declared, are said clearly.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { PROVENANCE } from '@ratatouille/engine';
import { queryBranch } from './support/engine-queries.ts';
import { ensurePythonVenv, runChecked } from './support/clients/index.ts';
import { useEventsProject } from './support/events-project.ts';

interface Outcome {
  model: string;
  test: string;
  passed: boolean;
  failingRows: number;
  storedIn?: string;
}

const PY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clients', 'compact_pyiceberg.py');
const SOURCES =
  'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n        description: Orders as the shop system lands them\n';

describe("engine: dbt's sources:, tables written outside the pipelines (real CLI, server, PyIceberg)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n');

  before(async () => {
    const { python } = await ensurePythonVenv();
    // PyIceberg writes raw.orders on main (ids 0–5), as another team's ingestion would.
    await runChecked(python, [PY, `${p.server.url}/iceberg/main`, 'write', 'raw.orders']);
    p.write('silver/sources.yml', SOURCES);
    p.write('silver/orders.sql', "SELECT id, upper(who) AS who FROM {{ source('raw', 'orders') }} WHERE id > 2\n");
  });

  it('a model reads a declared source; its provenance names the table', async () => {
    const r = await p.rat('run', '--branch', 'main', '--json');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { steps: Array<{ step: string }> }).steps.map((s) => s.step),
      ['bronze.events', 'silver.orders'],
    );
    const rows = await queryBranch(p.server, 'main', 'SELECT id, who FROM silver.orders ORDER BY id');
    assert.deepEqual(
      rows.map((x) => [Number(x.id), x.who]),
      [
        [3, 'WRITER-3'],
        [4, 'WRITER-4'],
        [5, 'WRITER-5'],
      ],
    );
    const md = (await new IcebergRestClient({ server: p.server.url, ref: 'main' }).loadTable({
      namespace: ['silver'],
      name: 'orders',
    }))!.metadata;
    const s = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id'])!;
    assert.equal(s.summary[PROVENANCE.inputs], 'raw.orders');
  });

  it("rat run source:raw.orders+ selects what reads the source (dbt's selector)", async () => {
    const r = await p.rat('run', 'source:raw.orders+', '--branch', 'main', '--dry-run', '--json');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id),
      ['silver.orders'],
    );
  });

  it('a declared source the branch lacks is MISSING_TABLE naming its declaration; an undeclared one UNKNOWN_REF', async () => {
    p.write('silver/sources.yml', `${SOURCES}      - name: refunds\n`);
    p.write('silver/refunds.sql', "SELECT * FROM {{ source('raw', 'refunds') }}\n");
    const missing = await p.rat('run', 'silver.refunds', '--branch', 'main', '--json');
    assert.equal(missing.code, 1, missing.out);
    const { error } = JSON.parse(missing.stdout) as { error: { code: string; message: string } };
    assert.equal(error.code, 'MISSING_TABLE', missing.out);
    assert.match(
      error.message,
      /raw\.refunds does not exist on .*a source written outside the pipelines \(declared in silver\/sources\.yml\)/,
    );
    p.write('silver/sources.yml', SOURCES);
    const unknown = await p.rat('run', '--branch', 'main', '--json');
    assert.equal(unknown.code, 1, unknown.out);
    const u = JSON.parse(unknown.stdout) as { error: { code: string; message: string } };
    assert.equal(u.error.code, 'UNKNOWN_REF', unknown.out);
    assert.match(
      u.error.message,
      /unknown ref raw\.refunds in silver\.refunds \(a model of the project, or a table written elsewhere declared under sources:/,
    );
  });

  it("runs a source's tests (its columns' too) in the runs and tests that read it, stores their rows as dbt names them", async () => {
    rmSync(path.join(p.dir, 'silver', 'refunds.sql'), { force: true });
    const tested = (idTest: string) =>
      `${SOURCES}        columns:\n          - name: id\n            data_tests: [unique, not_null${idTest}]\n` +
      '          - name: who\n            data_tests:\n              - accepted_values:\n' +
      '                  arguments: { values: [nobody] }\n                  config: { severity: warn, store_failures: true }\n';
    p.write('silver/sources.yml', tested(''));
    const r = await p.rat('test', '--branch', 'main', '--json');
    assert.equal(r.code, 0, r.out);
    const outcomes = (JSON.parse(r.stdout) as { tests: Outcome[] }).tests.filter((t) => t.model === 'raw.orders');
    assert.deepEqual(
      outcomes.map((t) => [t.test, t.passed, t.failingRows, t.storedIn]),
      [
        ['unique(id)', true, 0, undefined],
        ['not_null(id)', true, 0, undefined],
        ['accepted_values(who)', false, 6, 'dbt_test__audit.source_accepted_values_raw_orders_who__nobody'],
      ],
    );
    const stored = await queryBranch(
      p.server,
      'main',
      'SELECT count(*) AS n FROM dbt_test__audit.source_accepted_values_raw_orders_who__nobody',
    );
    assert.equal(Number(stored[0]!.n), 6);
    // A failing source test of severity error fails the run: nothing merges.
    p.write('silver/sources.yml', tested(', { accepted_values: { values: [0, 1, 2] } }'));
    const before = await queryBranch(p.server, 'main', 'SELECT count(*) AS n FROM silver.orders');
    const run = await p.rat('run', '--branch', 'main', '--json');
    assert.equal(run.code, 1, run.out);
    const report = JSON.parse(run.stdout) as { status: string; tests: Outcome[] };
    assert.equal(report.status, 'failed');
    assert.ok(
      report.tests.some((t) => t.model === 'raw.orders' && t.test === 'accepted_values(id)' && t.failingRows === 3),
      run.out,
    );
    assert.deepEqual(await queryBranch(p.server, 'main', 'SELECT count(*) AS n FROM silver.orders'), before);
    p.write('silver/sources.yml', SOURCES);
  });
});
