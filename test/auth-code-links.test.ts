/**
 * Code links with auth on tell a caller nothing about commits it may not read. Writing one
 * (`PUT /api/v2/git/links/{sha}`): a data hash that does not exist and one on a branch the writer cannot read get the
 * same answer. Reading them (`GET /api/v2/git/links/{sha}`, `GET /api/v2/git/links?dataHash=`): a link whose data
 * commit the caller could not read through its data branch is answered as if it did not exist.
 */
import assert from 'node:assert/strict';
import { hashSecret } from '@ratatouille/catalog-server';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { TEAM_AUTH, bearer, clientToken, tokenFor } from './support/auth.ts';

/** The team config plus `narrow`, who reads and writes `team/*` only, and `ingest`, who writes there unread. */
const AUTH = {
  ...TEAM_AUTH,
  clients: [
    ...TEAM_AUTH.clients!,
    { id: 'narrow', 'secret-sha256': hashSecret('narrow-secret'), roles: ['team-writer'] },
    { id: 'ingest', 'secret-sha256': hashSecret('ingest-secret'), roles: ['team-ingest'] },
  ],
  roles: {
    ...TEAM_AUTH.roles,
    'team-writer': [{ refs: ['team/*'], allow: ['read' as const, 'write' as const] }],
    'team-ingest': [{ refs: ['team/*'], allow: ['write' as const] }],
  },
};

describe('auth: code links do not reveal which commits exist', function () {
  this.timeout(60_000);
  let server: TestServer;
  let ops: Record<string, string>;
  let etl: Record<string, string>;
  let narrow: Record<string, string>;
  let ingest: Record<string, string>;
  /** The head of `hidden` (a branch `narrow` cannot read) and of `team/a` (one it can). */
  let hidden: string;
  let team: string;
  const UNKNOWN = 'deadbeef'.repeat(8);
  const api = (p: string) => `${server.url}/api/v2${p}`;
  const put = (sha: string, body: unknown, who: Record<string, string>) =>
    http('PUT', api(`/git/links/${sha}`), body, who);
  /** Status and body of a refusal with the commit hash it names blanked out, to compare two refusals. */
  const answer = async (r: ReturnType<typeof put>, hash: string) => {
    const { status, body } = await r;
    return { status, body: JSON.stringify(body).split(hash).join('<hash>') };
  };

  before(async () => {
    server = await startTestServer({ auth: AUTH });
    ops = bearer(await tokenFor(server.url, 'ops'));
    etl = bearer(await tokenFor(server.url, 'etl'));
    narrow = bearer(await clientToken(server.url, 'narrow', 'narrow-secret'));
    ingest = bearer(await clientToken(server.url, 'ingest', 'ingest-secret'));
    const main = (await http('GET', api('/trees/main'), undefined, ops)).body.reference;
    for (const name of ['team%2Fa', 'hidden']) {
      assert.equal((await http('POST', api(`/trees?name=${name}&type=BRANCH`), main, ops)).status, 200);
    }
    for (const [ref, ns] of [
      ['hidden', 'secret'],
      ['team%2Fa', 'open'],
    ]) {
      const r = await http('POST', `${server.url}/iceberg/${ref}/v1/namespaces`, { namespace: [ns] }, ops);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    hidden = (await http('GET', api('/trees/hidden'), undefined, ops)).body.reference.hash;
    team = (await http('GET', api('/trees/team%2Fa'), undefined, ops)).body.reference.hash;
  });
  after(async () => server?.stop());

  it('answers a commit of a branch the writer cannot read exactly as one that does not exist', async () => {
    const sha = 'a1'.repeat(20);
    for (const [seen, unknown] of [
      [hidden, UNKNOWN],
      [hidden.slice(0, 12), UNKNOWN.slice(0, 12)],
    ] as const) {
      const other = await answer(put(sha, { dataRef: 'team/a', dataHash: seen }, narrow), seen);
      const none = await answer(put(sha, { dataRef: 'team/a', dataHash: unknown }, narrow), unknown);
      assert.deepEqual(other, none);
      assert.equal(other.status, 400, other.body);
    }
    // Nor through a data branch that no longer exists, which has no history to check the commit against.
    const gone = await answer(put(sha, { dataRef: 'team/gone', dataHash: hidden }, narrow), hidden);
    assert.deepEqual(gone, await answer(put(sha, { dataRef: 'team/gone', dataHash: UNKNOWN }, narrow), UNKNOWN));
    assert.notEqual(gone.status, 200, gone.body);
    // Nor to a caller who may write a branch but not read it, whatever the commit.
    const unread = await answer(put(sha, { dataRef: 'team/a', dataHash: team }, ingest), team);
    assert.deepEqual(unread, await answer(put(sha, { dataRef: 'team/a', dataHash: UNKNOWN }, ingest), UNKNOWN));
    assert.notEqual(unread.status, 200, unread.body);
  });

  it('shows a caller who may not read every reference only the links whose data commit it may read', async () => {
    const [onHidden, onTeam, onGone, onMoved, none] = ['e5', 'f6', 'a7', 'b8', '99'].map((x) => x.repeat(20));
    // A commit made on team/moved, which is then re-pointed back to main: no readable branch has it any more.
    const main = (await http('GET', api('/trees/main'), undefined, ops)).body.reference;
    assert.equal((await http('POST', api('/trees?name=team%2Fmoved&type=BRANCH'), main, ops)).status, 200);
    const ns = await http('POST', `${server.url}/iceberg/team%2Fmoved/v1/namespaces`, { namespace: ['gone'] }, ops);
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
    const moved = (await http('GET', api('/trees/team%2Fmoved'), undefined, ops)).body.reference.hash;
    for (const [sha, dataRef, dataHash] of [
      [onHidden, 'hidden', hidden],
      [onTeam, 'team/a', team],
      [onGone, 'team/gone', hidden],
      [onMoved, 'team/moved', moved],
    ] as const) {
      const r = await put(sha, { dataRef, dataHash }, ops);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const back = { type: 'BRANCH', name: 'main', hash: main.hash };
    const moveBack = await http('PUT', api(`/trees/${encodeURIComponent(`team/moved@${moved}`)}`), back, ops);
    assert.equal(moveBack.status, 200, JSON.stringify(moveBack.body));
    const get = (sha: string, who: Record<string, string>) => http('GET', api(`/git/links/${sha}`), undefined, who);
    const absent = await answer(get(none, narrow), none);
    assert.equal(absent.status, 404, absent.body);
    // A hidden data branch, a deleted one, a commit re-pointed away: each as if no link were recorded.
    for (const sha of [onHidden, onGone, onMoved]) assert.deepEqual(await answer(get(sha, narrow), sha), absent, sha);
    assert.equal((await get(onTeam, narrow)).body.dataHash, team);
    const list = async (dataHash: string, who: Record<string, string>) =>
      (await http('GET', api(`/git/links?dataHash=${dataHash}`), undefined, who)).body.links
        .map((l: { sha: string }) => l.sha)
        .filter((sha: string) => [onHidden, onTeam, onGone, onMoved].includes(sha))
        .sort();
    assert.deepEqual(await list(hidden, narrow), []);
    assert.deepEqual(await list(moved, narrow), []);
    assert.deepEqual(await list(team, narrow), [onTeam]);
    // Nor does refusing to re-point such a link name its data branch.
    const repoint = await put(onHidden, { dataRef: 'team/a', dataHash: team }, narrow);
    assert.equal(repoint.status, 403, JSON.stringify(repoint.body));
    assert.ok(!JSON.stringify(repoint.body).includes('hidden'), JSON.stringify(repoint.body));
    // Callers who read every reference see every link, as without auth.
    for (const who of [ops, etl]) {
      for (const sha of [onHidden, onTeam, onGone, onMoved]) assert.equal((await get(sha, who)).status, 200, sha);
      assert.deepEqual(await list(hidden, who), [onGone, onHidden].sort());
      assert.deepEqual(await list(moved, who), [onMoved]);
    }
  });

  it('fills a listing’s pages with the links a caller may read, however many hidden ones are newer', async () => {
    // One data commit on two branches: links through team/a are readable to `narrow`, those through `hidden2` not.
    const r = await http(
      'POST',
      api('/trees?name=hidden2&type=BRANCH'),
      { type: 'BRANCH', name: 'team/a', hash: team },
      ops,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const sha = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}`.padEnd(40, '0');
    const readable = [0, 1, 2].map((i) => sha('fa', i));
    // The readable links first (older), then more hidden ones than one request reads past (1,000 beyond its page).
    for (const s of readable) assert.equal((await put(s, { dataRef: 'team/a', dataHash: team }, ops)).status, 200);
    for (let i = 0; i < 1_010; i++) {
      const h = await put(sha('fb', i), { dataRef: 'hidden2', dataHash: team }, ops);
      assert.equal(h.status, 200, JSON.stringify(h.body));
    }
    /** Every page from the first, following tokens: each page's shas. */
    const pages = async (who: Record<string, string>, maxRecords: number) => {
      const out: string[][] = [];
      let token: string | null = null;
      do {
        const q: string = `dataHash=${team}&max-records=${maxRecords}${token ? `&page-token=${token}` : ''}`;
        const res = await http('GET', api(`/git/links?${q}`), undefined, who);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.hasMore, res.body.token !== null);
        out.push(res.body.links.map((l: { sha: string }) => l.sha));
        token = res.body.token;
      } while (token !== null && out.length < 50);
      return out;
    };
    // Newest first. A request reads at most its page, the link after it and 1,000 hidden links: the first 1,003 read
    // are all hidden, so the first page is empty but carries a token, and paging on finds every readable link once
    // (the last one is the earlier case's link through team/a).
    const narrowPages = await pages(narrow, 2);
    assert.deepEqual(narrowPages, [[], [readable[2], readable[1]], [readable[0], 'f6'.repeat(20)]]);
    // Callers who read every reference page through all of them, none twice.
    const all = (await pages(ops, 400)).flat();
    assert.equal(all.length, 1_014);
    assert.equal(new Set(all).size, all.length);
    const bad = await http('GET', api(`/git/links?dataHash=${team}&page-token=bm9wZQ`), undefined, narrow);
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
  });

  it('still links a commit the writer may read', async () => {
    const own = await put('b2'.repeat(20), { dataRef: 'team/a', dataHash: team }, narrow);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.dataHash, team);
    // A caller who reads every reference may link any commit to a data branch deleted since (a rewritten commit's).
    const copied = await put('c3'.repeat(20), { dataRef: 'team/gone', dataHash: hidden }, etl);
    assert.equal(copied.status, 200, JSON.stringify(copied.body));
  });
});
