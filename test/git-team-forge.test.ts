/**
 * A forge merge with a signed webhook, as a team on GitHub works with `examples/shop`: the real git binary (merges made
 * where no hook runs), the `rat` CLI and a real server. The server merges what merges and records the rest; `rat
 * status` reports it and `rat sync` finishes it with the merged code, ending where the hooks would have.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { run } from './git-support.ts';
import { assertMergedState, branchCorrectingOrder1001, query, ratOk, useTeamRepo } from './git-team-support.ts';

describe('pipelines on parallel branches merged on a forge (real git, real server, signed webhook)', function () {
  this.timeout(900_000);

  describe('on a forge with a webhook: the server merges what merges, rat sync finishes the rebuild', () => {
    const SECRET = 'forge-secret';
    // feat-a's data lives on an explicitly mapped data branch: the webhook must find it through the same mapping.
    const t = useTeamRepo({
      server: { webhookSecret: SECRET },
      config: '\nbranches:\n  map:\n    feat-a: ana/orders\n',
    });
    const pullRequestMerged = (source: string, mergeSha: string, delivery: string) => {
      const body = JSON.stringify({
        action: 'closed',
        pull_request: {
          number: 7,
          merged: true,
          head: { ref: source },
          base: { ref: 'main' },
          merge_commit_sha: mergeSha,
        },
      });
      return t.catalog.call('POST', '/webhooks/github?map=feat-a:ana/orders', body, {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': delivery,
        'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
      });
    };

    it('maps feat-a by branches.map, records feat-b as pending, and rat sync ends in the merged state', async () => {
      const { server, catalog, repo } = t;
      assert.ok(await catalog.head('ana/orders'), 'feat-a ran on its mapped data branch');
      const noHooks = { cwd: repo.dir, env: { RAT_SKIP_HOOKS: '1' } };
      const shas: string[] = [];
      for (const b of ['feat-a', 'feat-b']) {
        const m = await run('git', ['merge', '--no-ff', '-m', `Merge pull request #7 from org/${b}`, b], noHooks);
        assert.equal(m.code, 0, m.stderr);
        shas.push(await repo.head());
      }

      const a = await pullRequestMerged('feat-a', shas[0]!, 'd-a');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.status, 'merged');
      assert.equal(a.body.source, 'ana/orders');

      const before = await catalog.head('main');
      const b = await pullRequestMerged('feat-b', shas[1]!, 'd-b');
      assert.equal(b.status, 202, JSON.stringify(b.body));
      assert.equal(b.body.status, 'pending');
      assert.equal(b.body.pending.state, 'rebuild');
      assert.ok(b.body.pending.tables.includes('gold.daily_revenue'), JSON.stringify(b.body));
      assert.deepEqual(b.body.pending.blocking, []);
      // Everything else merged in one commit; the derived tables wait at main's version.
      const partial = await catalog.head('main');
      assert.equal(b.body.hash, partial);
      assert.notEqual(partial, before);
      const stale = await query(server, 'main', 'SELECT * FROM gold.daily_revenue');
      assert.ok(!('customers' in stale[0]!), 'gold.daily_revenue not rebuilt by the server');
      const again = await pullRequestMerged('feat-b', shas[1]!, 'd-b2');
      assert.equal(again.status, 202);
      assert.equal(await catalog.head('main'), partial, 'a second event for the same merge changes nothing');

      const out = await repo.rat(['status']);
      assert.equal(out.code, 1, out.stdout);
      assert.match(out.stdout, /feat-b.*gold\.daily_revenue/);

      // The forge deletes a merged branch at once, and so did someone here with its data branch: rat sync merges the
      // source data as the forge event recorded it (the commit, detached) rather than failing.
      const featB = await catalog.head('feat-b');
      assert.ok(featB);
      const del = await catalog.call('DELETE', `/api/v2/trees/${encodeURIComponent(`feat-b@${featB}`)}`);
      assert.equal(del.status, 200, JSON.stringify(del.body));

      const sync = await ratOk(repo, ['sync']);
      assert.match(sync.stdout, /rebuilt with the merged code: .*gold\.daily_revenue/);
      await assertMergedState(server);
      const head = (await catalog.call('GET', '/api/v2/trees/main/history?max-records=1')).body.logEntries[0]
        .commitMeta;
      assert.equal(head.parentCommitHashes[0], partial, 'the rebuild is one commit on main');
      const pending = await catalog.call('GET', '/api/v2/git/pending-merges?target=main');
      assert.deepEqual(pending.body.pendingMerges, []);
      assert.equal((await catalog.link(shas[1]!))?.dataHash, await catalog.head('main'));
      assert.equal((await repo.rat(['status'])).code, 0);
      const rerun = await ratOk(repo, ['run']);
      assert.match(rerun.stdout, /gold\.daily_revenue\s+0 rows, 0 files, unchanged/);
    });
    it('a branch that overwrote bronze.orders: nothing merged, reported by rat status, settled by rat sync --resolve', async () => {
      const { catalog, repo } = t;
      await branchCorrectingOrder1001(repo, 'feat-c');
      await repo.commitFile(
        'landing/orders/orders_2024-03-05.csv',
        'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1011,C001,P02,1,9.90,shipped,2024-03-05 11:00:00\n',
        'orders of March 5',
      );
      await ratOk(repo, ['run']);
      const m = await run('git', ['merge', '--no-ff', '-m', 'Merge pull request #8 from org/feat-c', 'feat-c'], {
        cwd: repo.dir,
        env: { RAT_SKIP_HOOKS: '1' },
      });
      assert.equal(m.code, 0, m.stderr);
      const before = await catalog.head('main');
      const r = await pullRequestMerged('feat-c', await repo.head(), 'd-c');
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.pending.state, 'conflict');
      assert.ok(r.body.pending.blocking.includes('bronze.orders'), JSON.stringify(r.body));
      assert.ok(!r.body.pending.blocking.includes('gold.daily_revenue'), 'derived tables do not block');
      assert.equal(await catalog.head('main'), before, 'nothing merged');

      const status = await repo.rat(['status']);
      assert.equal(status.code, 1);
      assert.match(status.stdout, /feat-c.*not merged: .*bronze\.orders/);
      const sync = await repo.rat(['sync']);
      assert.equal(sync.code, 1, sync.stdout);
      assert.match(sync.stdout + sync.stderr, /bronze\.orders/);
      assert.equal(await catalog.head('main'), before);

      await ratOk(repo, ['sync', '--resolve', 'ours']);
      const pending = await catalog.call('GET', '/api/v2/git/pending-merges?target=main');
      assert.deepEqual(pending.body.pendingMerges, []);
      const kept = await query(t.server, 'main', 'SELECT quantity FROM bronze.orders WHERE order_id = 1001');
      assert.deepEqual(
        kept.map((x) => Number(x.quantity)),
        [2],
      );
      assert.equal((await repo.rat(['status'])).code, 0);
    });
  });
});
