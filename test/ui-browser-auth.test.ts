import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureChromium } from './support/browser.ts';
import { hashSecret, type AuthConfigInput } from '@ratatouille/catalog-server';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { SECRETS, TEAM_AUTH, bearer, tokenFor, type TeamClient } from './support/auth.ts';
import { schema } from './support/iceberg-http.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Screenshots linked from docs/ui.md. */
const SHOTS = process.env.RAT_UI_SCREENSHOTS ?? path.join(ROOT, 'docs', 'ui');

/**
 * The web UI against a catalog with auth on (the security docs' team config: `bi` reads, `etl` writes anywhere but
 * protected `main`, `rel` merges into `main`; here also `shop`, who merges into `main` inside the `shop` namespace
 * only): signing in with client credentials or a bearer token, actions offered only as the policy allows them, a
 * refused token sending the user back to the sign-in page.
 */
const SHOP_SECRET = 'shop-secret';
const AUTH: AuthConfigInput = {
  ...TEAM_AUTH,
  clients: [...(TEAM_AUTH.clients ?? []), { id: 'shop', 'secret-sha256': hashSecret(SHOP_SECRET), roles: ['shoprel'] }],
  roles: {
    ...TEAM_AUTH.roles,
    shoprel: [{ refs: ['main', 'shop/*'], namespaces: ['shop', 'shop.*'], allow: ['read', 'merge'] }],
  },
};
describe('web UI with auth on, in a real browser', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let etl: Record<string, string>;

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const signIn = async (
    client: TeamClient | 'shop',
    secret: string = client === 'shop' ? SHOP_SECRET : SECRETS[client],
  ) => {
    const form = page.getByRole('form', { name: 'Sign in with client credentials' });
    await form.getByLabel('Client id').fill(client);
    await form.getByLabel('Client secret').fill(secret);
    await form.getByRole('button', { name: 'Sign in' }).click();
  };
  /** The session the UI keeps in sessionStorage (evaluated in the page, which has no Node types here). */
  const stored = () => page.evaluate<string | null>('sessionStorage.getItem("rat.session")');
  const signedInAs = (client: string) => page.locator(`.who [data-principal="${client}"]`).waitFor();

  before(async () => {
    const executablePath = await ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ auth: AUTH });
    etl = bearer(await tokenFor(server.url, 'etl'));
    // etl branches off main and commits there: something for the releaser to merge.
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, etl)).body.reference;
    assert.equal((await http('POST', `${server.url}/api/v2/trees?name=feature&type=BRANCH`, main, etl)).status, 200);
    const ns = await http('POST', `${server.url}/iceberg/feature/v1/namespaces`, { namespace: ['sales'] }, etl);
    assert.equal(ns.status, 200);
    // A team branch with a commit of its own: what `guest` (reads team/* only) may look at.
    assert.equal((await http('POST', `${server.url}/api/v2/trees?name=team%2Fx&type=BRANCH`, main, etl)).status, 200);
    const teamNs = await http('POST', `${server.url}/iceberg/team%2Fx/v1/namespaces`, { namespace: ['team'] }, etl);
    assert.equal(teamNs.status, 200);
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks to sign in, and says so when the secret is wrong', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('sign-in');
    await signIn('bi', 'not-the-secret');
    await page.getByRole('alert').filter({ hasText: 'Wrong client id or secret' }).waitFor();
    assert.equal(await stored(), null, 'no token kept');
    await shot('sign-in-error');
  });

  it('a reader sees the references but is offered no create, delete or merge, and cannot merge', async () => {
    await signIn('bi');
    await signedInAs('bi');
    const feature = page.locator('.refrow[data-ref="feature"]');
    await feature.getByText('ahead').first().waitFor();
    assert.equal(await feature.getByRole('button', { name: 'delete' }).count(), 0);
    assert.equal(await feature.getByRole('link', { name: 'merge' }).count(), 0);
    assert.equal(await feature.getByRole('button', { name: 'tag' }).count(), 0);
    await page.getByLabel('New reference name').fill('mine');
    await page.getByRole('note').filter({ hasText: 'You may not create mine' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create' }).isDisabled(), true);
    await shot('branches-reader');

    await page.goto(`${server.url}/merge?from=feature&into=main`);
    await page.locator('[data-test="merge-denied"]').waitFor();
    assert.match(await page.locator('[data-test="merge-denied"]').innerText(), /You may not merge into main/);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.getByRole('alert').filter({ hasText: 'You may not merge into main' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Merge feature into main' }).count(), 0);
    await shot('merge-denied');

    // The server refuses it too: the UI only mirrors the policy.
    const biToken = JSON.parse((await stored())!).token;
    const target = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, etl)).body.reference;
    const refused = await http(
      'POST',
      `${server.url}/api/v2/trees/main@${target.hash}/history/merge`,
      { fromRefName: 'feature' },
      bearer(biToken),
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.errorCode, 'FORBIDDEN');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out.' }).waitFor();
    assert.equal(await stored(), null);
  });

  it('the releaser merges feature into protected main', async () => {
    await signIn('rel');
    await signedInAs('rel');
    await page.goto(`${server.url}/merge?from=feature&into=main`);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.locator('tr.merge-key').filter({ hasText: 'sales' }).getByText('taken from source').waitFor();
    assert.equal(await page.locator('[data-test="merge-denied"]').count(), 0);
    await page.getByRole('button', { name: 'Merge feature into main' }).click();
    await page.getByRole('status').filter({ hasText: 'Merged into main' }).waitFor();
    const log = await http('GET', `${server.url}/api/v2/trees/main/history?max-records=1`, undefined, etl);
    assert.deepEqual(log.body.logEntries[0].commitMeta.authors, ['rel'], 'the merge is recorded as the releaser’s');
    // Its commit page: protected main takes no revert, and says how to undo it instead.
    await page.getByRole('status').getByRole('link').first().click();
    await page.locator('[data-test="revert-protected"]').waitFor();
    assert.equal(await page.locator('[data-test="revert"]').count(), 0);
  });

  it('a merger of one namespace merges a branch that changed only it, and is refused one that reaches beyond', async () => {
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, etl)).body.reference;
    assert.equal((await http('POST', `${server.url}/api/v2/trees?name=shop%2Fa&type=BRANCH`, main, etl)).status, 200);
    const shopNs = await http('POST', `${server.url}/iceberg/shop%2Fa/v1/namespaces`, { namespace: ['shop'] }, etl);
    assert.equal(shopNs.status, 200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('shop');
    await signedInAs('shop');
    // The references page: history is not the merger's to read (no head message, no counts), merging is offered.
    await page.goto(`${server.url}/branches`);
    const row = page.locator('.refrow[data-ref="shop/a"]');
    await row.getByRole('link', { name: 'merge' }).waitFor();
    await row.locator('[title="reading history needs read on the whole reference"]').waitFor();
    assert.equal(await row.getByText('no commits').count(), 0);
    await page.goto(`${server.url}/merge?from=shop%2Fa&into=main`);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.locator('tr.merge-key').filter({ hasText: 'shop' }).getByText('taken from source').waitFor();
    assert.equal(await page.locator('[data-test="merge-denied"]').count(), 0);
    await page.getByRole('button', { name: 'Merge shop/a into main' }).click();
    await page.getByRole('status').filter({ hasText: 'Merged into main' }).waitFor();

    // Someone else's namespace on the same branch: the preview is refused, naming it, and nothing is offered.
    const other = await http('POST', `${server.url}/iceberg/shop%2Fa/v1/namespaces`, { namespace: ['hr'] }, etl);
    assert.equal(other.status, 200);
    await page.goto(`${server.url}/merge?from=shop%2Fa&into=main`);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    await page.getByRole('alert').filter({ hasText: 'namespace "hr"' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Merge shop/a into main' }).count(), 0);
  });

  it('a reader of one namespace previews its tables, and the lineage counts the tables it may not see', async () => {
    // Still signed in as shop, who reads shop.* on shop/a; hr is someone else's.
    for (const [ns, name] of [
      ['shop', 'orders'],
      ['hr', 'pay'],
    ] as const) {
      const t = await http('POST', `${server.url}/iceberg/shop%2Fa/v1/namespaces/${ns}/tables`, { name, schema }, etl);
      assert.equal(t.status, 200, JSON.stringify(t.body));
    }
    await page.goto(`${server.url}/tables/shop%2Fa/shop.orders`);
    await page.getByText('0 rows shown').waitFor();
    await page.goto(`${server.url}/lineage/shop%2Fa`);
    await page.locator('.lineage-withheld').filter({ hasText: '1 table is left out' }).waitFor();
    assert.equal(await page.getByText('hr.pay').count(), 0);
    await shot('lineage-namespace-reader');
  });

  it('a reader of team/* only opens a commit of its branch (read through the branch, not as a detached hash)', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('guest');
    await signedInAs('guest');
    assert.equal(await page.locator('.refrow[data-ref="main"]').count(), 0, 'the listing shows only team/*');
    await page.goto(`${server.url}/history/${encodeURIComponent('team/x')}`);
    await page.getByRole('listitem').first().getByRole('link').first().click();
    await page.locator('h1.commit-message').waitFor();
    await page.getByText('Other changes').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    // A reader is offered no revert.
    assert.equal(await page.locator('[data-test="revert"]').count(), 0);
    // The same commit as a detached hash needs read on every reference: refused, and said so.
    const hash = new URL(page.url()).pathname.split('/').pop()!;
    await page.goto(`${server.url}/commits/${hash}`);
    await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
  });

  it('takes a pasted bearer token, and returns to sign-in when the server refuses one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const token = await tokenFor(server.url, 'ops');
    const form = page.getByRole('form', { name: 'Sign in with a bearer token' });
    await form.getByLabel('Token').fill(token);
    await form.getByRole('button', { name: 'Use token' }).click();
    await signedInAs('ops');
    // ops (admin) may delete feature; the row offers it.
    await page.goto(`${server.url}/`);
    await page.locator('.refrow[data-ref="feature"]').getByRole('button', { name: 'delete' }).waitFor();

    // A token the server does not accept (as after a signing-key rotation): back to the sign-in page.
    await page.evaluate(
      `sessionStorage.setItem("rat.session", ${JSON.stringify(JSON.stringify({ token: 'e30.e30.bad', via: 'token' }))})`,
    );
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'The catalog refused the token' }).waitFor();
    assert.equal(await stored(), null);
  });

  it('takes a pasted token that a terminal wrapped, and refuses text no header can carry', async () => {
    await page.goto(`${server.url}/`);
    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    const form = page.getByRole('form', { name: 'Sign in with a bearer token' });
    const token = await tokenFor(server.url, 'bi');
    await form
      .getByLabel('Token')
      .fill(`Bearer ${token.slice(0, 30)}\n${token.slice(30, 60)}\u200b${token.slice(60)}\n`);
    await form.getByRole('button', { name: 'Use token' }).click();
    await signedInAs('bi');
    assert.equal(JSON.parse((await stored())!).token, token);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await form.getByLabel('Token').fill(`${token.slice(0, 30)}…`);
    await form.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('alert').filter({ hasText: 'That is not a bearer token' }).waitFor();
    assert.equal(await stored(), null, 'nothing kept');
    // One kept before this check (or by hand) is dropped when the page loads rather than failing every request.
    await page.evaluate(
      `sessionStorage.setItem("rat.session", ${JSON.stringify(JSON.stringify({ token: 'a\u2026b', via: 'token' }))})`,
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('offers Sign out while signed in to a catalog that cannot be reached', async () => {
    await page.goto(`${server.url}/`);
    await page.evaluate('sessionStorage.clear()');
    await page.reload();
    await signIn('bi');
    await signedInAs('bi');
    await page.route('**/api/v2/**', (route) => route.abort('connectionrefused'));
    try {
      await page.reload();
      await page.getByRole('alert').filter({ hasText: 'UNREACHABLE' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'detached' });
      assert.equal(await stored(), null, 'the token is forgotten');
    } finally {
      await page.unroute('**/api/v2/**');
    }
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
