import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ManagementClient, type Lineage } from '@ratatouille/catalog-client/management';
import { loadProject, runPipeline, type RunReport } from '@ratatouille/engine';
import { ensureChromium } from './support/browser.ts';
import { http, startTestServer, type TestServer } from './support/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The lineage page's screenshot, linked from docs/ui.md. */
const SHOTS = process.env.RAT_UI_SCREENSHOTS ?? path.join(ROOT, 'docs', 'ui');
/** The code commit the run records (a run from a working tree with uncommitted changes). */
const CODE_COMMIT = 'c0ffee'.padEnd(40, '0');
const DESCRIPTION = 'Cleaned orders, one row per order';

/**
 * The lineage page and the table page's lineage section in headless Chromium, on the lineage a real pipeline run
 * records: the engine builds `examples/shop` on a branch, the page lays its tables out in columns by depth with one
 * edge per input the API lists, and the boxes and sections link to the tables' pages.
 */
describe('web UI lineage in a real browser', function () {
  this.timeout(600_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let run: RunReport;
  let answer: Lineage;
  const dirs: string[] = [];
  /** Lineage requests the page made, by `ref`. */
  const lineageCalls: string[] = [];

  before(async () => {
    const executablePath = await ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    // On main, a table no model wrote; the pipeline then runs on a branch of main.
    const ice = `${server.url}/iceberg/main/v1/namespaces`;
    assert.equal((await http('POST', ice, { namespace: ['plain'] })).status, 200);
    const schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [{ id: 1, name: 'note', type: 'string', required: false }],
    };
    assert.equal((await http('POST', `${ice}/plain/tables`, { name: 'notes', schema })).status, 200);
    const mgmt = new ManagementClient({ server: server.url });
    await mgmt.createReference('shop', 'BRANCH', await mgmt.getReference('main'));
    const shop = mkdtempSync(path.join(os.tmpdir(), 'ui-lineage-'));
    dirs.push(shop);
    cpSync(path.join(ROOT, 'examples', 'shop'), shop, { recursive: true });
    // A model's description, which the run writes into its table and the lineage shows.
    const orders = path.join(shop, 'silver', 'orders.sql');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('/* ---\n', `/* ---\ndescription: ${DESCRIPTION}\n`));
    run = await runPipeline({
      project: loadProject(shop),
      server: server.url,
      branch: 'shop',
      codeCommit: CODE_COMMIT,
      codeDirty: true,
    });
    assert.equal(run.status, 'success');
    answer = await mgmt.lineage('shop');

    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v2/rat/lineage') lineageCalls.push(url.searchParams.get('ref') ?? '');
    });
    // The graph draws under the UI's content security policy: any violation is recorded in the page.
    await page.addInitScript(
      'window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));',
    );
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const box = (key: string) => page.locator(`.lineage-box[data-key="${key}"]`);
  const left = async (key: string) => (await box(key).boundingBox())!.x;

  it('draws the tables in columns by depth, one edge per input, from what the run recorded', async () => {
    const keys = answer.tables.map((t) => t.key);
    for (const k of ['bronze.orders', 'silver.orders', 'gold.fct_orders', 'gold.daily_revenue']) {
      assert.ok(keys.includes(k), `${k} in ${keys.join(', ')}`);
    }
    assert.ok(!keys.includes('plain.notes'), 'a table no model wrote or reads is not in the lineage');
    const fct = answer.tables.find((t) => t.key === 'gold.fct_orders')!;
    assert.deepEqual(fct.inputs, ['silver.orders']);

    await page.goto(`${server.url}/tables/shop`);
    await page.getByRole('link', { name: 'lineage', exact: true }).click();
    assert.equal(new URL(page.url()).pathname, '/lineage/shop');
    await box('gold.daily_revenue').waitFor();
    assert.equal(await page.locator('.lineage-box').count(), answer.tables.length);

    // Bronze left of silver, silver left of gold, as the column attribute and on screen.
    const layer = (k: string) => ['bronze', 'silver', 'gold'].indexOf(k.split('.')[0]!);
    for (const a of keys) {
      for (const b of keys) {
        if (layer(a) >= 0 && layer(a) < layer(b)) assert.ok((await left(a)) < (await left(b)), `${a} left of ${b}`);
      }
    }
    const col = async (k: string) => Number(await box(k).getAttribute('data-col'));
    assert.deepEqual(
      await Promise.all(['bronze.orders', 'silver.orders', 'gold.fct_orders', 'gold.daily_revenue'].map(col)),
      [0, 1, 2, 3],
    );

    const edges = page.locator('svg.lineage path.lineage-edge');
    assert.equal(
      await edges.count(),
      answer.tables.reduce((n, t) => n + t.inputs.length, 0),
    );
    assert.equal(
      await page.locator('path.lineage-edge[data-from="silver.orders"][data-to="gold.fct_orders"]').count(),
      1,
    );

    assert.match(await box('bronze.orders').innerText(), /from landing\/orders\/\*\.csv/);
    assert.equal(await box('silver.orders').locator('.lineage-description').innerText(), DESCRIPTION);
    const fctText = await box('gold.fct_orders').innerText();
    assert.match(fctText, /gold\/fct_orders\.sql/);
    assert.ok(fctText.includes(`run ${run.runId}`), fctText);
    assert.ok(fctText.includes(CODE_COMMIT.slice(0, 10)), fctText);
    assert.match(fctText, /\+ uncommitted/);
    assert.deepEqual(await page.evaluate('window.__csp'), [], 'content security policy violations');
    await page.screenshot({ path: path.join(SHOTS, 'lineage.png'), fullPage: true });

    // A box's run opens that run's page.
    await box('gold.fct_orders').getByRole('link', { name: run.runId }).click();
    await page.locator('.run-detail').waitFor();
    assert.equal(new URL(page.url()).pathname, `/runs/shop/${run.runId}`);
  });

  it('opens a table from its box; the table page lists what it reads and what reads it, fetched once per reference', async () => {
    await page.goto(`${server.url}/lineage/shop`);
    await box('gold.fct_orders').getByRole('link', { name: 'gold.fct_orders', exact: true }).click();
    assert.equal(new URL(page.url()).pathname, '/tables/shop/gold.fct_orders');
    const section = page.getByRole('region', { name: 'Lineage' });
    await section.locator('.written-by').waitFor();
    assert.equal(
      await section.locator('.written-by').innerText(),
      `Written by model gold.fct_orders (gold/fct_orders.sql) in run ${run.runId} at code commit ` +
        `${CODE_COMMIT.slice(0, 10)} [uncommitted changes], ${await section.locator('.written-by time').innerText()}.`,
    );
    assert.equal(await section.locator('.reads').innerText(), 'Reads: silver.orders');
    assert.equal(await section.locator('.read-by').innerText(), 'Read by: gold.daily_revenue');

    // To a table it reads, and on: the same reference's lineage is not asked for again.
    const calls = lineageCalls.length;
    await section.locator('.reads').getByRole('link', { name: 'silver.orders' }).click();
    assert.equal(new URL(page.url()).pathname, '/tables/shop/silver.orders');
    await page.locator('h1').filter({ hasText: 'silver.orders' }).waitFor();
    await section.locator('.read-by').filter({ hasText: 'gold.fct_orders' }).waitFor();
    assert.equal(await section.locator('.reads').innerText(), 'Reads: bronze.orders');
    assert.equal(await section.locator('.lineage-description').innerText(), DESCRIPTION);
    await section.locator('.reads').getByRole('link', { name: 'bronze.orders' }).click();
    await section.locator('.reads').filter({ hasText: 'landing/orders/*.csv' }).waitFor();
    assert.equal(await section.locator('.read-by').innerText(), 'Read by: silver.orders');
    assert.equal(lineageCalls.length, calls, 'no lineage request while moving between tables of one reference');

    await section.getByRole('link', { name: 'Lineage of every table on shop' }).click();
    await box('bronze.orders').waitFor();
    assert.equal(new URL(page.url()).pathname, '/lineage/shop');
  });

  it('says so for a reference no model wrote to, and shows nothing on a table no model wrote', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('header nav').getByRole('link', { name: 'Lineage' }).click();
    assert.equal(await page.locator('.lineage-empty').innerText(), 'No table on main was written by a pipeline model.');
    assert.equal(await page.locator('svg.lineage').count(), 0);

    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v2/rat/lineage');
    await page.goto(`${server.url}/tables/main/plain.notes`);
    assert.equal((await asked).status(), 200);
    await page.getByRole('heading', { name: /^Schema/ }).waitFor();
    // The answer arrived: give the page a moment to render whatever it would from it.
    await page.waitForTimeout(300);
    assert.equal(await page.getByRole('region', { name: 'Lineage' }).count(), 0);
  });

  it('shows the 404 of a reference that does not exist', async () => {
    await page.goto(`${server.url}/lineage/nowhere`);
    assert.match(await page.getByRole('alert').innerText(), /^404 REFERENCE_NOT_FOUND/);
    assert.deepEqual(await page.evaluate('window.__csp'), [], 'content security policy violations');
  });
});
