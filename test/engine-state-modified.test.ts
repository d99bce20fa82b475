/**
 * `rat run state:modified+` (dbt's slim CI) with the real CLI, real git and a real server: the models whose files
 * changed since the code of the branch's last run (or since `--state <rev>`), and what reads them, are all a run
 * builds; edits, staged or not, and new files count; nothing changed runs nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '@ratatouille/catalog-client';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

describe('engine: rat run state:modified+ (real git, real CLI, real server)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let dir: string;
  let first = '';

  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }).trim();
  const rat = (...args: string[]) => runRat(dir, [...args, '--server', server.url]);
  const plan = async (...args: string[]) => {
    const r = await rat('run', '--dry-run', '--json', ...args);
    assert.equal(r.code, 0, r.out);
    const json = JSON.parse(r.stdout) as {
      steps: Array<{ id: string }>;
      state?: { baseline: string; modified: string[] };
    };
    return { steps: json.steps.map((s) => s.id), state: json.state };
  };

  before(async () => {
    server = await startTestServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-state-'));
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
    rmSync(path.join(dir, 'rat.yaml'));
    git('init', '-q', '-b', 'sm');
    git('add', '.');
    git('commit', '-q', '-m', 'shop');
    first = git('rev-parse', 'HEAD');
    const r = await rat('run');
    assert.equal(r.code, 0, r.out);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('nothing changed since the last run: an empty selection, and a run that runs nothing', async () => {
    const p = await plan('state:modified+');
    assert.deepEqual(p.steps, []);
    assert.deepEqual(p.state?.modified, []);
    assert.match(p.state!.baseline, new RegExp(`the code of run \\S+ on sm \\(${first.slice(0, 12)}\\)`));
    const heads = (await new ManagementClient({ server: server.url }).getReference('sm')).hash;
    const r = await rat('run', 'state:modified+');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /no model changed[\s\S]*nothing to run/);
    assert.equal(
      (await new ManagementClient({ server: server.url }).getReference('sm')).hash,
      heads,
      'no run recorded',
    );
  });

  it('an edited model and everything that reads it, built and nothing else', async () => {
    appendFileSync(path.join(dir, 'silver', 'orders.sql'), '-- reviewed\n');
    const p = await plan('state:modified+');
    assert.deepEqual(p.state?.modified, ['silver.orders']);
    assert.deepEqual(p.steps, ['silver.orders', 'gold.fct_orders', 'gold.daily_revenue']);
    assert.deepEqual((await plan('state:modified')).steps, ['silver.orders']);
    assert.deepEqual((await plan('state:modified+', '--exclude', 'gold.daily_revenue')).steps, [
      'silver.orders',
      'gold.fct_orders',
    ]);
    const r = await rat('run', 'state:modified+', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as { status: string; steps: Array<{ step: string }> };
    assert.equal(report.status, 'success');
    assert.deepEqual(
      report.steps.map((s) => s.step),
      ['silver.orders', 'gold.fct_orders', 'gold.daily_revenue'],
    );
  });

  it("compares with the last run's code once committed, counts new files, and with --state any revision", async () => {
    git('commit', '-q', '-am', 'reviewed');
    assert.equal((await rat('run')).code, 0);
    assert.deepEqual((await plan('state:modified+')).steps, []);
    writeFileSync(
      path.join(dir, 'gold', 'big_orders.sql'),
      "SELECT * FROM {{ ref('silver.orders') }} WHERE quantity > 2\n",
    );
    assert.deepEqual((await plan('state:modified+')).state?.modified, ['gold.big_orders']);
    const since = await plan('state:modified+', '--state', first);
    assert.deepEqual(since.state?.modified, ['gold.big_orders', 'silver.orders']);
    assert.equal(since.state?.baseline, `git ${first}`);
    assert.deepEqual(since.steps, ['silver.orders', 'gold.big_orders', 'gold.fct_orders', 'gold.daily_revenue']);
    assert.deepEqual((await plan('state:modified', '--state', first.slice(0, 8))).steps, [
      'silver.orders',
      'gold.big_orders',
    ]);
    git('tag', '-a', 'v1', '-m', 'first', first);
    assert.deepEqual((await plan('state:modified', '--state', 'v1')).state?.modified, [
      'gold.big_orders',
      'silver.orders',
    ]);
    assert.deepEqual((await plan('+state:modified', '--state', 'sm')).steps, [
      'bronze.orders',
      'silver.orders',
      'gold.big_orders',
    ]);
  });

  it('a branch without a recorded run counts every model; a revision git lacks and --state alone are refused', async () => {
    await new ManagementClient({ server: server.url }).createReference(
      'fresh',
      'BRANCH',
      await new ManagementClient({ server: server.url }).getReference('main'),
    );
    const fresh = await plan('state:modified', '--branch', 'fresh');
    assert.match(fresh.state!.baseline, /no successful run on fresh/);
    assert.deepEqual(fresh.steps.slice().sort(), fresh.state!.modified);
    assert.ok(fresh.state!.modified.includes('bronze.orders') && fresh.state!.modified.includes('gold.big_orders'));
    // A branch the run would create has no runs either.
    assert.match(
      (await plan('state:modified', '--branch', 'brand-new')).state!.baseline,
      /no successful run on brand-new/,
    );
    const missing = await rat('run', 'state:modified+', '--state', 'nope', '--dry-run');
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.out, /git revision nope is not a commit of this repository/);
    const alone = await rat('run', '--state', 'sm', '--dry-run');
    assert.equal(alone.code, 1, alone.out);
    assert.match(alone.out, /--state is the baseline of the state:modified selector/);
  });

  it('selects a source whose landing files changed, and the models whose rat.yaml settings changed', async () => {
    git('add', '.');
    git('commit', '-q', '-m', 'big orders');
    assert.equal((await rat('run')).code, 0);
    assert.deepEqual((await plan('state:modified+')).steps, []);
    writeFileSync(
      path.join(dir, 'landing', 'orders', 'orders_2024-03-03.csv'),
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
    );
    const landing = await plan('state:modified');
    assert.deepEqual(landing.state?.modified, ['bronze.orders']);
    git('add', '.');
    git('commit', '-q', '-m', 'orders of March 3');
    assert.equal((await rat('run')).code, 0);
    // A layer's settings in rat.yaml: every model of the layer; one model's: that model.
    writeFileSync(
      path.join(dir, 'rat.yaml'),
      'pipelines: .\nmodels:\n  silver:\n    orders:\n      +full_refresh: false\n',
    );
    assert.deepEqual((await plan('state:modified')).state?.modified, ['silver.orders']);
    git('add', '.');
    git('commit', '-q', '-m', 'settings');
    {
      const r = await rat('run');
      assert.equal(r.code, 0, r.out);
    }
    writeFileSync(
      path.join(dir, 'rat.yaml'),
      'pipelines: .\nmodels:\n  silver:\n    orders:\n      +full_refresh: false\n  gold:\n    +on_schema_change: fail\n',
    );
    assert.deepEqual((await plan('state:modified')).state?.modified.sort(), [
      'gold.big_orders',
      'gold.daily_revenue',
      'gold.dim_customer',
      'gold.dim_product',
      'gold.fct_orders',
    ]);
  });

  it('selects the models that call a changed macro (directly or through another), read a changed variable, or run a changed singular test', async () => {
    writeFileSync(path.join(dir, 'rat.yaml'), 'pipelines: .\n');
    mkdirSync(path.join(dir, 'macros'), { recursive: true });
    writeFileSync(path.join(dir, 'macros', 'money.sql'), '{% macro money(c) %}round({{ c }}, 2){% endmacro %}\n');
    writeFileSync(path.join(dir, 'macros', 'sums.sql'), '{% macro total(c) %}sum({{ money(c) }}){% endmacro %}\n');
    writeFileSync(
      path.join(dir, 'gold', 'price_total.sql'),
      "SELECT {{ total('unit_price') }} AS total FROM {{ ref('silver.orders') }}\n",
    );
    git('add', '.');
    git('commit', '-q', '-m', 'macros');
    {
      const r = await rat('run');
      assert.equal(r.code, 0, r.out);
    }
    assert.deepEqual((await plan('state:modified')).steps, []);
    writeFileSync(
      path.join(dir, 'macros', 'money.sql'),
      "{% macro money(c) %}round({{ c }}, {{ var('precision', 2) }}){% endmacro %}\n",
    );
    assert.deepEqual((await plan('state:modified')).state?.modified, ['gold.price_total']);
    git('add', '.');
    git('commit', '-q', '-m', 'money: precision as a variable');
    {
      const r = await rat('run');
      assert.equal(r.code, 0, r.out);
    }
    // A variable's value in rat.yaml: the models that read it, here through the macros.
    writeFileSync(path.join(dir, 'rat.yaml'), 'pipelines: .\nvars: { precision: 3 }\n');
    assert.deepEqual((await plan('state:modified')).state?.modified, ['gold.price_total']);
    git('add', '.');
    git('commit', '-q', '-m', 'precision 3');
    {
      const r = await rat('run');
      assert.equal(r.code, 0, r.out);
    }
    // A singular test (dbt's tests/*.sql) is part of the model it runs with.
    mkdirSync(path.join(dir, 'tests'), { recursive: true });
    writeFileSync(
      path.join(dir, 'tests', 'no_free_orders.sql'),
      "SELECT * FROM {{ ref('price_total') }} WHERE total = 0\n",
    );
    assert.deepEqual((await plan('state:modified')).state?.modified, ['gold.price_total']);
  });
});
