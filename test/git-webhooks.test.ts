/** Forge webhooks over HTTP against a real server: GitLab and Gitea signatures, ignored events, conflicts, mapping. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestServer, type TestServer } from './support/server.ts';
import { Catalog } from './git-support.ts';

describe('git lockstep webhooks (GitLab, Gitea, conflicts, branch mapping)', function () {
  this.timeout(120_000);
  const SECRET = 'hook-secret';
  let server: TestServer;
  let catalog: Catalog;

  const branch = async (name: string) => {
    const main = await catalog.ref('main');
    const r = await catalog.call('POST', `/api/v2/trees?name=${encodeURIComponent(name)}&type=BRANCH`, main);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const gitlab = (source: string, token: string, uuid: string, action = 'merge', delivery = uuid) => {
    const body = JSON.stringify({
      object_kind: 'merge_request',
      object_attributes: {
        action,
        iid: 3,
        source_branch: source,
        target_branch: 'main',
        merge_commit_sha: uuid.padEnd(40, '0'),
      },
    });
    return catalog.call('POST', '/webhooks/gitlab', body, {
      'content-type': 'application/json',
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-token': token,
      'x-gitlab-event-uuid': delivery,
    });
  };

  beforeEach(async () => {
    server = await startTestServer({ webhookSecret: SECRET });
    catalog = new Catalog(server.url);
  });
  afterEach(async () => server?.stop());

  it('GitLab: a wrong token is 401 and changes nothing; the right one merges; other actions are ignored', async () => {
    await branch('gl');
    await catalog.putTable('gl', 'db.gl', 'file:///gl.json');
    const before = await catalog.head('main');
    assert.equal((await gitlab('gl', 'nope', 'aa')).status, 401);
    assert.equal(await catalog.head('main'), before);
    assert.equal((await gitlab('gl', SECRET, 'bb', 'open')).status, 202);
    assert.equal(await catalog.head('main'), before);
    const ok = await gitlab('gl', SECRET, 'cc');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'merged');
    assert.deepEqual(await catalog.tables('main'), ['db.gl']);
    assert.equal((await catalog.link('cc'.padEnd(40, '0')))?.dataHash, await catalog.head('main'));
  });

  it("the same delivery sent twice at once merges once, and the duplicate answers with the first one's outcome", async () => {
    await branch('twice');
    await catalog.putTable('twice', 'db.twice', 'file:///twice.json');
    const answers = await Promise.all([gitlab('twice', SECRET, 'tw'), gitlab('twice', SECRET, 'tw')]);
    const merged = answers.find((a) => a.body.status === 'merged');
    const duplicate = answers.find((a) => a.body.status === 'replayed');
    assert.ok(merged && duplicate, JSON.stringify(answers.map((a) => a.body)));
    assert.equal(duplicate.status, 200);
    const { deliveryId: _, ...outcome } = merged.body;
    assert.deepEqual(duplicate.body.previous, outcome, 'the outcome itself, not a guess');
    assert.equal(await catalog.head('main'), merged.body.hash);
  });

  it('a signed body that is not JSON, raw or in the payload field of a form, is 400 and changes nothing', async () => {
    const before = await catalog.head('main');
    const send = (body: string, contentType: string) =>
      catalog.call('POST', '/webhooks/gitlab', body, {
        'content-type': contentType,
        'x-gitlab-event': 'Merge Request Hook',
        'x-gitlab-token': SECRET,
        'x-gitlab-event-uuid': 'dd',
      });
    const raw = await send('{"object_kind":', 'application/json');
    assert.equal(raw.status, 400, JSON.stringify(raw.body));
    const form = await send('payload=%7B%22object_kind%22%3A', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 400, JSON.stringify(form.body));
    assert.match(JSON.stringify(form.body), /payload\\" field is not JSON/);
    assert.equal(await catalog.head('main'), before);
  });

  it('Gitea: X-Gitea-Signature; a source without data branch is ignored', async () => {
    await branch('gt');
    await catalog.putTable('gt', 'db.gt', 'file:///gt.json');
    const send = (source: string, delivery: string, secret = SECRET) => {
      const body = JSON.stringify({
        action: 'closed',
        pull_request: { number: 1, merged: true, head: { ref: source }, base: { ref: 'main' }, merge_commit_sha: null },
      });
      return catalog.call('POST', '/webhooks', body, {
        'content-type': 'application/json',
        'x-gitea-event': 'pull_request',
        'x-gitea-delivery': delivery,
        'x-gitea-signature': createHmac('sha256', secret).update(body).digest('hex'),
      });
    };
    assert.equal((await send('gt', 'g0', 'other')).status, 401);
    const r = await send('gt', 'g1');
    assert.equal(r.status, 200);
    assert.deepEqual(await catalog.tables('main'), ['db.gt']);
    const none = await send('no-such-branch', 'g2');
    assert.equal(none.status, 202);
  });

  it('a data conflict on a table no model produces merges nothing, is recorded for rat sync, and is retried on the next event', async () => {
    await branch('cf');
    await catalog.putTable('cf', 'db.x', 'file:///cf.json');
    await catalog.putTable('main', 'db.x', 'file:///main.json');
    const before = await catalog.head('main');
    const r = await gitlab('cf', SECRET, 'dd');
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.status, 'pending');
    assert.equal(r.body.pending.state, 'conflict');
    assert.deepEqual(r.body.pending.blocking, ['db.x']);
    assert.equal(await catalog.head('main'), before);
    const listed = await catalog.call('GET', '/api/v2/git/pending-merges?target=main');
    assert.deepEqual(
      listed.body.pendingMerges.map((p: { sourceRef: string; state: string }) => [p.sourceRef, p.state]),
      [['cf', 'conflict']],
    );
    // The same delivery again is a replay; once settled on the source, the next event for the merge merges it.
    assert.equal((await gitlab('cf', SECRET, 'dd')).body.status, 'replayed');
    await catalog.putTable('cf', 'db.x', 'file:///main.json');
    const head = await catalog.head('cf');
    const merged = await catalog.call('POST', `/api/v2/trees/cf@${head}/history/merge`, {
      fromRefName: 'main',
      fromHash: before,
      defaultKeyMergeMode: 'FORCE',
    });
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    const retry = await gitlab('cf', SECRET, 'dd', 'merge', 'dd-2');
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.notEqual(await catalog.head('main'), before);
    const after = await catalog.call('GET', '/api/v2/git/pending-merges?target=main');
    assert.deepEqual(after.body.pendingMerges, []);
  });

  it('an explicit branch mapping (branches.map of rat.yaml) can be given in the URL; a malformed one is 400', async () => {
    await branch('ana/orders');
    await catalog.putTable('ana/orders', 'db.mapped', 'file:///mapped.json');
    const send = (query: string, delivery: string) => {
      const body = JSON.stringify({
        action: 'closed',
        pull_request: { number: 4, merged: true, head: { ref: 'feat-a' }, base: { ref: 'main' } },
      });
      return catalog.call('POST', `/webhooks/github${query}`, body, {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': delivery,
        'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
      });
    };
    assert.equal((await send('?map=feat-a', 'm0')).status, 400);
    const r = await send('?prefix=data/&map=feat-a:ana/orders', 'm1');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.source, 'ana/orders');
    assert.deepEqual(await catalog.tables('main'), ['db.mapped']);
    // The URL's mapping is not signed: the same signed event sent again under another mapping merges nothing.
    await branch('secret');
    await catalog.putTable('secret', 'db.secret', 'file:///secret.json');
    const head = await catalog.head('main');
    const replayed = await send('?map=feat-a:secret', 'm2');
    assert.equal(replayed.status, 401, JSON.stringify(replayed.body));
    assert.equal(await catalog.head('main'), head);
    // Under its own mapping (pairs in any order) it is a redelivery, answered as before.
    const again = await send('?map=feat-a:ana/orders&prefix=data/', 'm3');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(await catalog.head('main'), head);
  });

  it('the branch prefix of rat.yaml can be given in the URL', async () => {
    await branch('data/pf');
    await catalog.putTable('data/pf', 'db.pf', 'file:///pf.json');
    const body = JSON.stringify({
      action: 'closed',
      pull_request: {
        number: 2,
        merged: true,
        head: { ref: 'pf' },
        base: { ref: 'main' },
        merge_commit_sha: 'e'.repeat(40),
      },
    });
    const r = await catalog.call('POST', '/webhooks/github?prefix=data/&unprefixed=main', body, {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': 'p1',
      'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await catalog.tables('main'), ['db.pf']);
  });

  it('without a configured secret every webhook is refused', async () => {
    const open = await startTestServer();
    try {
      const r = await new Catalog(open.url).call('POST', '/webhooks/github', '{}', {
        'content-type': 'application/json',
        'x-github-event': 'ping',
      });
      assert.equal(r.status, 401);
    } finally {
      await open.stop();
    }
  });
});
