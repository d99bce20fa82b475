/**
 * dbt's seeds with the real CLI against a real server: a CSV file of `seeds/` is a bronze table that models read by
 * its name, ingested by `rat run`, and replaced (not appended to) when the file changes.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

describe("engine: dbt's seeds (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n');
  const countries = async () =>
    (await queryBranch(p.server, 'seeds', 'SELECT code, name, since FROM silver.countries ORDER BY code')).map((r) => [
      r.code,
      r.name,
      Number(r.since),
    ]);

  before(() => {
    p.write('seeds/country_codes.csv', 'code,name,since\nFR,France,1958\nDE,Germany,1958\n');
    p.write('silver/countries.sql', "SELECT code, upper(name) AS name, since FROM {{ ref('country_codes') }}\n");
  });

  it('ingests a seed as a bronze table with its types detected, read by its name', async () => {
    const r = await p.rat('run', '--branch', 'seeds');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(await countries(), [
      ['DE', 'GERMANY', 1958],
      ['FR', 'FRANCE', 1958],
    ]);
    const [type] = await queryBranch(p.server, 'seeds', 'SELECT typeof(since) AS t FROM bronze.country_codes LIMIT 1');
    assert.equal(type!.t, 'BIGINT');
  });

  it('replaces the rows of a changed seed file; an unchanged one is not read again', async () => {
    p.write('seeds/country_codes.csv', 'code,name,since\nFR,France,1958\nDE,Deutschland,1958\nES,Spain,1986\n');
    const r = await p.rat('run', '--branch', 'seeds');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(await countries(), [
      ['DE', 'DEUTSCHLAND', 1958],
      ['ES', 'SPAIN', 1986],
      ['FR', 'FRANCE', 1958],
    ]);
    const again = await p.rat('run', '--branch', 'seeds', '--json');
    assert.equal(again.code, 0, again.out);
    const seed = (JSON.parse(again.stdout) as { steps: { step: string; rows: number }[] }).steps.find(
      (s) => s.step === 'bronze.country_codes',
    );
    assert.equal(seed?.rows, 0);
  });

  it("takes a seeds: entry's column_types, delimiter, description and data tests", async () => {
    p.write('seeds/regions.csv', 'code;zone\n01;north\n02;south\n02;east\n');
    p.write(
      'seeds/properties.yml',
      [
        'version: 2',
        'seeds:',
        '  - name: regions',
        '    description: Regions of the sales team',
        '    config: { column_types: { code: VARCHAR }, delimiter: ";" }',
        '    columns:',
        '      - name: code',
        '        description: Two digits, kept as text',
        '        data_tests: [unique]',
        '',
      ].join('\n'),
    );
    const r = await p.rat('run', 'bronze.regions', '--branch', 'seeds', '--json');
    // The duplicated code fails the unique test: the branch stays as it was.
    assert.equal(r.code, 1, r.out);
    const report = JSON.parse(r.stdout) as { tests: { test: string; passed: boolean; failingRows: number }[] };
    assert.deepEqual(
      report.tests.map((t) => [t.test, t.passed, t.failingRows]),
      [['unique(code)', false, 1]],
    );
    p.write('seeds/regions.csv', 'code;zone\n01;north\n02;south\n');
    const ok = await p.rat('run', 'bronze.regions', '--branch', 'seeds');
    assert.equal(ok.code, 0, ok.out);
    assert.deepEqual(
      (await queryBranch(p.server, 'seeds', 'SELECT code, typeof(code) AS t FROM bronze.regions ORDER BY code')).map(
        (x) => [x.code, x.t],
      ),
      [
        ['01', 'VARCHAR'],
        ['02', 'VARCHAR'],
      ],
    );
    p.write('seeds/properties.yml', 'version: 2\nseeds:\n  - name: region\n');
    const wrong = await p.rat('run', '--branch', 'seeds', '--json');
    assert.equal(wrong.code, 1, wrong.out);
    assert.match(
      JSON.parse(wrong.stdout).error.message,
      /^seeds\/properties\.yml:3: seed region: there is no seeds\/region\.csv/,
    );
    rmSync(path.join(p.dir, 'seeds/properties.yml'));
  });

  it('a seed named like a model of bronze is refused, naming both files', async () => {
    p.write('bronze/country_codes.yml', 'source:\n  path: landing/*.csv\n  format: csv\n');
    const r = await p.rat('run', '--branch', 'seeds', '--json');
    assert.equal(r.code, 1, r.out);
    assert.match(
      JSON.parse(r.stdout).error.message,
      /seeds\/country_codes\.csv:1: bronze\.country_codes is defined twice \(also by bronze\/country_codes\.yml\)/,
    );
  });
});
