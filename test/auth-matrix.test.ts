/**
 * Every route × every caller against the team auth config: a request the rules deny must be refused (401 without a
 * token, 403 with one) and a request they allow must reach its handler (any status but 401/403). Request bodies are
 * invalid or aim at missing objects, so allowed requests fail validation after authorization and change nothing.
 */
import assert from 'node:assert/strict';
import { http, metricValue, startTestServer, type TestServer } from './support/server.ts';
import { TEAM_AUTH, bearer, tokenFor, type TeamClient } from './support/auth.ts';
import { schema } from './support/iceberg-http.ts';

type Caller = TeamClient | 'anonymous';
const CALLERS: Caller[] = ['anonymous', 'guest', 'bi', 'etl', 'rel', 'ops'];

interface RouteCase {
  method: string;
  path: string;
  body?: unknown;
  /** Callers the rules allow (never `anonymous`). */
  allow: TeamClient[];
}

const READERS: TeamClient[] = ['bi', 'etl', 'rel', 'ops'];
const AUTHENTICATED: TeamClient[] = ['guest', ...READERS];
const WRITERS: TeamClient[] = ['etl', 'ops'];
const MAIN_MERGERS: TeamClient[] = ['rel', 'ops'];
const ADMINS: TeamClient[] = ['ops'];

/** The Iceberg REST routes under one base path; `writers` is who may commit to that ref. */
function icebergRoutes(base: string, writers: TeamClient[]): RouteCase[] {
  const r = (method: string, path: string, allow: TeamClient[], body?: unknown): RouteCase => ({
    method,
    path: `${base}/v1${path}`,
    allow,
    body,
  });
  const ns = '/namespaces/nope';
  return [
    r('GET', '/config', READERS),
    r('GET', '/namespaces', READERS),
    r('POST', '/namespaces', writers, {}),
    r('GET', ns, READERS),
    r('HEAD', ns, READERS),
    r('DELETE', ns, writers),
    r('POST', `${ns}/properties`, writers, { updates: 1 }),
    r('GET', `${ns}/tables`, READERS),
    r('POST', `${ns}/tables`, writers, {}),
    r('POST', `${ns}/register`, writers, {}),
    r('GET', `${ns}/tables/t`, READERS),
    r('HEAD', `${ns}/tables/t`, READERS),
    r('POST', `${ns}/tables/t`, writers, { requirements: 1 }),
    r('DELETE', `${ns}/tables/t`, writers),
    r('GET', `${ns}/tables/t/credentials`, READERS),
    r('POST', `${ns}/tables/t/metrics`, READERS, {}),
    r('POST', `/wh${ns}/tables/t/metrics`, READERS, {}),
    // S3 remote signing: a load for reads (GET, HEAD), a commit as well for writes; the body names the method.
    r('POST', `${ns}/tables/t/sign`, READERS, { method: 'GET' }),
    r('POST', `${ns}/tables/t/sign`, READERS, { method: 'HEAD' }),
    r('POST', `${ns}/tables/t/sign`, READERS, {}),
    r('POST', `${ns}/tables/t/sign`, writers, { method: 'PUT' }),
    r('POST', `${ns}/tables/t/sign`, writers, { method: 'DELETE' }),
    r('POST', `/wh${ns}/tables/t/sign`, writers, { method: 'POST' }),
    r('POST', `${ns}/tables/sign`, writers, { requirements: 1 }),
    // Tables and views named metrics are committed to like any other.
    r('POST', `${ns}/tables/metrics`, writers, { requirements: 1 }),
    r('POST', `${ns}/tables/METRICS`, writers, { requirements: 1 }),
    r('POST', `${ns}/views/metrics`, writers, {}),
    r('POST', '/tables/rename', writers, {}),
    r('POST', '/transactions/commit', writers, {}),
    r('GET', `${ns}/views`, READERS),
    r('POST', `${ns}/views`, writers, {}),
    r('GET', `${ns}/views/v`, READERS),
    r('HEAD', `${ns}/views/v`, READERS),
    r('POST', `${ns}/views/v`, writers, {}),
    r('DELETE', `${ns}/views/v`, writers),
    r('POST', `${ns}/register-view`, writers, {}),
    r('POST', '/views/rename', writers, {}),
    r('GET', '/wh/namespaces', READERS),
    r('POST', '/wh/namespaces', writers, {}),
  ];
}

function managementRoutes(mainHash: string, devHash: string): RouteCase[] {
  const wrong = '0'.repeat(64);
  const r = (method: string, path: string, allow: TeamClient[], body?: unknown): RouteCase => ({
    method,
    path: `/api/v2${path}`,
    allow,
    body,
  });
  return [
    r('GET', '/config', AUTHENTICATED),
    r('GET', '/trees', AUTHENTICATED),
    r('POST', '/trees?name=x&type=BRANCH', WRITERS, { type: 'BRANCH', name: 'dev' }),
    r('POST', '/trees?name=release%2F9&type=TAG', ADMINS, { type: 'BRANCH', name: 'dev' }),
    r('GET', '/trees/dev', READERS),
    r('GET', '/trees/-', READERS),
    r('PUT', `/trees/dev@${devHash}?type=BRANCH`, WRITERS, { type: 'BRANCH', name: 'main' }),
    r('PUT', `/trees/main@${mainHash}?type=BRANCH`, ADMINS, { type: 'BRANCH', name: 'dev' }),
    r('DELETE', `/trees/dev@${wrong}?type=BRANCH`, WRITERS),
    r('DELETE', `/trees/main@${wrong}?type=BRANCH`, ADMINS),
    r('GET', '/trees/dev/history', READERS),
    r('GET', '/trees/main/recent-changes', READERS),
    r('GET', `/trees/main@${mainHash}/entries`, READERS),
    r('GET', '/trees/dev/contents/db.t', READERS),
    r('GET', '/trees/dev/contents?key=db.t', READERS),
    r('POST', '/trees/dev/contents', READERS, {}),
    r('GET', '/trees/main/diff/dev', READERS),
    r('GET', `/trees/@${mainHash}/entries`, READERS),
    r('POST', `/trees/dev@${devHash}/history/commit`, WRITERS, {}),
    r('POST', `/trees/main@${mainHash}/history/commit`, [], {}),
    r('POST', `/trees/main@${mainHash}/history/merge`, MAIN_MERGERS, { fromRefName: 'dev' }),
    r('POST', `/trees/dev@${devHash}/history/merge`, WRITERS, { fromRefName: 'main' }),
    r('POST', `/trees/main@${mainHash}/history/transplant`, MAIN_MERGERS, { fromRefName: 'dev' }),
    r('GET', '/rat/reflog', READERS),
    r('GET', '/rat/reflog?ref=dev', READERS),
    r('GET', '/rat/whoami?ref=main&ref=dev', AUTHENTICATED),
    r('GET', '/git/links?dataHash=00000000', AUTHENTICATED),
    r('GET', '/git/links/abc1234', AUTHENTICATED),
    r('PUT', '/git/links/abc1234', WRITERS, { dataRef: 'dev' }),
    r('PUT', '/git/links/abc1234', MAIN_MERGERS, { dataRef: 'main' }),
    r('GET', '/git/pending-merges?target=main', READERS),
    r('DELETE', '/git/pending-merges/abcd1234?target=main', MAIN_MERGERS),
    r('GET', '/no-such-route', ADMINS),
  ];
}

/**
 * `ref@hash` reads: `guest` reads `team/x`, so it may read the commits on `team/x`'s history and no other commit by
 * hash (here dev's head); callers that read every reference may read any commit.
 */
function pinnedCommitRoutes(teamHash: string, devHash: string): RouteCase[] {
  const team = (hash: string) => encodeURIComponent(`team/x@${hash}`);
  const r = (method: string, path: string, allow: TeamClient[], body?: unknown): RouteCase => ({
    method,
    path,
    allow,
    body,
  });
  return [
    r('GET', `/api/v2/trees/${team(teamHash)}/entries`, AUTHENTICATED),
    r('GET', `/api/v2/trees/${team(devHash)}/entries`, READERS),
    r('GET', `/api/v2/trees/${team(devHash.slice(0, 12))}/history`, READERS),
    r('GET', `/api/v2/trees/${team(teamHash)}/diff/${team(devHash)}`, READERS),
    r('GET', `/api/v2/rat/graph?ref=${team(teamHash)}`, AUTHENTICATED),
    r('GET', `/api/v2/rat/graph?ref=${team(devHash)}`, READERS),
    r('GET', `/api/v2/rat/preview?ref=${team(devHash)}&key=db.t`, READERS),
    r('GET', `/api/v2/rat/lineage?ref=${team(teamHash)}`, AUTHENTICATED),
    r('GET', `/api/v2/rat/lineage?ref=${team(devHash)}`, READERS),
    // Both sides are read: guest may read team/x, not dev's head through it.
    r('GET', `/api/v2/rat/row-diff?from=${team(teamHash)}&to=${team(teamHash)}&key=db.t`, AUTHENTICATED),
    r('GET', `/api/v2/rat/row-diff?from=${team(teamHash)}&to=${team(devHash)}&key=db.t`, READERS),
    r('GET', `/iceberg/${team(teamHash)}/v1/namespaces`, AUTHENTICATED),
    r('GET', `/iceberg/${team(devHash)}/v1/namespaces`, READERS),
  ];
}

describe('auth matrix: every route × every caller', function () {
  this.timeout(120_000);
  let server: TestServer;
  const tokens: Partial<Record<Caller, string>> = {};
  let routes: RouteCase[] = [];
  let devHash = '';

  before(async () => {
    server = await startTestServer({ auth: TEAM_AUTH });
    for (const c of CALLERS) if (c !== 'anonymous') tokens[c] = await tokenFor(server.url, c);
    const ops = bearer(tokens.ops!);
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, ops)).body.reference;
    const team = await http('POST', `${server.url}/api/v2/trees?name=team%2Fx&type=BRANCH`, main, ops);
    assert.equal(team.status, 200);
    assert.equal((await http('POST', `${server.url}/api/v2/trees?name=dev&type=BRANCH`, main, ops)).status, 200);
    // A commit on dev only: dev's head is on no history guest may read.
    const ns = await http('POST', `${server.url}/iceberg/dev/v1/namespaces`, { namespace: ['only_dev'] }, ops);
    assert.equal(ns.status, 200);
    const dev = await http('GET', `${server.url}/api/v2/trees/dev`, undefined, ops);
    devHash = dev.body.reference.hash;
    routes = [
      ...icebergRoutes('/iceberg', []),
      ...icebergRoutes('/iceberg/dev', WRITERS),
      // Authorized as a commit on dev; the handler then refuses it as read-only (400).
      ...icebergRoutes(`/iceberg/dev@${dev.body.reference.hash}`, WRITERS),
      ...managementRoutes(main.hash, dev.body.reference.hash),
      ...pinnedCommitRoutes(team.body.reference.hash, dev.body.reference.hash),
    ];
  });
  after(async () => server?.stop());

  it('refuses every denied request (leaks = 0) and lets every allowed one through (over-blocks = 0)', async () => {
    const leaks: string[] = [];
    const overBlocks: string[] = [];
    let checked = 0;
    for (const route of routes) {
      for (const caller of CALLERS) {
        const headers = caller === 'anonymous' ? {} : bearer(tokens[caller]!);
        const res = await http(route.method, `${server.url}${route.path}`, route.body, headers);
        checked++;
        const allowed = caller !== 'anonymous' && route.allow.includes(caller);
        const refusedAs = caller === 'anonymous' ? 401 : 403;
        const what = `${caller} ${route.method} ${route.path} → ${res.status}`;
        if (!allowed && res.status !== refusedAs) leaks.push(what);
        if (allowed && (res.status === 401 || res.status === 403)) overBlocks.push(what);
        if (res.status >= 500) overBlocks.push(`${what} (server error)`);
      }
    }
    console.log(`      ${checked} requests over ${routes.length} routes × ${CALLERS.length} callers`);
    assert.deepEqual(leaks, [], `leaks: ${leaks.length}`);
    assert.deepEqual(overBlocks, [], `over-blocks: ${overBlocks.length}`);
  });

  it('loads answered ahead of express (http/hot-reads.ts) keep the policy: 200 to readers only, pinned reads by history', async () => {
    const etl = bearer(tokens.etl!);
    for (const ref of ['team/x', 'dev']) {
      const base = `${server.url}/iceberg/${encodeURIComponent(ref)}/v1`;
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['hot'] }, etl)).status, 200);
      const created = await http('POST', `${base}/namespaces/hot/tables`, { name: 't', schema }, etl);
      assert.equal(created.status, 200, JSON.stringify(created.body));
    }
    const teamHead = (await http('GET', `${server.url}/api/v2/trees/team%2Fx`, undefined, etl)).body.reference.hash;
    const front = (name: string) =>
      metricValue(server.url, 'rat_http_table_read_front_end_total', { request: 'load', front_end: name });
    const [hot0, express0] = [await front('hot'), await front('express')];
    const load = async (ref: string, caller: Caller) =>
      (
        await http(
          'GET',
          `${server.url}/iceberg/${encodeURIComponent(ref)}/v1/namespaces/hot/tables/t`,
          undefined,
          caller === 'anonymous' ? {} : bearer(tokens[caller]!),
        )
      ).status;
    const refs = {
      'team/x': 'team/x',
      dev: 'dev',
      'team/x@team': `team/x@${teamHead}`,
      'team/x@dev': `team/x@${devHash}`,
    };
    const got: string[] = [];
    for (const caller of CALLERS) {
      for (const [label, ref] of Object.entries(refs)) got.push(`${caller} ${label} ${await load(ref, caller)}`);
    }
    const expected = CALLERS.flatMap((c) => {
      if (c === 'anonymous')
        return ['team/x 401', 'dev 401', 'team/x@team 401', 'team/x@dev 401'].map((x) => `${c} ${x}`);
      // guest reads team/* only, and by hash only the commits on team/x's history; readers read every reference (a
      // commit not on team/x's history they may read detached; the table is not there: 404).
      if (c === 'guest') return ['team/x 200', 'dev 403', 'team/x@team 200', 'team/x@dev 403'].map((x) => `${c} ${x}`);
      return ['team/x 200', 'dev 200', 'team/x@team 200', 'team/x@dev 404'].map((x) => `${c} ${x}`);
    });
    assert.deepEqual(got, expected);
    // Plain reads of a readable table are answered ahead of express (guest 1, the four readers 2 each); pinned reads,
    // refusals and errors are handed over to it.
    assert.equal((await front('hot')) - hot0, 9);
    assert.equal((await front('express')) - express0, 15);
  });

  it('commits answered ahead of express (http/hot-commits.ts) keep the policy and name the caller as author', async () => {
    const front = (name: string) =>
      metricValue(server.url, 'rat_http_table_commit_front_end_total', { front_end: name });
    const [hot0, express0] = [await front('hot'), await front('express')];
    const commit = async (ref: string, caller: Caller, value: string) =>
      (
        await http(
          'POST',
          `${server.url}/iceberg/${encodeURIComponent(ref)}/v1/namespaces/hot/tables/t`,
          { requirements: [], updates: [{ action: 'set-properties', updates: { by: value } }] },
          caller === 'anonymous'
            ? { 'x-rat-author': 'someone' }
            : { ...bearer(tokens[caller]!), 'x-rat-author': 'someone' },
        )
      ).status;
    const got: string[] = [];
    for (const caller of CALLERS) {
      for (const ref of ['team/x', 'dev']) got.push(`${caller} ${ref} ${await commit(ref, caller, caller)}`);
    }
    // etl and ops write anywhere but protected main; the others may not commit (401 without a token).
    const expected = CALLERS.flatMap((c) =>
      ['team/x', 'dev'].map((ref) => `${c} ${ref} ${c === 'anonymous' ? 401 : WRITERS.includes(c) ? 200 : 403}`),
    );
    assert.deepEqual(got, expected);
    // Anonymous callers fail authentication and are handed over too (express answers the 401).
    assert.equal((await front('hot')) - hot0, 4);
    assert.equal((await front('express')) - express0, 8);
    const log = await http(
      'GET',
      `${server.url}/api/v2/trees/dev/history?maxRecords=1`,
      undefined,
      bearer(tokens.ops!),
    );
    const meta = log.body.logEntries[0].commitMeta;
    assert.deepEqual(
      [meta.authors, meta.allProperties['rat.principal']],
      [['ops'], ['ops']],
      'the caller, not the header',
    );
  });

  it('changed nothing: the refs are where they were', async () => {
    const refs = await http('GET', `${server.url}/api/v2/trees`, undefined, bearer(tokens.ops!));
    assert.deepEqual(
      refs.body.references.map((r: { name: string }) => r.name),
      ['dev', 'main', 'team/x'],
    );
  });
});
