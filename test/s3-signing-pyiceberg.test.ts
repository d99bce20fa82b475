import assert from 'node:assert/strict';
import path from 'node:path';
import type { TestServer } from './support/server.ts';
import { startSigningCatalog } from './support/s3/signing-catalog.ts';
import { SECRETS } from './support/auth.ts';
import { runClientScript, stepValue, type ClientRunResult } from './support/clients/index.ts';

const BUCKET = 'rat-signing-pyiceberg';
const BRANCH = 'team/py';

/**
 * PyIceberg 0.12 through the catalog's S3 remote signing on a real S3 server, with auth on and no S3 keys anywhere in
 * its environment: the table config makes it load its fsspec FileIO, a writer (`etl`) creates and appends, a narrow
 * reader (`guest`: `team/*` only) reads, and the reader's append is refused. One Python process
 * (test/support/s3/s3_signing_pyiceberg.py).
 */
describe('PyIceberg through S3 remote signing (versitygw, auth on)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let stop: () => Promise<void>;
  let r: ClientRunResult;

  before(async function () {
    this.timeout(1_200_000);
    ({ server, stop } = await startSigningCatalog(BUCKET, { branch: BRANCH }));
    r = await runClientScript(
      path.join('..', 'support', 's3', 's3_signing_pyiceberg.py'),
      {
        baseUrl: server.url,
        branch: BRANCH,
        etlCredential: `etl:${SECRETS.etl}`,
        guestCredential: `guest:${SECRETS.guest}`,
      },
      { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' } },
    );
  });

  after(() => stop?.());

  it('a writer creates and appends through its fsspec FileIO: the files land in S3 through signed writes', () => {
    const v = stepValue<{ io: string; ids: number[]; files: string[] }>(
      r,
      'pyiceberg etl: create a table and append through signed writes',
    );
    assert.equal(v.io, 'FsspecFileIO', 'the table config chose the FileIO that signs');
    assert.deepEqual(v.ids, [1, 2]);
    assert.ok(v.files.length > 0);
    for (const f of v.files) assert.ok(f.startsWith(`s3://${BUCKET}/warehouse/db/py_events`), f);
  });

  it('a narrow reader reads the rows through signed reads', () => {
    assert.deepEqual(stepValue(r, 'pyiceberg guest: read through signed reads'), [1, 2]);
  });

  it("the reader's append is refused (no write rights on the ref)", () => {
    const v = stepValue<{ raised: string; message: string }>(r, 'pyiceberg guest: an append is refused');
    // Refused by the catalog's signer (PyIceberg's SignError carries its 403), before anything reached S3.
    assert.match(`${v.raised} ${v.message}`, /SignError|Failed to sign request 403|Forbidden/);
  });
});
