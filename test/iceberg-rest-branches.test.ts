import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { http } from './support/server.ts';
import { BIG, errorOf, icebergHttpServer, rawPost, schema } from './support/iceberg-http.ts';

/**
 * Iceberg REST on branches over real HTTP: the ref in the URL, writes invisible elsewhere until merged.
 */
describe('Iceberg REST on branches over HTTP', function () {
  const fx = icebergHttpServer();
  const { ice, createTable, appendBody, createRef, mainHash } = fx;

  describe('branches', () => {
    it('writes on a branch are invisible on main until merged; forking copies no data', async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['br'] })).status, 200);
      const t = await createTable('br', 'shared');
      await createRef('feature/x', 'BRANCH');
      const feat = (p: string) => ice(p, 'feature/x');
      assert.ok(feat('').includes('/iceberg/feature%2Fx/v1'));

      // Same table, same metadata file on both branches right after the fork.
      const onFeature = await http('GET', feat('/namespaces/br/tables/shared'));
      assert.equal(onFeature.body['metadata-location'], t['metadata-location']);

      await createTable('br', 'only_feature', 'feature/x');
      const r = await rawPost(feat('/namespaces/br/tables/shared'), appendBody(BIG, 1, 'null'));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/br/tables/only_feature`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.equal(
        (await http('GET', `${fx.base}/namespaces/br/tables/shared`)).body.metadata['current-snapshot-id'],
        -1,
        'main unchanged',
      );
      assert.equal((await http('DELETE', feat('/namespaces/br/tables/shared'))).status, 204);
      assert.equal(
        (await http('HEAD', `${fx.base}/namespaces/br/tables/shared`)).status,
        204,
        'drop on the branch leaves main',
      );

      const featureHead = await mainHash('feature/x');
      const merged = await http('POST', `${fx.server.url}/api/v2/trees/main@${await mainHash()}/history/merge`, {
        fromRefName: 'feature/x',
        fromHash: featureHead,
      });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal((await http('HEAD', `${fx.base}/namespaces/br/tables/only_feature`)).status, 204, 'merged');
      assert.equal((await http('HEAD', `${fx.base}/namespaces/br/tables/shared`)).status, 404, 'drop merged');
    });

    it('a commit on one branch shows on the very next load there (loads are cached by metadata file, not by ref)', async () => {
      const t = await createTable('br', 'cached');
      await createRef('cache-b', 'BRANCH');
      const onB = ice('/namespaces/br/tables/cached', 'cache-b');
      const onMain = `${fx.base}/namespaces/br/tables/cached`;
      for (const mode of ['', '?snapshots=refs']) {
        // Warm: both refs name the same file, loaded twice each.
        for (const url of [onB, onMain, onB, onMain])
          assert.equal((await http('GET', `${url}${mode}`)).body['metadata-location'], t['metadata-location']);
      }
      const committed = await http('POST', onB, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { cached: 'no' } }],
      });
      assert.equal(committed.status, 200, JSON.stringify(committed.body));
      for (const mode of ['', '?snapshots=refs']) {
        const b = await http('GET', `${onB}${mode}`);
        assert.equal(b.body['metadata-location'], committed.body['metadata-location']);
        assert.equal(b.body.metadata.properties.cached, 'no');
        const m = await http('GET', `${onMain}${mode}`, undefined, {
          'x-iceberg-access-delegation': 'vended-credentials',
        });
        assert.equal(m.body['metadata-location'], t['metadata-location']);
        assert.equal(m.body.metadata.properties.cached, undefined);
        assert.equal(typeof m.body.config, 'object');
        assert.notEqual(b.headers.get('etag'), m.headers.get('etag'));
      }
    });

    it('purge on a branch keeps files another branch still uses', async () => {
      const t = await createTable('br', 'keepfiles');
      await createRef('purgebranch', 'BRANCH');
      assert.equal(
        (await http('DELETE', ice('/namespaces/br/tables/keepfiles?purgeRequested=true', 'purgebranch'))).status,
        204,
      );
      assert.ok(existsSync(fileURLToPath(t['metadata-location'])), 'main still needs them');
      assert.equal((await http('GET', `${fx.base}/namespaces/br/tables/keepfiles`)).status, 200);
    });

    it('tags and points in history are readable and refuse writes with 400 READ_ONLY', async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['ro'] })).status, 200);
      const hash = await mainHash();
      await createTable('ro', 'later');
      await createRef('v1', 'TAG');
      for (const ref of [`main@${hash}`, 'v1']) {
        const r = await http('POST', ice('/namespaces/ro/tables', ref), { name: 'nope', schema });
        assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, ref);
        assert.equal((await http('POST', ice('/namespaces', ref), { namespace: ['x'] })).status, 400);
        assert.equal((await http('DELETE', ice('/namespaces/ro', ref))).status, 400);
      }
      assert.equal(
        (await http('HEAD', ice('/namespaces/ro/tables/later', `main@${hash}`))).status,
        404,
        'the past has no table yet',
      );
      assert.equal((await http('HEAD', ice('/namespaces/ro/tables/later', 'v1'))).status, 204);
      const at = new Date(Date.now() + 60_000).toISOString();
      assert.equal((await http('HEAD', ice('/namespaces/ro/tables/later', `main*${at}`))).status, 204);
    });
  });
});
