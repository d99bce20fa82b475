import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors/engine-error.ts';
import {
  fileUri,
  isS3,
  localCopies,
  localPath,
  publishFile,
  readImmutable,
  readLocation,
  rememberStorage,
  s3SettingsFor,
  storeFor,
  writeLocation,
} from './files.ts';

describe('engine: object stores (file://, s3://)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tells S3 locations from local ones and refuses other schemes with UNSUPPORTED_LOCATION', () => {
    assert.ok(isS3('s3://b/k') && isS3('s3a://b/k') && !isS3('file:///tmp/x'));
    assert.equal(localPath('file:/tmp/x'), '/tmp/x');
    assert.equal(localPath('file:///tmp/x'), '/tmp/x');
    for (const bad of ['gs://b/k', 'relative/path']) {
      assert.throws(
        () => storeFor(bad),
        (e: unknown) => e instanceof EngineError && e.code === 'UNSUPPORTED_LOCATION',
      );
    }
  });

  it('writes create-only, reads, lists and publishes local files', async () => {
    const loc = fileUri(path.join(dir, 't', 'metadata', 'a.avro'));
    await writeLocation(loc, Buffer.from('one'));
    assert.equal((await readLocation(loc)).toString(), 'one');
    assert.equal((await readImmutable(loc)).toString(), 'one');
    await assert.rejects(writeLocation(loc, Buffer.from('two')), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
    assert.equal((await readLocation(loc)).toString(), 'one');

    const scratch = path.join(dir, 'scratch.parquet');
    writeFileSync(scratch, 'data');
    const dest = fileUri(path.join(dir, 't', 'data', 'p=1', 'f.parquet'));
    await publishFile(scratch, dest);
    assert.ok(!existsSync(scratch));
    assert.equal(readFileSync(localPath(dest), 'utf8'), 'data');

    const listed = await storeFor(loc).list(fileUri(path.join(dir, 't')));
    assert.deepEqual(listed, [dest, loc].sort());
    // Local locations are read in place, never copied.
    assert.deepEqual(await localCopies([loc, dest]), [localPath(loc), localPath(dest)]);
  });

  it('keeps keys scoped to one table (they carry an expiry) for that table, and shared keys for the bucket', () => {
    const catalog = { baseUrl: 'http://catalog/iceberg/main', auth: { server: 'http://catalog' } };
    const scoped = (n: string) => ({
      's3.endpoint': 'http://s3',
      's3.access-key-id': `ASIA${n}`,
      's3.secret-access-key': `secret${n}`,
      's3.session-token': `token${n}`,
      's3.session-token-expires-at-ms': '1',
    });
    rememberStorage('s3://scoped-bucket/wh/t1', scoped('1'), catalog);
    rememberStorage('s3://scoped-bucket/wh/t2/', scoped('2'), catalog);
    assert.equal(s3SettingsFor('s3://scoped-bucket/wh/t1/data/a.parquet')['s3.session-token'], 'token1');
    assert.equal(s3SettingsFor('s3://scoped-bucket/wh/t2/metadata/m.json')['s3.access-key-id'], 'ASIA2');
    // Outside both tables (a landing file in the same bucket): the bucket's settings, without either table's keys.
    const other = s3SettingsFor('s3://scoped-bucket/wh/t1x/a.csv');
    assert.equal(other['s3.endpoint'], 'http://s3');
    assert.equal(other['s3.access-key-id'], undefined);
    rememberStorage('s3://shared-bucket/wh/t1', { 's3.access-key-id': 'AKID', 's3.secret-access-key': 's' }, catalog);
    assert.equal(s3SettingsFor('s3://shared-bucket/landing/a.csv')['s3.access-key-id'], 'AKID');
  });
});
