import assert from 'node:assert/strict';
import { SignRequestRefusedError } from '../../errors/index.ts';
import { parseS3Request } from '../../warehouse/s3-request.ts';
import { checkS3Scope, signPrivilegeOf } from './s3-scope.ts';

const TABLE = 's3://lake/wh/db/tbl';
const scope = (method: string, path: string, location = TABLE) =>
  checkS3Scope(
    parseS3Request(
      { method, uri: `http://127.0.0.1:9000${path}`, headers: {} },
      { endpoints: ['http://127.0.0.1:9000'], region: 'us-east-1' },
    ),
    location,
  );
const refused = (reason: string) => (e: unknown) =>
  e instanceof SignRequestRefusedError && (e.data as { reason: string }).reason === reason;

describe('checkS3Scope (remote signing)', () => {
  it('lets reads and writes of files inside the table location through, with the privilege they need', () => {
    assert.equal(scope('GET', '/lake/wh/db/tbl/data/a.parquet'), 'read');
    assert.equal(scope('HEAD', '/lake/wh/db/tbl/metadata/m.avro'), 'read');
    assert.equal(scope('PUT', '/lake/wh/db/tbl/data/b.parquet'), 'write');
    assert.equal(scope('POST', '/lake/wh/db/tbl/data/c.parquet?uploads'), 'write');
    assert.equal(scope('PUT', '/lake/wh/db/tbl/data/c.parquet?partNumber=2&uploadId=u'), 'write');
    assert.equal(scope('DELETE', '/lake/wh/db/tbl/data/c.parquet?uploadId=u'), 'write');
    assert.equal(scope('GET', '/lake?list-type=2&prefix=wh%2Fdb%2Ftbl%2F'), 'read');
    assert.equal(scope('GET', '/lake?list-type=2&prefix=wh%2Fdb%2Ftbl%2Fdata%2F'), 'read');
  });

  it('refuses anything outside the location: other tables, prefix look-alikes, dot segments, other buckets', () => {
    for (const path of [
      '/lake/wh/db/other/data/a.parquet',
      '/lake/wh/db/tbl-other/data/a.parquet',
      '/lake/wh/db/tbl',
      '/lake/wh/db/tbl/',
      '/lake/wh/db/tbl/../other/a.parquet',
      '/lake/wh/db/tbl/%2E%2E/other/a.parquet',
      '/lake/wh/db/tbl/data/./a.parquet',
      '/other-bucket/wh/db/tbl/data/a.parquet',
      '/lake?list-type=2',
      '/lake?list-type=2&prefix=wh%2Fdb%2Ftbl',
      '/lake?list-type=2&prefix=wh%2Fdb%2F',
    ]) {
      assert.throws(() => scope(path.includes('list-type') ? 'GET' : 'PUT', path), refused('outside-location'), path);
    }
  });

  it('refuses deletes of objects, one or many, whatever the key', () => {
    assert.throws(() => scope('DELETE', '/lake/wh/db/tbl/data/a.parquet'), refused('delete'));
    assert.throws(() => scope('POST', '/lake?delete'), refused('delete'));
  });

  it('maps methods to the privilege the authorization middleware checks', () => {
    assert.deepEqual(['GET', 'HEAD', 'get', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'].map(signPrivilegeOf), [
      'read',
      'read',
      'read',
      'write',
      'write',
      'write',
      'write',
      'write',
    ]);
  });
});
