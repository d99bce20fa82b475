/**
 * The team scenario of the git lockstep tests, with `examples/shop`: a repository whose `main`, feat-a (new orders) and
 * feat-b (a new column in a gold model) have run, and the checks on what the merges leave on `main`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './support/server.ts';
import { queryBranch } from './support/engine-queries.ts';
import { useLockstepRepo, type LockstepFixture, type Repo, type Run } from './git-support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A shop repository set up with `rat init` against a fresh server, for the enclosing `describe`: `main` run, then
 * feat-a (new orders) and feat-b (a new column in a gold model) each branched from main and run.
 */
export function useTeamRepo(o: Omit<Parameters<typeof useLockstepRepo>[0], 'prefix' | 'copy'> = {}): LockstepFixture {
  const t = useLockstepRepo({ ...o, prefix: 'rat-team-', copy: path.join(root, 'examples', 'shop') });
  before(async () => {
    const repo = t.repo;
    await ratOk(repo, ['run']);
    await repo.ok('checkout', '-b', 'feat-a');
    await repo.commitFile(
      'landing/orders/orders_2024-03-03.csv',
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
      'orders of March 3',
    );
    await ratOk(repo, ['run']);
    await repo.ok('checkout', 'main');
    await repo.ok('checkout', '-b', 'feat-b');
    await edit(repo, 'gold/daily_revenue.sql', (s) =>
      s.replace('count(*) AS orders,', 'count(*) AS orders,\n  count(DISTINCT customer_id) AS customers,'),
    );
    await repo.ok('commit', '-q', '-am', 'daily revenue: customers per day');
    const b = await ratOk(repo, ['run']);
    assert.doesNotMatch(b.stdout + b.stderr, /SCHEMA_MISMATCH/);
    await repo.ok('checkout', 'main');
  });
  return t;
}

export async function edit(repo: Repo, file: string, f: (s: string) => string): Promise<void> {
  const p = path.join(repo.dir, file);
  const before = readFileSync(p, 'utf8');
  const after = f(before);
  assert.notEqual(after, before, `edit of ${file} changed nothing`);
  writeFileSync(p, after);
}

/** A branch from main that commits `files` (path → content) in one commit and runs the pipeline once. */
export async function landAndRun(repo: Repo, branch: string, files: Record<string, string>): Promise<void> {
  await repo.ok('checkout', '-b', branch);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(repo.dir, name), content);
  await repo.ok('add', '.');
  await repo.ok('commit', '-q', '-m', `landing files (${branch})`);
  await ratOk(repo, ['run']);
  await repo.ok('checkout', 'main');
}

export async function ratOk(repo: Repo, args: string[]): Promise<Run> {
  const r = await repo.rat(args);
  assert.equal(r.code, 0, `rat ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The team tests' engine reads (see support/engine-queries.ts). */
export const query = queryBranch;

/** What both merges must leave on main: feat-a's day and feat-b's column, computed by the merged code. */
export async function assertMergedState(server: TestServer): Promise<void> {
  const rows = await query(
    server,
    'main',
    'SELECT CAST(order_date AS VARCHAR) AS d, customers FROM gold.daily_revenue ORDER BY order_date',
  );
  assert.deepEqual(
    rows.map((r) => r.d),
    ['2024-03-01', '2024-03-02', '2024-03-03'],
  );
  assert.ok(
    rows.every((r) => Number(r.customers) >= 1),
    JSON.stringify(rows),
  );
}

/** A branch `name` from the current one whose landing file corrects order 1001 (bronze.orders overwritten), run. */
export async function branchCorrectingOrder1001(repo: Repo, name: string): Promise<void> {
  const from = (await repo.ok('symbolic-ref', '--short', 'HEAD')).stdout.trim();
  await repo.ok('checkout', '-b', name);
  await edit(repo, 'landing/orders/orders_2024-03-01.csv', (s) => s.replace('1001,C001,P01,2,', '1001,C001,P01,5,'));
  await repo.ok('commit', '-q', '-am', 'corrected order 1001');
  await ratOk(repo, ['run']);
  await repo.ok('checkout', from);
}
