/**
 * dbt's package models with the real CLI, a real server and a real git repository: `rat deps` installs a package
 * holding models; `rat run` builds them in the layer rat.yaml gives the package, with the package's own settings and
 * property files (its tests run with them), its macros called by name; the project's models ref them by name, and
 * `state:modified` selects them when the lock pins the package to another commit.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';
import { runRat } from './support/rat-cli.ts';
import { gitIn, writeFiles } from './support/git-repo.ts';

const PACKAGE: Record<string, string> = {
  'dbt_project.yml': 'name: shop_staging\nversion: 1.0.0\nmodels:\n  shop_staging:\n    +materialized: table\n',
  'macros/cents.sql': '{% macro cents(c) %}CAST(round({{ c }} * 100) AS BIGINT){% endmacro %}\n',
  'models/staging/stg_events.sql':
    "SELECT id, {{ cents('amount') }} AS cents, CAST(ts AS DATE) AS day FROM {{ ref('bronze', 'events') }}\n",
  // A model that calls none of the package's macros.
  'models/staging/stg_days.sql': "SELECT DISTINCT CAST(ts AS DATE) AS day FROM {{ ref('bronze', 'events') }}\n",
  // A snapshot of the package's, calling its macro by name.
  'snapshots/events.sql': [
    '{% snapshot events_history %}',
    "{{ config(unique_key='id', strategy='check', check_cols=['cents']) }}",
    "SELECT id, {{ cents('amount') }} AS cents FROM {{ ref('bronze', 'events') }}",
    '{% endsnapshot %}',
    '',
  ].join('\n'),
  // A seed of the package's, ingested into bronze as the project's seeds are, described by its property file.
  'seeds/codes.csv': 'code,label\nA,alpha\nB,beta\n',
  'models/staging/schema.yml': [
    'version: 2',
    'seeds:',
    '  - name: codes',
    '    description: Codes the package ships',
    '    columns:',
    '      - name: code',
    '        data_tests: [unique]',
    'models:',
    '  - name: stg_events',
    '    description: Events in cents',
    '    columns:',
    '      - name: cents',
    '        data_tests:',
    '          - not_null',
    '          - dbt_utils.accepted_range: { min_value: 0 }',
    '',
  ].join('\n'),
};

describe("engine: dbt's package models (rat deps over git; real CLI, git, server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.25,2024-01-01 11:00:00\n3,4,2024-01-02 10:00:00\n');
  let scratch = '';
  let repo = '';
  const git = gitIn;
  const commit = (files: Record<string, string>, message: string) => {
    writeFiles(repo, files);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', message);
    return git(repo, 'rev-parse', 'HEAD');
  };
  const steps = async (...selector: string[]) => {
    const r = await p.rat('run', ...selector, '--branch', 'pkg', '--dry-run', '--json');
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id);
  };
  let v1 = '';

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'rat-package-models-'));
    repo = path.join(scratch, 'shop-staging');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    v1 = commit(PACKAGE, 'v1');
    p.write('packages.yml', yaml.dump({ packages: [{ git: repo, revision: v1 }] }));
    p.write(
      'rat.yaml',
      `catalog:\n  url: ${p.server.url}\npipelines: .\nmodels:\n  shop_staging:\n    +layer: silver\n`,
    );
    p.write('gold/daily.sql', "SELECT day, sum(cents) AS cents FROM {{ ref('stg_events') }} GROUP BY day\n");
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("builds the package's models in their layer with its settings and tests; the project's models read them", async () => {
    const deps = await runRat(p.dir, ['deps']);
    assert.equal(deps.code, 0, deps.out);
    assert.deepEqual(await steps(), [
      'bronze.codes',
      'bronze.events',
      'silver.events_history',
      'silver.stg_days',
      'silver.stg_events',
      'gold.daily',
    ]);
    const r = await p.rat('run', '--branch', 'pkg', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as { tests: Array<{ test: string; passed: boolean }> };
    assert.deepEqual(
      report.tests.map((t) => [t.test, t.passed]),
      [
        ['unique(code)', true],
        ['not_null(cents)', true],
        ['dbt_utils.accepted_range(cents)', true],
      ],
    );
    const codes = await queryBranch(p.server, 'pkg', 'SELECT code, label FROM bronze.codes ORDER BY code');
    assert.deepEqual(
      codes.map((x) => [x.code, x.label]),
      [
        ['A', 'alpha'],
        ['B', 'beta'],
      ],
    );
    assert.deepEqual(await steps('package:shop_staging'), [
      'bronze.codes',
      'silver.events_history',
      'silver.stg_days',
      'silver.stg_events',
    ]);
    // The snapshot's history, in cents through the package's macro.
    const history = await queryBranch(
      p.server,
      'pkg',
      'SELECT id, cents, dbt_valid_to IS NULL AS open FROM silver.events_history ORDER BY id',
    );
    assert.deepEqual(
      history.map((x) => [Number(x.id), Number(x.cents), x.open]),
      [
        [1, 150, true],
        [2, 225, true],
        [3, 400, true],
      ],
    );
    const rows = await queryBranch(
      p.server,
      'pkg',
      'SELECT CAST(day AS VARCHAR) AS day, cents FROM gold.daily ORDER BY day',
    );
    assert.deepEqual(
      rows.map((x) => [x.day, Number(x.cents)]),
      [
        ['2024-01-01', 375],
        ['2024-01-02', 400],
      ],
    );
    // The package's settings made it a table; the description of its property file is the table's.
    const staged = await queryBranch(p.server, 'pkg', 'SELECT count(*) AS n FROM silver.stg_events');
    assert.equal(Number(staged[0]!.n), 3);
    // Selected by name, by the package's folder, and through the project's model that reads it.
    assert.deepEqual(await steps('staging'), ['silver.stg_days', 'silver.stg_events']);
    assert.deepEqual(await steps('+daily'), ['bronze.events', 'silver.stg_events', 'gold.daily']);
  });

  it('state:modified selects its models, and what reads them, once the lock pins it to another commit', async () => {
    p.git('init', '-q', '-b', 'pkg');
    p.git('add', '-A');
    p.git('commit', '-q', '-m', 'package at v1');
    const v2 = commit(
      { 'models/staging/stg_days.sql': "SELECT DISTINCT ts::DATE AS day FROM {{ ref('bronze', 'events') }}\n" },
      'v2',
    );
    p.write('packages.yml', yaml.dump({ packages: [{ git: repo, revision: v2 }] }));
    assert.equal((await runRat(p.dir, ['deps'])).code, 0);
    // stg_days changed; stg_events calls the package's macros, which moved with it; the package's seed and snapshot
    // moved with it too (their steps write nothing unchanged).
    assert.deepEqual(await steps('state:modified+', '--state', 'HEAD'), [
      'bronze.codes',
      'silver.events_history',
      'silver.stg_days',
      'silver.stg_events',
      'gold.daily',
    ]);
  });
});
