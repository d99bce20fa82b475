/**
 * How long the web UI's pages take to show their content on a big catalog: 1,000 tables, 10,000 references and
 * 100,000 commits (with a merge every 1,000 commits), measured in headless Chromium against `rat serve`'s app on
 * the same database. The table page is measured on a real table PyIceberg writes.
 *
 *   npx tsx bench/src/ui-pages.ts [--commits=100000] [--refs=10000] [--tables=1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SqliteVersionStore, startServer, type Operation } from '@ratatouille/catalog-server';
import { ensureChromium } from '../../test/support/browser.ts';
import { ensurePythonVenv, runChecked } from '../../test/support/clients/index.ts';
import { tablePut } from './api-v2-lane.ts';

const arg = (name: string, def: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const COMMITS = arg('commits', 100_000);
const REFS = arg('refs', 10_000);
const TABLES = arg('tables', 1_000);
const PY = path.resolve(import.meta.dirname, '..', '..', 'test', 'clients', 'ui_pyiceberg.py');

const put = (i: number, version: number) => tablePut('big', `t${i}`, version) as Operation;

async function populate(dir: string): Promise<void> {
  const t0 = performance.now();
  const store = await SqliteVersionStore.open(path.join(dir, 'catalog.db'));
  store.db.pragma('synchronous = OFF');
  let h = (await store.getReference('main')).hash;
  const tables: Operation[] = [
    { type: 'PUT', key: { elements: ['big'] }, content: { type: 'NAMESPACE', elements: ['big'] } } as Operation,
  ];
  for (let i = 0; i < TABLES; i++) tables.push(put(i, 0));
  h = (await store.commit('main', h, { message: 'tables' }, tables)).hash;
  const forks: string[] = [];
  let made = 1;
  while (made < COMMITS) {
    store.db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 1000 && made < COMMITS; i++, made++) {
      if (made % 1000 === 500) {
        // A side branch with two commits, merged back: the graph gets a lane per merge.
        const side = `side-${made}`;
        await store.createReference(side, 'BRANCH', h);
        let s = (await store.commit(side, h, { message: `side ${made}` }, [put(made % TABLES, made)])).hash;
        s = (await store.commit(side, s, { message: `side ${made} b` }, [put((made + 1) % TABLES, made)])).hash;
        h = (await store.commit('main', h, { message: `c${made}` }, [put((made + 7) % TABLES, made)])).hash;
        h = (await store.merge({ fromRefName: side, fromHash: s, toBranch: 'main', expectedHash: h }))
          .resultantTargetHash!;
        await store.deleteReference(side, 'BRANCH', s);
        made += 3;
        continue;
      }
      h = (await store.commit('main', h, { message: `c${made}` }, [put(made % TABLES, made)])).hash;
      if (made % Math.max(1, Math.floor(COMMITS / 100)) === 0) forks.push(h);
    }
    store.db.exec('COMMIT');
  }
  for (let i = 0; i < REFS; i++) {
    await store.createReference(
      `ref-${String(i).padStart(5, '0')}`,
      i % 10 === 0 ? 'TAG' : 'BRANCH',
      forks[i % forks.length] ?? h,
    );
  }
  await store.close();
  console.log(
    `populated ${COMMITS} commits, ${REFS} refs, ${TABLES} tables in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-ui-bench-'));
  try {
    await populate(dir);
    const server = await startServer({ dataDir: dir, host: '127.0.0.1', port: 0 });
    const { python } = await ensurePythonVenv();
    await runChecked(python, [PY, `${server.url}/iceberg/main`, 'seed']);
    const browser = await chromium.launch({ executablePath: await ensureChromium(), args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(120_000);
    const measure = async (name: string, url: string, ready: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await page.goto(server.url + url);
        await page.locator(ready).first().waitFor();
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      console.log(`${name.padEnd(44)} ${samples.map((s) => s.toFixed(0).padStart(6)).join(' ')} ms (3 loads)`);
    };
    await measure('branches (10,000 refs, first row with counts)', '/branches', '.refrow .ahead');
    await measure('history of main (first 200 commits drawn)', '/history/main', '.graphrow');
    await measure('tables tree (1,000 tables)', '/tables/main', `text=t${TABLES - 1}`);
    await measure('table page with preview rows', '/tables/main/shop.orders', 'table.preview tbody tr');
    // Scrolling the history to load 10 more pages (2,000 commits).
    const t0 = performance.now();
    await page.goto(`${server.url}/history/main`);
    await page.locator('.graphrow').first().waitFor();
    for (let i = 0; i < 10; i++) {
      await page.locator('.graph').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page
        .getByText(`${(i + 2) * 200} commits`)
        .first()
        .waitFor();
    }
    console.log(
      `history scrolled to 2,200 commits`.padEnd(44),
      `${(performance.now() - t0).toFixed(0).padStart(6)} ms`,
    );
    await browser.close();
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
