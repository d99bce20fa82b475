import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ManagementClient } from '@ratatouille/catalog-client';
import { startTestServer, type TestServer } from './support/server.ts';
import { countOnBranch } from './support/engine-queries.ts';
import { runRat as rat } from './support/rat-cli.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function git(cwd: string, ...args: string[]) {
  await run(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
    },
  );
}

describe('engine: the shop example end to end (rat run / test / runs against a real server)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let dir: string;
  let mgmt: ManagementClient;

  before(async () => {
    server = await startTestServer();
    mgmt = new ManagementClient({ server: server.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-shop-'));
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const count = (branch: string, table: string, where = '') =>
    countOnBranch(server, branch, `SELECT count(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`);

  it('shows the plan with --dry-run and changes nothing', async () => {
    const before = await mgmt.getReference('main');
    const r = await rat(dir, ['run', '--dry-run', '+gold.daily_revenue', '--server', server.url]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /gold\.daily_revenue/);
    assert.doesNotMatch(r.out, /gold\.dim_product/);
    assert.equal((await mgmt.getReference('main')).hash, before.hash);
  });

  it('runs on main outside a git repository (RAT_SERVER), and its tests pass', async () => {
    const r = await rat(dir, ['run'], { RAT_SERVER: server.url });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /using main/);
    assert.equal(await count('main', 'gold.daily_revenue'), 2);
    assert.equal(await count('main', 'silver.orders'), 7);
    assert.equal(await count('main', 'bronze.orders_rejected'), 1);
    assert.equal(await count('main', 'gold.dim_customer', 'is_current'), 4);
    const t = await rat(dir, ['test', '--server', server.url]);
    assert.equal(t.code, 0, t.out);
    assert.match(t.out, /tests: (\d+)\/\1 passed/);
  });

  it('a second run ingests nothing new and commits nothing but its run record', async () => {
    const bronzeBefore = await count('main', 'bronze.orders');
    const before = await mgmt.getReference('main');
    const r = await rat(dir, ['run', '--server', server.url]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /bronze\.orders\s+0 rows, 0 files, 2 skipped/);
    assert.match(r.out, /gold\.daily_revenue\s+0 rows, 0 files, unchanged/);
    assert.equal(await count('main', 'bronze.orders'), bronzeBefore);
    assert.equal(await count('main', '_rat.ingest_files'), 4);
    const after = await mgmt.getReference('main');
    const { diffs } = await mgmt.diff(`main@${before.hash}`, `main@${after.hash}`);
    assert.deepEqual(
      diffs.map((d) => d.key.elements.join('.')),
      ['_rat.runs'],
    );
  });

  it('runs on the data branch of a git feature branch, leaving main alone; SCD2 keeps history', async () => {
    await git(dir, 'init', '-q');
    await git(dir, 'add', '.');
    await git(dir, 'commit', '-q', '-m', 'shop');
    await git(dir, 'checkout', '-q', '-b', 'feature-more-orders');
    writeFileSync(
      path.join(dir, 'landing', 'orders', 'orders_2024-03-03.csv'),
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
    );
    const customers = path.join(dir, 'landing', 'customers', 'customers.json');
    const list = JSON.parse(readFileSync(customers, 'utf8')) as {
      customer_id: string;
      city: string;
      updated_at: string;
    }[];
    const c004 = list.find((c) => c.customer_id === 'C004')!;
    c004.city = 'Austin';
    c004.updated_at = '2024-03-03T00:00:00';
    writeFileSync(customers, JSON.stringify(list, null, 2));
    const mainBefore = await mgmt.getReference('main');
    const r = await rat(dir, ['run', '--server', server.url]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /git branch feature-more-orders/);
    const branch = /branch: (\S+)/.exec(r.out)![1];
    assert.notEqual(branch, 'main');
    assert.equal(await count(branch, 'silver.orders'), 8);
    assert.equal(await count(branch, 'gold.daily_revenue'), 3);
    assert.equal(await count(branch, 'gold.dim_customer', "customer_id = 'C004'"), 2);
    assert.equal(
      await count(branch, 'gold.dim_customer', "customer_id = 'C004' AND is_current AND city = 'Austin'"),
      1,
    );
    assert.equal((await mgmt.getReference('main')).hash, mainBefore.hash);
    assert.equal(await count('main', 'silver.orders'), 7);
  });

  it('a failing data test leaves the branch untouched, keeps the run branch and is listed by rat runs', async () => {
    const revenue = path.join(dir, 'gold', 'daily_revenue.sql');
    writeFileSync(
      revenue,
      readFileSync(revenue, 'utf8').replace(
        '  - unique: order_date\n',
        '  - unique: order_date\n  - sql: { name: no_big_days, sql: "SELECT * FROM {{ this }} WHERE revenue > 100" }\n',
      ),
    );
    const before = await mgmt.getReference('main');
    const r = await rat(dir, ['run', '--branch', 'main', '--server', server.url]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /sql:no_big_days/);
    assert.equal((await mgmt.getReference('main')).hash, before.hash);
    const refs = await mgmt.listReferences();
    assert.ok(refs.some((x) => x.name.startsWith('rat-run-')));
    const runs = await rat(dir, ['runs', '--branch', 'main', '--server', server.url, '--json']);
    assert.equal(runs.code, 0, runs.out);
    const list = JSON.parse(runs.out.slice(runs.out.indexOf('['))) as { status: string }[];
    assert.ok(list.some((x) => x.status === 'failed'));
    assert.ok(list.filter((x) => x.status === 'success').length >= 2);
  });
});
