/**
 * dbt's packages with the real CLI, a real server and real git repositories: `rat deps` installs a git package
 * fetched over HTTP from git's own server (and the package it lists in turn, from a repository on this machine),
 * pinned in package-lock.yml; a local package is read where it is. Models call packages' macros as
 * `package.macro()`, which dispatch to their DuckDB or default version (rat.yaml's `dispatch:` puts the project's
 * own version first), and property files list a package's generic tests.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';
import { runRat } from './support/rat-cli.ts';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server.ts';
import { gitIn, writeFiles } from './support/git-repo.ts';

const CREDENTIAL = 'reader:s3cret-token';
const DATES_V1 = [
  "{% macro day_of(ts) %}{{ return(adapter.dispatch('day_of', 'dates')(ts)) }}{% endmacro %}",
  '{% macro default__day_of(ts) %}CAST({{ ts }} AS DATE){% endmacro %}',
  // A package's macro calls the package it lists in turn by its name.
  '{% macro total(c) %}{{ helpers.rounded(c) }}{% endmacro %}',
  '{% test at_most(model, column_name, value) %}',
  'SELECT * FROM {{ model }} WHERE {{ column_name }} > {{ value }}',
  '{% endtest %}',
  // A test that reads the tested table's columns, as dbt_expectations' do: Jinja's map filter, a loop's if filter.
  '{% test has_columns(model, column_list) %}',
  "{%- set have = adapter.get_columns_in_relation(model) | map(attribute='name') | map('lower') | list -%}",
  "SELECT NULL AS missing WHERE false{% for c in column_list if c | lower not in have %} UNION ALL SELECT '{{ c }}'{% endfor %}",
  '{% endtest %}',
  '',
].join('\n');

describe("engine: dbt's packages (rat deps over git, local packages, dispatch; real CLI, git, server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.25,2024-01-01 11:00:00\n3,4,2024-01-02 10:00:00\n');
  let scratch: string;
  let forge: GitHttpServer;
  const commits: Record<string, string> = {};
  const git = gitIn;
  const deps = async (...args: string[]) => {
    const r = await runRat(p.dir, ['deps', '--json', ...args], { RAT_TEST_GIT_CREDENTIAL: CREDENTIAL });
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { packages: { name: string; kind: string; revision?: string }[] }).packages;
  };
  const packagesYml = (revision: string) =>
    p.write(
      'packages.yml',
      yaml.dump({
        packages: [
          // A private repository, its credential from the environment as dbt reads it.
          { git: `${forge.url.replace('//', "//{{ env_var('RAT_TEST_GIT_CREDENTIAL') }}@")}/dates.git`, revision },
          { local: path.join(scratch, 'shared') },
        ],
      }),
    );

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'rat-packages-'));
    // helpers: a repository on this machine, which the dates package lists.
    const helpers = path.join(scratch, 'helpers');
    writeFiles(helpers, {
      // A package's vars: are what its macros read when the project sets none.
      'dbt_project.yml': "name: helpers\nversion: 1.0.0\nvars:\n  'helpers:digits': 1\n",
      // Written as packages write calls, with a trailing comma.
      'macros/rounded.sql': "{% macro rounded(c) %}round({{ c }}, {{ var('helpers:digits',) }}){% endmacro %}\n",
    });
    git(helpers, 'init', '-q', '-b', 'main');
    git(helpers, 'add', '.');
    git(helpers, 'commit', '-q', '-m', 'helpers');
    // dates: v1 tagged, then a change on main; served over HTTP from a bare copy.
    const dates = path.join(scratch, 'dates-work');
    writeFiles(dates, {
      'dbt_project.yml': "name: dates\nversion: 1.0.0\nmacro-paths: ['macros']\n",
      'packages.yml': yaml.dump({ packages: [{ git: helpers }] }),
      'macros/dates.sql': DATES_V1,
    });
    git(dates, 'init', '-q', '-b', 'main');
    git(dates, 'add', '.');
    git(dates, 'commit', '-q', '-m', 'v1');
    git(dates, 'tag', '-a', 'v1', '-m', 'first release');
    commits.v1 = git(dates, 'rev-parse', 'HEAD');
    writeFiles(dates, {
      'macros/dates.sql': DATES_V1.replace('CAST({{ ts }} AS DATE)', "strftime({{ ts }}, '%Y-%m-%d')"),
    });
    git(dates, 'commit', '-q', '-am', 'v2: days as text');
    commits.main = git(dates, 'rev-parse', 'HEAD');
    const served = path.join(scratch, 'served');
    mkdirSync(served);
    git(scratch, 'clone', '-q', '--bare', dates, path.join(served, 'dates.git'));
    forge = await startGitHttpServer(served, { credential: CREDENTIAL });
    // shared: a local package, whose macro calls the project's own macro by name.
    writeFiles(path.join(scratch, 'shared'), {
      'dbt_project.yml': 'name: shared\n',
      'macros/label.sql': "{% macro label(c) %}upper({{ c }}) || '{{ suffix() }}'{% endmacro %}\n",
    });
    p.write('macros/suffix.sql', '{% macro suffix() %}!{% endmacro %}\n');
    p.write(
      'silver/daily.sql',
      [
        'SELECT {{ dates.day_of("ts") }} AS day, {{ dates.total("sum(amount)") }} AS total,',
        '  {{ shared.label("\'d\'") }} AS label, count(*)::{{ dbt.type_int() }} AS n',
        "FROM {{ ref('bronze.events') }} GROUP BY 1 ORDER BY 1",
        '',
      ].join('\n'),
    );
    p.write(
      'silver/schema.yml',
      [
        'models:',
        '  - name: daily',
        '    tests:',
        '      - dates.has_columns:',
        '          column_list: [Day, total]',
        '    columns:',
        '      - name: total',
        '        tests:',
        '          - dates.at_most:',
        '              value: 10',
        '',
      ].join('\n'),
    );
    packagesYml('v1');
  });
  after(async () => {
    await forge?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('a run before rat deps says to run it', async () => {
    const r = await p.rat('run', '--branch', 'pkgs', '--json');
    assert.equal(r.code, 1, r.out);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(error.code, 'PIPELINE_INVALID');
    assert.match(error.message, /dbt_packages: the packages are not installed: run rat deps/);
  });

  it('rat deps installs the git packages at the commits their revisions name, and pins them', async () => {
    const installed = await deps();
    const helpersHead = git(path.join(scratch, 'helpers'), 'rev-parse', 'HEAD');
    assert.deepEqual(
      installed.map((x) => [x.name, x.kind, x.revision]),
      [
        ['shared', 'local', undefined],
        ['dates', 'git', commits.v1],
        ['helpers', 'git', helpersHead],
      ],
    );
    assert.ok(existsSync(path.join(p.dir, 'dbt_packages/dates/macros/dates.sql')));
    assert.ok(!existsSync(path.join(p.dir, 'dbt_packages/dates/.git')));
    // git leaves the installed packages out of the project's code (the lock pins them).
    p.git('init', '-q', '-b', 'pkgs');
    assert.doesNotMatch(p.git('status', '--porcelain', '--untracked-files=all'), /dbt_packages/);
    const lockText = readFileSync(path.join(p.dir, 'package-lock.yml'), 'utf8');
    // The lock keeps the URL as written: the credential is neither written nor shown.
    assert.doesNotMatch(lockText, /s3cret/);
    assert.match(lockText, /env_var\('RAT_TEST_GIT_CREDENTIAL'\)/);
    const lock = yaml.load(lockText) as { packages: { name: string; revision: string }[] };
    assert.deepEqual(
      lock.packages.map((x) => [x.name, x.revision]),
      [
        ['dates', commits.v1],
        ['helpers', helpersHead],
      ],
    );
    // The text output names each package and where it came from; without the credential the forge refuses.
    const text = await runRat(p.dir, ['deps'], { RAT_TEST_GIT_CREDENTIAL: CREDENTIAL });
    assert.equal(text.code, 0, text.out);
    assert.match(text.out, new RegExp(`✓ dates: .*127\\.0\\.0\\.1.*/dates\\.git at ${commits.v1!.slice(0, 12)}`));
    assert.doesNotMatch(text.out, /s3cret/);
    const refused = await runRat(p.dir, ['deps', '--upgrade'], { RAT_TEST_GIT_CREDENTIAL: 'reader:wrong' });
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.out, /cannot fetch http:\/\/\{\{ env_var\('RAT_TEST_GIT_CREDENTIAL'\) \}\}@/);
    assert.doesNotMatch(refused.out, /wrong/);
    const unset = await runRat(p.dir, ['deps', '--upgrade']);
    assert.match(unset.out, /env_var\('RAT_TEST_GIT_CREDENTIAL'\) is not set in the environment and has no default/);
    // A failed rat deps leaves the installed packages and their lock as they were.
    assert.equal(readFileSync(path.join(p.dir, 'package-lock.yml'), 'utf8'), lockText);
    assert.ok(existsSync(path.join(p.dir, 'dbt_packages/dates/macros/dates.sql')));
    assert.deepEqual(readdirSync(path.join(p.dir, 'dbt_packages')).sort(), ['.gitignore', 'dates', 'helpers']);
  });

  it("runs models that call packages' macros, and the package's generic test", async () => {
    const r = await p.rat('run', '--branch', 'pkgs');
    assert.equal(r.code, 0, r.out);
    const rows = await queryBranch(
      p.server,
      'pkgs',
      'SELECT CAST(day AS VARCHAR) AS day, total, label, n FROM silver.daily ORDER BY day',
    );
    assert.deepEqual(
      rows.map((x) => [x.day, Number(x.total), x.label, Number(x.n)]),
      [
        ['2024-01-01', 3.8, 'D!', 2],
        ['2024-01-02', 4, 'D!', 1],
      ],
    );
    // The package's test, with a value the totals break.
    p.write(
      'silver/schema.yml',
      readFileSync(path.join(p.dir, 'silver/schema.yml'), 'utf8').replace('value: 10', 'value: 3.9'),
    );
    const t = await p.rat('test', '--branch', 'pkgs', '--json');
    assert.equal(t.code, 1, t.out);
    const outcome = (
      JSON.parse(t.stdout) as { tests: { test: string; passed: boolean; failingRows: number }[] }
    ).tests.find((x) => x.test.includes('dates.at_most'));
    assert.deepEqual([outcome?.passed, outcome?.failingRows], [false, 1]);
  });

  it("rat.yaml's dispatch puts the project's own version first; a changed package file needs rat deps", async () => {
    p.write('macros/day_of.sql', '{% macro default__day_of(ts) %}CAST({{ ts }} AS DATE) + 1{% endmacro %}\n');
    p.write(
      'rat.yaml',
      `catalog:\n  url: ${p.server.url}\npipelines: .\ndispatch:\n  - macro_namespace: dates\n    search_order: [cafe, dates]\n`,
    );
    const compiled = async () => {
      const c = await p.rat('compile', 'silver.daily', '--branch', 'pkgs', '--json');
      assert.equal(c.code, 0, c.out);
      return (JSON.parse(c.stdout) as { models: { sql: string }[] }).models[0]!.sql;
    };
    assert.match(await compiled(), /SELECT CAST\("?ts"? AS DATE\) \+ 1 AS day/);
    // Following main instead of v1: the lock no longer matches until rat deps, which fetches the new commit.
    p.write('rat.yaml', `catalog:\n  url: ${p.server.url}\npipelines: .\n`);
    p.write('macros/day_of.sql', '');
    p.write('silver/plain.sql', "SELECT count(*) AS n FROM {{ ref('bronze.events') }}\n");
    p.git('add', '-A');
    p.git('commit', '-q', '-m', 'packages at v1');
    packagesYml('main');
    const stale = await p.rat('compile', 'silver.daily', '--branch', 'pkgs', '--json');
    assert.equal(stale.code, 1, stale.out);
    assert.match(stale.out, /package-lock\.yml: the package file changed since rat deps pinned it: run rat deps/);
    const again = await deps();
    assert.equal(again.find((x) => x.name === 'dates')?.revision, commits.main);
    assert.match(await compiled(), /strftime\("?ts"?, '%Y-%m-%d'\) AS day/);
    // state:modified: the lock pins dates to another commit, so the model calling its macros counts as modified.
    const plan = await p.rat('run', 'state:modified', '--state', 'HEAD', '--branch', 'pkgs', '--dry-run', '--json');
    assert.equal(plan.code, 0, plan.out);
    assert.deepEqual(
      (JSON.parse(plan.stdout) as { steps: { id: string }[] }).steps.map((x) => x.id),
      ['silver.daily'],
    );
  });
});
