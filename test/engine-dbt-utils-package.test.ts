/**
 * dbt_utils' package beside rat's built-in helpers, with the real CLI, a real server and a real git repository:
 * `rat deps` installs a package named dbt_utils (here one of the suite's own, written the way dbt_utils writes its
 * macros); a model calls its macros that rat does not build in, while the built-in ones (written for DuckDB) keep
 * answering; property files list its generic tests, which hand their arguments on with `**kwargs`, count their
 * failures with the `fail_calc` their block's `config()` sets, and read relations as dbt's mappings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';
import { runRat } from './support/rat-cli.ts';
import { gitIn, writeFiles } from './support/git-repo.ts';

const PACKAGE: Record<string, string> = {
  'dbt_project.yml': 'name: dbt_utils\nversion: 9.9.9\nmacro-paths: [macros]\n',
  // rat builds star() in: the package's own must not replace it.
  'macros/star.sql': '{% macro star(from) %}PACKAGE_STAR{% endmacro %}\n',
  'macros/km_apart.sql': [
    "{% macro km_apart(a, b) %}{{ return(adapter.dispatch('km_apart', 'dbt_utils')(a, b)) }}{% endmacro %}",
    '{% macro default__km_apart(a, b) %}abs({{ a }} - {{ b }}) * 111.2{% endmacro %}',
    '',
  ].join('\n'),
  // A relation is a mapping whose metadata names its type, and a column says whether it holds numbers.
  'macros/numeric_columns.sql': [
    '{% macro _needs_relation(obj, macro) %}',
    "{%- if not (obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) -%}",
    "{%- do exceptions.raise_compiler_error(macro ~ ' needs a relation, not ' ~ obj) -%}",
    '{%- endif -%}',
    '{% endmacro %}',
    '{% macro numeric_columns(relation) %}',
    "{%- do dbt_utils._needs_relation(relation, 'numeric_columns') -%}",
    '{%- set found = {} -%}',
    '{%- for c in adapter.get_columns_in_relation(relation) -%}',
    '{%- do found.update({c.name: c.is_number()}) -%}',
    '{%- endfor -%}',
    '{{ return(found) }}',
    '{% endmacro %}',
    '',
  ].join('\n'),
  'macros/tests.sql': [
    '{% test at_most_rows(model, most) %}',
    "{{ return(adapter.dispatch('test_at_most_rows', 'dbt_utils')(model, most, **kwargs)) }}",
    '{% endtest %}',
    '{% macro default__test_at_most_rows(model, most) %}',
    "{{ config(fail_calc='sum(excess)') }}",
    "{%- set hint = '",
    'more rows than {} \\',
    "are allowed'.format(most) -%}",
    "{%- if kwargs.get('by') %}{% set grouped = 'GROUP BY ' ~ kwargs['by'] %}{% endif -%}",
    // `grouped` is set only with `by`: undefined, it renders empty, as in dbt.
    "SELECT count(*) - {{ most }} AS excess, '{{ hint | trim }}' AS hint FROM {{ model }} {{ grouped }}",
    'HAVING count(*) > {{ most }}',
    '{% endmacro %}',
    '',
  ].join('\n'),
};

describe("engine: dbt_utils' package adds to the built-in helpers (rat deps over git; real CLI, git, server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.25,2024-01-01 11:00:00\n3,4,2024-01-02 10:00:00\n');
  let scratch = '';
  const git = gitIn;
  const failures = async (expectCode: number) => {
    const r = await p.rat('test', '--branch', 'utils', '--json');
    assert.equal(r.code, expectCode, r.out);
    const tests = (JSON.parse(r.stdout) as { tests: { test: string; passed: boolean; failingRows: number }[] }).tests;
    return tests.map((t) => [t.test, t.passed, t.failingRows]);
  };

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'rat-dbt-utils-'));
    const repo = path.join(scratch, 'dbt-utils');
    writeFiles(repo, PACKAGE);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'dbt_utils');
    p.write('packages.yml', yaml.dump({ packages: [{ git: repo }] }));
    p.write(
      'gold/daily.sql',
      [
        "SELECT {{ dbt_utils.star(ref('bronze.events'), except=['_source_file', '_ingested_at', '_run_id']) }},",
        "  {{ dbt_utils.km_apart('amount', '1') }} AS km,",
        "  '{{ dbt_utils.numeric_columns(ref('bronze.events')) | tojson }}' AS numeric",
        "FROM {{ ref('bronze.events') }}",
        '',
      ].join('\n'),
    );
    p.write(
      'gold/schema.yml',
      'models:\n  - name: daily\n    data_tests:\n      - dbt_utils.at_most_rows: { most: 5 }\n',
    );
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("rat deps installs it as any git package; models call its macros beside rat's own", async () => {
    const deps = await runRat(p.dir, ['deps', '--json']);
    assert.equal(deps.code, 0, deps.out);
    const installed = (JSON.parse(deps.stdout) as { packages: { name: string; kind: string }[] }).packages;
    assert.deepEqual(
      installed.map((x) => [x.name, x.kind]),
      [['dbt_utils', 'git']],
    );
    const r = await p.rat('run', '--branch', 'utils');
    assert.equal(r.code, 0, r.out);
    const rows = await queryBranch(p.server, 'utils', 'SELECT * FROM gold.daily ORDER BY id');
    // star() is rat's (the package's would have given PACKAGE_STAR), km_apart() the package's default__ version.
    assert.deepEqual(Object.keys(rows[0]!), ['id', 'amount', 'ts', 'km', 'numeric']);
    assert.deepEqual(
      rows.map((x) => [Number(x.id), Number(x.km).toFixed(1)]),
      [
        [1, '55.6'],
        [2, '139.0'],
        [3, '333.6'],
      ],
    );
    const numeric = JSON.parse(String(rows[0]!.numeric)) as Record<string, boolean>;
    assert.deepEqual([numeric.id, numeric.amount, numeric.ts], [true, true, false]);
  });

  it("its generic tests take **kwargs and count failures with their block's fail_calc", async () => {
    assert.deepEqual(await failures(0), [['dbt_utils.at_most_rows', true, 0]]);
    // Three rows where one is allowed: the block's fail_calc sums the excess rows (2), not the failing rows (1).
    p.write(
      'gold/schema.yml',
      'models:\n  - name: daily\n    data_tests:\n      - dbt_utils.at_most_rows: { most: 1 }\n',
    );
    assert.deepEqual(await failures(1), [['dbt_utils.at_most_rows', false, 2]]);
    // An argument its signature does not name reaches the dispatched block through **kwargs.
    p.write(
      'gold/schema.yml',
      "models:\n  - name: daily\n    data_tests:\n      - dbt_utils.at_most_rows: { most: 1, by: 'CAST(ts AS DATE)' }\n",
    );
    assert.deepEqual(await failures(1), [['dbt_utils.at_most_rows', false, 1]]);
    // The property file's thresholds win over the block's: two excess rows under error_if >2 only warn.
    p.write(
      'gold/schema.yml',
      "models:\n  - name: daily\n    data_tests:\n      - dbt_utils.at_most_rows: { most: 1, config: { error_if: '>2' } }\n",
    );
    assert.deepEqual(await failures(0), [['dbt_utils.at_most_rows', false, 2]]);
  });

  it('a relation is required where the package asks for one', async () => {
    p.write('gold/bad.sql', "SELECT '{{ dbt_utils.numeric_columns('events') | tojson }}' AS x\n");
    const r = await p.rat('run', '--branch', 'utils');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /numeric_columns needs a relation, not events/);
  });
});
