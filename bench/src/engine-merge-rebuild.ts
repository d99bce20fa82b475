import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Repo } from '../../test/git-support.ts';
import { startServerProcess } from '../../test/support/server-process.ts';
import type { Fig } from './engine-throughput.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A merge with rebuild of the shop pipeline beside a plain `rat run` of it, end to end as a user sees them (the `rat`
 * CLI, the real git binary and its hooks, `rat serve` in its own process): `examples/shop` is run on `main`, on feat-a
 * (new orders) and on feat-b (a new column in `gold.daily_revenue`); merging feat-a is clean, merging feat-b rebuilds
 * `gold.daily_revenue` with the merged code in `pre-merge-commit`. Reported: the first full `rat run`, a no-op
 * `rat run` (nothing changed), the git commands whose hooks fork a data branch, record a commit and switch back, and
 * both `git merge`s.
 *
 * @example tsx bench/src/engine-merge-rebuild.ts        # prints the figures
 */
export async function benchMergeRebuild(o: { quick?: boolean; log?: (s: string) => void } = {}): Promise<Fig[]> {
  const log = o.log ?? console.log;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-team-server-'));
  const server = await startServerProcess(['--data-dir', dataDir]);
  const repo = await Repo.create('rat-bench-team-');
  const figs: Fig[] = [];
  const timed = async (name: string, f: () => Promise<{ code: number; stdout: string; stderr: string }>) => {
    const t = performance.now();
    const r = await f();
    const ms = performance.now() - t;
    if (r.code !== 0) throw new Error(`${name} failed:\n${r.stdout}\n${r.stderr}`);
    figs.push({ name, system: 'shop', value: Math.round(ms), unit: 'ms', better: 'lower' });
    log(`  ${name}: ${(ms / 1000).toFixed(2)} s`);
    return r;
  };
  const must = async (r: Promise<{ code: number; stdout: string; stderr: string }>) => {
    const x = await r;
    if (x.code !== 0) throw new Error(`${x.stdout}\n${x.stderr}`);
  };
  try {
    cpSync(path.join(root, 'examples', 'shop'), repo.dir, { recursive: true });
    await must(repo.rat(['init', '--catalog', server.url]));
    await repo.ok('add', '.');
    await repo.ok('commit', '-q', '-m', 'shop');
    await timed('rat run: full shop pipeline', () => repo.rat(['run']));
    await timed('rat run: nothing changed (no-op writes)', () => repo.rat(['run']));

    await timed('git checkout -b: forks the data branch (hook)', () => repo.git('checkout', '-q', '-b', 'feat-a'));
    writeFileSync(
      path.join(repo.dir, 'landing/orders/orders_2024-03-03.csv'),
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
    );
    await repo.ok('add', '.');
    await timed('git commit: records the data commit (hook)', () => repo.git('commit', '-q', '-m', 'new orders'));
    await must(repo.rat(['run']));
    await timed('git checkout: back to main (hook)', () => repo.git('checkout', '-q', 'main'));
    await repo.ok('checkout', '-b', 'feat-b');
    const revenue = path.join(repo.dir, 'gold', 'daily_revenue.sql');
    writeFileSync(
      revenue,
      readFileSync(revenue, 'utf8').replace(
        'count(*) AS orders,',
        'count(*) AS orders,\n  count(DISTINCT customer_id) AS customers,',
      ),
    );
    await repo.ok('commit', '-q', '-am', 'customers per day');
    await must(repo.rat(['run']));
    await repo.ok('checkout', 'main');

    await timed('git merge: clean data merge (feat-a)', () => repo.git('merge', '--no-ff', '-m', 'a', 'feat-a'));
    const r = await timed('git merge: merge with rebuild (feat-b)', () =>
      repo.git('merge', '--no-ff', '-m', 'b', 'feat-b'),
    );
    if (!/rebuilt with the merged code/.test(r.stderr)) throw new Error(`no rebuild happened:\n${r.stderr}`);
    return figs;
  } finally {
    await server.stop();
    rmSync(repo.dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchMergeRebuild(), null, 2));
}
