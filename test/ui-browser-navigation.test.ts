import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureChromium } from './support/browser.ts';
import { http, startTestServer, type TestServer } from './support/server.ts';

/**
 * The web UI as a newcomer moves through it: back and forward, deep links and reloads, references that change or
 * disappear while a page shows them, and a server that goes away.
 */
describe('web UI navigation in a real browser', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  const branch = async (name: string, ns?: string) => {
    const main = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference;
    const r = await http('POST', `${server.url}/api/v2/trees?name=${encodeURIComponent(name)}&type=BRANCH`, main);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (ns) {
      const n = await http('POST', `${server.url}/iceberg/${encodeURIComponent(name)}/v1/namespaces`, {
        namespace: [ns],
      });
      assert.equal(n.status, 200, JSON.stringify(n.body));
    }
  };
  const inputs = (a: string, b: string) =>
    Promise.all([page.getByLabel(a, { exact: true }).inputValue(), page.getByLabel(b, { exact: true }).inputValue()]);

  before(async () => {
    const executablePath = await ensureChromium();
    server = await startTestServer();
    await branch('alpha', 'nsa');
    await branch('beta', 'nsb');
    await branch('a,b', 'nsc');
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('back and forward on the diff page put that address’s refs in the inputs', async () => {
    await page.goto(`${server.url}/diff?from=main&to=alpha`);
    await page.getByRole('cell', { name: 'nsa' }).waitFor();
    await page.getByLabel('to', { exact: true }).fill('beta');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByRole('cell', { name: 'nsb' }).waitFor();
    await page.goBack();
    await page.getByRole('cell', { name: 'nsa' }).waitFor();
    assert.deepEqual(await inputs('from', 'to'), ['main', 'alpha']);
    await page.goForward();
    await page.getByRole('cell', { name: 'nsb' }).waitFor();
    assert.deepEqual(await inputs('from', 'to'), ['main', 'beta']);
  });

  it('back on the merge page does not offer the preview of another source', async () => {
    await page.goto(`${server.url}/merge?from=alpha&into=main`);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.getByRole('button', { name: 'Merge alpha into main' }).waitFor();
    await page.getByLabel('source', { exact: true }).fill('beta');
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.getByRole('button', { name: 'Merge beta into main' }).waitFor();
    await page.goBack();
    await page.waitForURL(/from=alpha/);
    assert.deepEqual(await inputs('source', 'target'), ['alpha', 'main']);
    assert.equal(await page.getByRole('button', { name: 'Merge beta into main' }).count(), 0);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.getByRole('button', { name: 'Merge alpha into main' }).waitFor();
    // The namespace nsa is a key the merge takes; it has no table card, nor a card saying it is no table.
    await page.locator('tr.merge-key').filter({ hasText: 'nsa' }).getByText('taken from source').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('.merge-preview > .card').count(), 1);
  });

  it('a branch deleted while its pages are open says so on reload, on every page', async () => {
    await branch('gone');
    await page.goto(`${server.url}/runs/gone`);
    await page.getByText('0 runs').waitFor();
    const head = (await http('GET', `${server.url}/api/v2/trees/gone`)).body.reference.hash;
    assert.equal((await http('DELETE', `${server.url}/api/v2/trees/gone@${head}`)).status, 200);
    for (const path of ['/runs/gone', '/history/gone', '/tables/gone']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('alert').filter({ hasText: 'REFERENCE_NOT_FOUND' }).waitFor();
    }
  });

  it('adds a branch whose name has a comma to the history graph, and keeps it on reload', async () => {
    await page.goto(`${server.url}/history/alpha`);
    await page.getByRole('listitem').filter({ hasText: 'create namespace nsa' }).waitFor();
    await page.getByLabel('Add ref to graph').fill('beta');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByLabel('Add ref to graph').fill('a,b');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('heading', { name: 'History of alpha with beta, a,b' }).waitFor();
    await page.reload();
    await page.getByRole('listitem').filter({ hasText: 'create namespace nsc' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'create namespace nsb' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
  });

  it('deleting a branch someone else deleted says so and drops it from the list', async () => {
    await branch('stale');
    await page.goto(`${server.url}/`);
    const row = page.locator('.refrow[data-ref="stale"]');
    await row.getByText('ahead').waitFor();
    const head = (await http('GET', `${server.url}/api/v2/trees/stale`)).body.reference.hash;
    assert.equal((await http('DELETE', `${server.url}/api/v2/trees/stale@${head}`)).status, 200);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'REFERENCE_NOT_FOUND' }).waitFor();
    await row.waitFor({ state: 'detached' });
  });

  it('an HTML error page from a proxy in front of the catalog is shown as its status, not as a JSON parse error', async () => {
    await page.route('**/api/v2/rat/whoami*', (route) =>
      route.fulfill({
        status: 502,
        contentType: 'text/html',
        body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      }),
    );
    try {
      await page.goto(`${server.url}/`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /^502 HTTP: .*was not JSON/);
    } finally {
      await page.unroute('**/api/v2/rat/whoami*');
    }
  });
});
