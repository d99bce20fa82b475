import assert from 'node:assert/strict';
import { resolveSignerEndpoint } from './s3-signer.ts';

describe('resolveSignerEndpoint', () => {
  const on = { 's3.remote-signing-enabled': 'true' };
  const catalog = 'http://h:8181/iceberg/dev';

  it('is undefined unless the config turns remote signing on', () => {
    assert.equal(resolveSignerEndpoint(catalog, undefined), undefined);
    assert.equal(resolveSignerEndpoint(catalog, { 's3.signer.endpoint': 'v1/x/sign' }), undefined);
    assert.equal(resolveSignerEndpoint(catalog, { ...on, 's3.remote-signing-enabled': 'false' }), undefined);
  });

  it('resolves a relative endpoint against the catalog URI, which names the ref', () => {
    const e = 'v1/namespaces/db/tables/t/sign';
    assert.equal(resolveSignerEndpoint(catalog, { ...on, 's3.signer.endpoint': e }), `${catalog}/${e}`);
    assert.equal(resolveSignerEndpoint(`${catalog}/`, { ...on, 's3.signer.endpoint': `/${e}` }), `${catalog}/${e}`);
  });

  it("takes Java 1.11's signer.endpoint, s3.signer.uri, absolute endpoints and the spec's default", () => {
    assert.equal(resolveSignerEndpoint(catalog, { ...on, 'signer.endpoint': 'v1/s' }), `${catalog}/v1/s`);
    assert.equal(
      resolveSignerEndpoint(catalog, { ...on, 's3.signer.endpoint': 'v1/a', 'signer.endpoint': 'v1/b' }),
      `${catalog}/v1/a`,
    );
    assert.equal(
      resolveSignerEndpoint(catalog, { ...on, 's3.signer.uri': 'https://sign.example/', 's3.signer.endpoint': 'v1/s' }),
      'https://sign.example/v1/s',
    );
    assert.equal(
      resolveSignerEndpoint(catalog, { ...on, 's3.signer.endpoint': 'https://other/sign' }),
      'https://other/sign',
    );
    assert.equal(resolveSignerEndpoint(catalog, on), `${catalog}/v1/aws/s3/sign`);
  });
});
