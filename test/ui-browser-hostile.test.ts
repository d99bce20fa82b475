import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as ParquetTable, writeParquet } from 'parquet-wasm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureChromium } from './support/browser.ts';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { appendCommit, newTableState } from './support/iceberg-appends.ts';

/** Markup that sets `window.__xss` to `tag` if a page ever renders it as HTML. */
const X = (tag: string) => `<img src=x onerror="window.__xss='${tag}'">`;
/** A branch name git accepts that breaks out of an HTML attribute if one is built by hand. */
const ATTR_BRANCH = `"onmouseover="window.__xss='branch'`;
const STRING_SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'v', required: false, type: 'string', doc: X('doc') },
    { id: 2, name: X('field'), required: false, type: 'long' },
  ],
};

/**
 * The web UI against names and text a catalog user controls: branch names, namespaces, tables, properties, schema
 * fields and docs, commit messages, authors and properties, view SQL, data values and the server's error messages
 * that echo them. All of it must show as text under the UI's content security policy, and addresses the app cannot
 * read (a malformed percent-escape, a time no Date holds) must leave the rest of the app working.
 */
describe('web UI with hostile names and text, in a real browser', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  const ice = (ns: string[]) => `${server.url}/iceberg/main/v1/namespaces/${encodeURIComponent(ns.join('\x1f'))}`;
  const ok = (r: { status: number; body: unknown }, what: string) =>
    assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`);
  /** What scripts and policy violations the page has seen since it loaded. */
  const pageState = () => page.evaluate<{ xss: unknown; csp: string[] }>('({ xss: window.__xss, csp: window.__csp })');
  const assertClean = async (where: string) => {
    const s = await pageState();
    assert.equal(s.xss, undefined, `${where}: markup from the catalog ran`);
    assert.deepEqual(s.csp, [], `${where}: content security policy violations`);
    assert.deepEqual(dialogs, [], `${where}: dialogs`);
  };

  before(async () => {
    const executablePath = await ensureChromium();
    server = await startTestServer();
    const main = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference;
    ok(
      await http('POST', `${server.url}/api/v2/trees?name=${encodeURIComponent(ATTR_BRANCH)}&type=BRANCH`, main),
      'branch',
    );
    ok(
      await http('POST', `${server.url}/iceberg/main/v1/namespaces`, {
        namespace: [X('ns')],
        properties: { o: X('nsp') },
      }),
      'ns',
    );
    ok(await http('POST', `${server.url}/iceberg/main/v1/namespaces`, { namespace: ['a.b'] }), 'ns a.b');
    // A table whose name, properties, field names and docs, and one data value are markup.
    const t = await http('POST', `${ice([X('ns')])}/tables`, {
      name: X('table'),
      schema: STRING_SCHEMA,
      properties: { [X('pk')]: X('pv'), link: 'javascript:window.__xss="link"' },
    });
    ok(t, 'table');
    const dataFile = `${t.body.metadata.location}/data/part-0.parquet`;
    mkdirSync(fileURLToPath(`${t.body.metadata.location}/data`), { recursive: true });
    const arrow = tableFromArrays({ v: [X('value')] });
    writeFileSync(fileURLToPath(dataFile), writeParquet(ParquetTable.fromIPCStream(tableToIPC(arrow, 'stream'))));
    const append = appendCommit(newTableState(t.body.metadata.location), { dataFile }).body;
    ok(await http('POST', `${ice([X('ns')])}/tables/${encodeURIComponent(X('table'))}`, append), 'append');
    ok(await http('POST', `${ice(['a.b'])}/tables`, { name: 'c.d', schema: STRING_SCHEMA }), 'table a.b.c.d');
    const view = {
      name: X('view'),
      schema: STRING_SCHEMA,
      'view-version': {
        'version-id': 1,
        'timestamp-ms': Date.now(),
        'schema-id': 0,
        summary: {},
        'default-namespace': ['a.b'],
        representations: [{ type: 'sql', sql: `select '${X('sql')}'`, dialect: 'spark' }],
      },
      properties: {},
    };
    ok(await http('POST', `${ice(['a.b'])}/views`, view), 'view');
    // A snapshot time past what a Date holds (Iceberg allows any long there).
    const future = await http('POST', `${ice(['a.b'])}/tables`, { name: 'future', schema: STRING_SCHEMA });
    const late = appendCommit(newTableState(future.body.metadata.location)).body as {
      updates: Array<{ snapshot?: Record<string, unknown> }>;
    };
    late.updates[0]!.snapshot!['timestamp-ms'] = 9_000_000_000_000_000;
    ok(await http('POST', `${ice(['a.b'])}/tables/future`, late), 'future snapshot');
    // A commit whose message, author and properties are markup.
    const head = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference.hash;
    const commit = await http(
      'POST',
      `${server.url}/api/v2/trees/${encodeURIComponent(`main@${head}`)}/history/commit`,
      {
        commitMeta: {
          message: `${X('message')}\nsecond line`,
          authors: [X('author')],
          properties: { [X('ck')]: X('cv'), 'rat.code-commit': X('code') },
        },
        operations: [
          {
            type: 'PUT',
            key: { elements: [X('ns'), 'n2'] },
            content: { type: 'NAMESPACE', elements: [X('ns'), 'n2'] },
          },
        ],
      },
    );
    ok(commit, 'commit');

    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Policy violations are recorded in the page, so a test sees any the policy blocked.
    await page.addInitScript(
      'window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));',
    );
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows every name and text as text, and runs under the content security policy', async () => {
    const res = await page.goto(`${server.url}/`);
    assert.match((await res!.allHeaders())['content-security-policy'] ?? '', /script-src 'self'/);
    const row = page.locator('.refrow').filter({ hasText: ATTR_BRANCH });
    await row.getByText('ahead').waitFor();
    await row.hover();
    await page.locator('.refrow').filter({ hasText: 'main' }).getByText(X('message')).waitFor();
    await assertClean('branches');

    await page.goto(`${server.url}/tables/main`);
    await page.getByText(X('view')).waitFor();
    await page.getByRole('link', { name: X('table') }).click();
    await page
      .locator('table.preview tbody td')
      .filter({ hasText: X('value') })
      .waitFor();
    for (const text of [X('field'), X('doc'), X('pk'), X('pv'), 'javascript:window.__xss="link"'])
      await page.getByText(text, { exact: true }).first().waitFor();
    await assertClean('table page');

    await page.goto(`${server.url}/history/main`);
    await page.getByRole('link', { name: X('message') }).click();
    await page
      .locator('h1.commit-message')
      .filter({ hasText: X('message') })
      .waitFor();
    for (const text of [X('author'), X('ck'), X('cv'), X('code')]) await page.getByText(text).first().waitFor();
    await assertClean('commit page');

    await page.goto(`${server.url}/diff?from=${encodeURIComponent(ATTR_BRANCH)}&to=main`);
    await page
      .locator('.table-change')
      .filter({ hasText: X('table') })
      .waitFor();
    await assertClean('diff');

    // The server's error messages echo names back: still text.
    await page.goto(`${server.url}/tables/main/${encodeURIComponent(`${X('ns')}.${X('missing')}`)}`);
    await page
      .getByRole('alert')
      .filter({ hasText: X('missing') })
      .first()
      .waitFor();
    await page.goto(`${server.url}/history/${encodeURIComponent(X('gone'))}`);
    await page.getByRole('alert').filter({ hasText: 'REFERENCE_NOT_FOUND' }).waitFor();
    await assertClean('errors');
  });

  it('an address that is not valid percent-encoding is a page not found, and the app keeps working', async () => {
    await page.goto(`${server.url}/history/%E0%A4%A`);
    await page.getByText('Nothing here: /history/%E0%A4%A').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Branches' }).click();
    await page.getByRole('heading', { name: 'Branches and tags' }).waitFor();
  });

  it('a snapshot time no Date holds is shown as the number, and the rest of the table page shows', async () => {
    await page.goto(`${server.url}/tables/main/${encodeURIComponent('.a*.b.future')}`);
    await page.locator('table.timeline').getByText('9000000000000000 (not a valid time)').waitFor();
    await page.locator('table.schema tr[data-field="v"]').waitFor();
    assert.equal(await page.getByText('This page failed to show').count(), 0);
  });

  it('a table without a snapshot (current-snapshot-id -1) reads "none", with dots in its namespace and name', async () => {
    await page.goto(`${server.url}/tables/main`);
    await page.getByRole('link', { name: 'c.d' }).click();
    await page.getByRole('heading', { name: 'main / a.b.c.d' }).waitFor();
    assert.equal(await page.locator('code.current-snapshot').innerText(), 'none');
  });
});
