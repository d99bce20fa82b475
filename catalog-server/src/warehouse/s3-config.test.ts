import assert from 'node:assert/strict';
import {
  parseS3Uri,
  resolveS3Settings,
  s3ClientConfig,
  vendedStorageCredentials,
  wantsRemoteSigning,
  wantsVendedCredentials,
  S3_ENV,
} from './s3-config.ts';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrEXAMPLEKEY' };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('S3 warehouse settings', () => {
  it('splits s3 URIs into bucket and key', () => {
    assert.deepEqual(parseS3Uri('s3://lake/a/b/'), { bucket: 'lake', key: 'a/b/' });
    assert.deepEqual(parseS3Uri('s3a://lake'), { bucket: 'lake', key: '' });
    assert.equal(
      code(() => parseS3Uri('file:///x')),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => parseS3Uri('s3:///x')),
      'BAD_REQUEST',
    );
  });

  it('defaults to AWS: no endpoint, virtual-host style, us-east-1', () => {
    const s = resolveS3Settings('s3://lake/wh/', {}, {});
    assert.equal(s.endpoint, undefined);
    assert.equal(s.pathStyle, false);
    assert.equal(s.region, 'us-east-1');
    assert.equal(s.prefix, 'wh');
    assert.equal(s.credentials, undefined);
    assert.equal(s.clientCredentials, 'vended');
  });

  it('reads the standard AWS variables; AWS_ENDPOINT_URL_S3 beats AWS_ENDPOINT_URL', () => {
    const s = resolveS3Settings(
      's3://lake',
      {},
      {
        ...KEYS,
        AWS_REGION: 'eu-west-3',
        AWS_DEFAULT_REGION: 'ap-south-1',
        AWS_ENDPOINT_URL: 'http://generic:1',
        AWS_ENDPOINT_URL_S3: 'http://s3only:2/',
      },
    );
    assert.equal(s.endpoint, 'http://s3only:2');
    assert.equal(s.region, 'eu-west-3');
    assert.equal(s.pathStyle, true, 'path style follows a custom endpoint');
    assert.deepEqual(s.credentials, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrEXAMPLEKEY' });
    assert.equal(
      resolveS3Settings('s3://lake', {}, { AWS_ENDPOINT_URL: 'http://generic:1' }).endpoint,
      'http://generic:1',
    );
    assert.equal(resolveS3Settings('s3://lake', {}, { AWS_DEFAULT_REGION: 'ap-south-1' }).region, 'ap-south-1');
  });

  it('lets configuration override the environment, path style included', () => {
    const env = { ...KEYS, AWS_ENDPOINT_URL: 'http://env:1', [S3_ENV.pathStyle]: 'true' };
    const s = resolveS3Settings('s3://lake', { endpoint: 'https://r2.example', pathStyle: false, region: 'auto' }, env);
    assert.equal(s.endpoint, 'https://r2.example');
    assert.equal(s.pathStyle, false);
    assert.equal(s.region, 'auto');
    assert.equal(resolveS3Settings('s3://lake', {}, { ...env, [S3_ENV.pathStyle]: 'false' }).pathStyle, false);
  });

  it('takes keys as a pair from one source and refuses half a pair', () => {
    const s = resolveS3Settings('s3://lake', { accessKeyId: 'cfg', secretAccessKey: 'cfgsecret' }, KEYS);
    assert.equal(s.credentials?.accessKeyId, 'cfg');
    assert.equal(
      code(() => resolveS3Settings('s3://lake', { accessKeyId: 'cfg' }, KEYS)),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => resolveS3Settings('s3://lake', {}, { AWS_ACCESS_KEY_ID: 'x' })),
      'BAD_REQUEST',
    );
  });

  it('refuses malformed settings with BAD_REQUEST', () => {
    assert.equal(
      code(() => resolveS3Settings('s3://lake', { endpoint: 'minio:9000' }, {})),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => resolveS3Settings('s3://lake', {}, { [S3_ENV.pathStyle]: 'maybe' })),
      'BAD_REQUEST',
    );
    assert.equal(
      code(() => resolveS3Settings('s3://lake', {}, { [S3_ENV.clientCredentials]: 'everyone' })),
      'BAD_REQUEST',
    );
  });

  it('always names a region for clients and gives keys per policy', () => {
    const base = resolveS3Settings('s3://lake', {}, { ...KEYS, AWS_ENDPOINT_URL: 'http://minio:9000' });
    const plain = s3ClientConfig(base);
    assert.deepEqual(plain, {
      's3.region': 'us-east-1',
      'client.region': 'us-east-1',
      's3.path-style-access': 'true',
      's3.endpoint': 'http://minio:9000',
    });
    assert.equal(s3ClientConfig(base, { vendCredentials: true })['s3.secret-access-key'], 'wJalrEXAMPLEKEY');
    assert.equal(s3ClientConfig({ ...base, clientCredentials: 'static' })['s3.access-key-id'], 'AKIDEXAMPLE');
    assert.equal(
      s3ClientConfig({ ...base, clientCredentials: 'none' }, { vendCredentials: true })['s3.access-key-id'],
      undefined,
    );
    const split = resolveS3Settings(
      's3://lake',
      { clientEndpoint: 'http://localhost:9000' },
      { AWS_ENDPOINT_URL: 'http://minio:9000' },
    );
    assert.equal(s3ClientConfig(split)['s3.endpoint'], 'http://localhost:9000');
    const aws = s3ClientConfig(resolveS3Settings('s3://lake', { region: 'eu-north-1' }, {}));
    assert.equal(aws['s3.endpoint'], undefined);
    assert.equal(aws['client.region'], 'eu-north-1');
  });

  it('gives no keys under remote-signing, and the signer settings only to clients that asked for them', () => {
    const env = { ...KEYS, AWS_ENDPOINT_URL: 'http://minio:9000', [S3_ENV.clientCredentials]: 'remote-signing' };
    const s = resolveS3Settings('s3://lake', {}, env);
    assert.equal(s.clientCredentials, 'remote-signing');
    const endpoint = 'v1/namespaces/db/tables/t/sign';
    const signing = s3ClientConfig(s, { vendCredentials: true, signerEndpoint: endpoint });
    assert.equal(signing['s3.access-key-id'], undefined);
    assert.equal(signing['s3.secret-access-key'], undefined);
    assert.equal(signing['s3.remote-signing-enabled'], 'true');
    assert.equal(signing['s3.signer'], 'S3V4RestSigner');
    assert.equal(signing['s3.signer.endpoint'], endpoint);
    assert.equal(signing['signer.endpoint'], endpoint);
    assert.equal(signing['s3.signer.uri'], undefined);
    assert.equal(signing['py-io-impl'], 'pyiceberg.io.fsspec.FsspecFileIO', "PyIceberg's FileIO that signs");
    assert.deepEqual(s3ClientConfig(s, { vendCredentials: true }), s3ClientConfig(s));
    // The other policies ignore a signer request: their answers are what they were.
    for (const policy of ['vended', 'static', 'none'] as const) {
      const other = { ...s, clientCredentials: policy };
      assert.deepEqual(
        s3ClientConfig(other, { vendCredentials: true, signerEndpoint: endpoint }),
        s3ClientConfig(other, { vendCredentials: true }),
      );
    }
  });

  it('passes a session token along with vended keys', () => {
    const s = resolveS3Settings('s3://lake', {}, { ...KEYS, AWS_SESSION_TOKEN: 'tok' });
    assert.equal(s3ClientConfig(s, { vendCredentials: true })['s3.session-token'], 'tok');
  });

  it('reads X-Iceberg-Access-Delegation', () => {
    assert.equal(wantsVendedCredentials('vended-credentials'), true);
    assert.equal(wantsVendedCredentials('remote-signing, Vended-Credentials'), true);
    assert.equal(wantsVendedCredentials(['remote-signing']), false);
    assert.equal(wantsVendedCredentials(undefined), false);
    assert.equal(wantsRemoteSigning('vended-credentials, Remote-Signing'), true);
    assert.equal(wantsRemoteSigning('vended-credentials'), false);
    assert.equal(wantsRemoteSigning(undefined), false);
  });

  it('lists storage credentials for /credentials only when keys may be given', () => {
    const withKeys = {
      clientConfig: (o?: { vendCredentials?: boolean }) => s3ClientConfig(resolveS3Settings('s3://l', {}, KEYS), o),
    };
    const [entry] = vendedStorageCredentials(withKeys, 's3://l/ns/t');
    assert.equal(entry?.prefix, 's3://l/ns/t');
    assert.equal(entry?.config['s3.access-key-id'], 'AKIDEXAMPLE');
    assert.deepEqual(vendedStorageCredentials({ clientConfig: () => ({}) }, 'file:///x'), []);
  });
});
