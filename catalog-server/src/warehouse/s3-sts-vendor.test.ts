import assert from 'node:assert/strict';
import { StsCredentialVendor, type AssumeRole } from './s3-sts-vendor.ts';
import { resolveStsSettings } from './s3-sts-config.ts';
import { resolveS3Settings } from './s3-config.ts';

const SETTINGS = { roleArn: 'arn:aws:iam::1:role/lake', durationSeconds: 3600, region: 'us-east-1' };

/** A fake STS: records each call and answers with numbered keys that expire after the asked duration. */
function fakeSts(clock: { now: number }) {
  const calls: Array<{ policy: string; durationSeconds: number; sessionName: string }> = [];
  const assume: AssumeRole = async (req) => {
    calls.push(req);
    return {
      accessKeyId: `ASIA${calls.length}`,
      secretAccessKey: `secret${calls.length}`,
      sessionToken: `token${calls.length}`,
      expiresAtMs: clock.now + req.durationSeconds * 1000,
    };
  };
  return { calls, assume };
}

describe('STS credential vendor', () => {
  it('answers with the keys, token and expiry Iceberg clients read, for a policy scoped to the table', async () => {
    const clock = { now: 1_000_000 };
    const sts = fakeSts(clock);
    const vendor = new StsCredentialVendor('lake', SETTINGS, sts.assume, () => clock.now);
    const keys = await vendor.credentialsFor(['s3://lake/wh/db/t1/'], false);
    assert.deepEqual(keys, {
      's3.access-key-id': 'ASIA1',
      's3.secret-access-key': 'secret1',
      's3.session-token': 'token1',
      's3.session-token-expires-at-ms': String(1_000_000 + 3_600_000),
    });
    assert.equal(sts.calls.length, 1);
    assert.equal(sts.calls[0]!.durationSeconds, 3600);
    assert.match(sts.calls[0]!.sessionName, /^ratatouille-[0-9a-f]{20}$/);
    const policy = JSON.parse(sts.calls[0]!.policy) as { Statement: Array<{ Resource: string[] }> };
    assert.deepEqual(policy.Statement[0]!.Resource, ['arn:aws:s3:::lake/wh/db/t1/*']);
  });

  it('reuses credentials per scope and access until a quarter of their life (at most 5 min) is left', async () => {
    const clock = { now: 0 };
    const sts = fakeSts(clock);
    const vendor = new StsCredentialVendor('lake', SETTINGS, sts.assume, () => clock.now);
    const read = await vendor.credentialsFor(['s3://lake/wh/t1'], false);
    assert.deepEqual(await vendor.credentialsFor(['s3://lake/wh/t1/'], false), read);
    const write = await vendor.credentialsFor(['s3://lake/wh/t1'], true);
    assert.notEqual(write['s3.access-key-id'], read['s3.access-key-id']);
    await vendor.credentialsFor(['s3://lake/wh/t2'], false);
    assert.equal(sts.calls.length, 3);
    clock.now = 3_600_000 - 300_001; // just over five minutes left: still reused
    assert.deepEqual(await vendor.credentialsFor(['s3://lake/wh/t1'], false), read);
    clock.now = 3_600_000 - 300_000;
    assert.notDeepEqual(await vendor.credentialsFor(['s3://lake/wh/t1'], false), read);
    assert.equal(sts.calls.length, 4);
  });

  it('shares one STS call between loads that arrive together', async () => {
    const clock = { now: 0 };
    const sts = fakeSts(clock);
    const vendor = new StsCredentialVendor('lake', SETTINGS, sts.assume, () => clock.now);
    const [a, b] = await Promise.all([
      vendor.credentialsFor(['s3://lake/wh/t1'], false),
      vendor.credentialsFor(['s3://lake/wh/t1'], false),
    ]);
    assert.deepEqual(a, b);
    assert.equal(sts.calls.length, 1);
  });

  it('turns an STS failure into CREDENTIALS_UNAVAILABLE without its message, and does not cache it', async () => {
    let fail = true;
    const assume: AssumeRole = async () => {
      if (fail) {
        throw Object.assign(new Error('User AKIDSECRETLEAK is not authorized; policy {…}'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      }
      return { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiresAtMs: Date.now() + 3_600_000 };
    };
    const vendor = new StsCredentialVendor('lake', SETTINGS, assume);
    const err = await vendor.credentialsFor(['s3://lake/wh/t1'], false).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e as { code: string; message: string; data: Record<string, unknown> },
    );
    assert.equal(err.code, 'CREDENTIALS_UNAVAILABLE');
    assert.match(err.message, /AccessDenied, HTTP 403/);
    assert.doesNotMatch(JSON.stringify({ m: err.message, d: err.data }), /AKIDSECRETLEAK/);
    fail = false;
    assert.equal((await vendor.credentialsFor(['s3://lake/wh/t1'], false))['s3.access-key-id'], 'ASIA');
  });

  it('scopes to the folders in its own bucket only, and never to the whole bucket', async () => {
    const sts = fakeSts({ now: 0 });
    const vendor = new StsCredentialVendor('lake', SETTINGS, sts.assume);
    await vendor.credentialsFor(['s3://lake/wh/t1', 's3://other/data/t1'], true);
    assert.doesNotMatch(sts.calls[0]!.policy, /other/);
    await assert.rejects(vendor.credentialsFor(['s3://lake/'], false), /non-empty prefix/);
    await assert.rejects(vendor.credentialsFor(['s3://other/x'], false), /non-empty prefix/);
    assert.equal(sts.calls.length, 1);
  });
});

describe('STS settings', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };

  it('are resolved only for the sts policy, from options or the environment', () => {
    assert.equal(resolveS3Settings('s3://lake/wh', {}, env).sts, undefined);
    const s = resolveS3Settings(
      's3://lake/wh',
      { clientCredentials: 'sts', endpoint: 'http://127.0.0.1:8333', region: 'eu-west-1' },
      { ...env, RAT_S3_STS_ROLE_ARN: 'arn:aws:iam::1:role/lake' },
    );
    // An S3-compatible store serves STS on its S3 endpoint.
    assert.deepEqual(s.sts, {
      roleArn: 'arn:aws:iam::1:role/lake',
      durationSeconds: 3600,
      endpoint: 'http://127.0.0.1:8333',
      region: 'eu-west-1',
    });
    assert.deepEqual(
      resolveStsSettings(
        { stsRoleArn: 'arn:r', stsDurationSeconds: 900, stsEndpoint: 'https://sts.example/', stsRegion: 'x' },
        { RAT_S3_STS_ROLE_ARN: 'arn:other', RAT_S3_STS_DURATION_SECONDS: '1800' },
        undefined,
        'us-east-1',
      ),
      { roleArn: 'arn:r', durationSeconds: 900, endpoint: 'https://sts.example', region: 'x' },
    );
    assert.equal(
      resolveStsSettings({}, { RAT_S3_STS_ROLE_ARN: 'arn:r', RAT_S3_STS_DURATION_SECONDS: '1800' }, undefined, 'r')
        .durationSeconds,
      1800,
    );
  });

  it('refuse a missing role and a lifetime STS would refuse', () => {
    assert.throws(() => resolveS3Settings('s3://lake/wh', { clientCredentials: 'sts' }, env), /RAT_S3_STS_ROLE_ARN/);
    for (const d of ['899', '43201', '1.5', 'soon']) {
      assert.throws(
        () => resolveStsSettings({}, { RAT_S3_STS_ROLE_ARN: 'arn:r', RAT_S3_STS_DURATION_SECONDS: d }, undefined, 'r'),
        /900 to 43200/,
      );
    }
    assert.throws(() => resolveStsSettings({ stsRoleArn: 'arn:r', stsEndpoint: 'sts.local' }, {}, undefined, 'r'));
  });

  it('accept sts as a RAT_S3_CLIENT_CREDENTIALS value', () => {
    const s = resolveS3Settings(
      's3://lake/wh',
      {},
      {
        ...env,
        RAT_S3_CLIENT_CREDENTIALS: 'sts',
        RAT_S3_STS_ROLE_ARN: 'arn:r',
      },
    );
    assert.equal(s.clientCredentials, 'sts');
  });
});
