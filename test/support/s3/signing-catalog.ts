import assert from 'node:assert/strict';
import { http, startTestServer, type TestServer } from '../server.ts';
import { bearer, TEAM_AUTH, tokenFor } from '../auth.ts';
import { startS3Server, type S3TestServer } from './versitygw.ts';

export interface SigningCatalog {
  s3: S3TestServer;
  server: TestServer;
  stop(): Promise<void>;
}

/**
 * A catalog with auth on (the team config of test/support/auth.ts) whose default warehouse is `s3://<bucket>/warehouse`
 * on a fresh versitygw, with client policy `remote-signing`: clients get no keys, only the tables' signer endpoints.
 * With `branch`, `ops` makes that branch from `main` and a namespace `db` on it. With `clientEndpoint`, clients are told
 * to reach S3 at the endpoint it returns for the S3 server (e.g. a proxy in front of it); the catalog still uses S3's.
 *
 * @example const { s3, server, stop } = await startSigningCatalog('rat-signing', { branch: 'team/x' });
 */
export async function startSigningCatalog(
  bucket: string,
  opts: { branch?: string; clientEndpoint?: (s3: S3TestServer) => string } = {},
): Promise<SigningCatalog> {
  const s3 = await startS3Server({ buckets: [bucket] });
  let server: TestServer;
  try {
    server = await startTestServer({
      auth: TEAM_AUTH,
      warehouses: {
        default: {
          uri: `s3://${bucket}/warehouse`,
          s3: {
            endpoint: s3.endpoint,
            region: s3.region,
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
            clientCredentials: 'remote-signing',
            ...(opts.clientEndpoint ? { clientEndpoint: opts.clientEndpoint(s3) } : {}),
          },
        },
      },
    });
  } catch (err) {
    await s3.stop();
    throw err;
  }
  const stop = async () => {
    await server.stop();
    await s3.stop();
  };
  if (opts.branch) {
    const ops = bearer(await tokenFor(server.url, 'ops'));
    const main = await http('GET', `${server.url}/api/v2/trees/main`, undefined, ops);
    const branch = await http(
      'POST',
      `${server.url}/api/v2/trees?name=${encodeURIComponent(opts.branch)}&type=BRANCH`,
      { type: 'BRANCH', name: 'main', hash: main.body.reference.hash },
      ops,
    );
    assert.ok(branch.status < 300, JSON.stringify(branch.body));
    const ns = await http(
      'POST',
      `${server.url}/iceberg/${encodeURIComponent(opts.branch)}/v1/namespaces`,
      { namespace: ['db'] },
      ops,
    );
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
  }
  return { s3, server, stop };
}
