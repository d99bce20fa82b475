import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { putCreateOnly } from './s3-create-only-put.ts';

/**
 * A fake S3 that honours `If-None-Match: *` on PUT (412 when the key exists) and can lose the answer to a PUT after
 * storing its object (the connection is dropped), which is how a retried upload meets its own object.
 */
describe('putCreateOnly against a create-only S3', () => {
  let server: http.Server;
  let client: S3Client;
  let dir: string;
  const objects = new Map<string, Buffer>();
  const seen: string[] = [];
  let dropNextPuts = 0;
  /** Answer HEADs with an ETag that is not an MD5 (as SSE-KMS does), so the bytes must be compared. */
  let opaqueEtags = false;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'retry-create-only-'));
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
        seen.push(`${req.method} ${key}`);
        const have = objects.get(key);
        const etag = (b: Buffer) =>
          `"${opaqueEtags ? 'kms'.padEnd(32, '0') : createHash('md5').update(b).digest('hex')}"`;
        if (req.method === 'PUT') {
          if (have && req.headers['if-none-match'] === '*') {
            res.writeHead(412, { 'content-type': 'application/xml' });
            res.end(
              '<Error><Code>PreconditionFailed</Code><Message>At least one precondition failed</Message></Error>',
            );
            return;
          }
          objects.set(key, Buffer.concat(chunks));
          if (dropNextPuts > 0) {
            dropNextPuts--;
            req.socket.destroy();
            return;
          }
          res.writeHead(200, { etag: etag(objects.get(key)!) }).end();
          return;
        }
        if (!have) {
          res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
          return;
        }
        res.writeHead(200, { 'content-length': have.length, etag: etag(have) });
        res.end(req.method === 'GET' ? have : undefined);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      // Create-only, as the catalog signs every write under remote signing.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      // As the engine's clients: no console line for each failed streamed attempt (retried by putCreateOnly).
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['if-none-match'] = '*';
        return next(args);
      },
      { step: 'build', name: 'createOnly' },
    );
  });

  beforeEach(() => {
    seen.length = 0;
    dropNextPuts = 0;
    opaqueEtags = false;
  });

  after(async () => {
    client?.destroy();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('writes a new object', async () => {
    await putCreateOnly(client, 's3://b/t/a.avro', { bytes: Buffer.from('manifest') });
    assert.equal(objects.get('/b/t/a.avro')?.toString(), 'manifest');
    assert.deepEqual(seen, ['PUT /b/t/a.avro']);
  });

  it('a lost answer to an in-memory PUT: the SDK retries, meets 412, and the identical object is success', async () => {
    dropNextPuts = 1;
    await putCreateOnly(client, 's3://b/t/lost.avro', { bytes: Buffer.from('manifest list') });
    assert.deepEqual(seen, ['PUT /b/t/lost.avro', 'PUT /b/t/lost.avro', 'HEAD /b/t/lost.avro']);
    assert.equal(objects.get('/b/t/lost.avro')?.toString(), 'manifest list');
  });

  it('a lost answer to a streamed PUT: retried here with a fresh stream, then the same verdict', async () => {
    dropNextPuts = 1;
    await putCreateOnly(client, 's3://b/t/data/lost.parquet', { file: file('lost.parquet', 'PAR1 rows PAR1') });
    assert.deepEqual(seen, ['PUT /b/t/data/lost.parquet', 'PUT /b/t/data/lost.parquet', 'HEAD /b/t/data/lost.parquet']);
    assert.equal(objects.get('/b/t/data/lost.parquet')?.toString(), 'PAR1 rows PAR1');
  });

  it('another object under the name is FILE_COLLISION, and it is left as it was', async () => {
    objects.set('/b/t/data/taken.parquet', Buffer.from('PAR1 theirs PAR1'));
    await assert.rejects(
      putCreateOnly(client, 's3://b/t/data/taken.parquet', { file: file('taken.parquet', 'PAR1 mine PAR1') }),
      (err: { code?: string; data?: { location: string; size: number; existingSize?: number } }) =>
        err.code === 'FILE_COLLISION' &&
        err.data?.location === 's3://b/t/data/taken.parquet' &&
        err.data.size === 14 &&
        err.data.existingSize === 16,
    );
    await assert.rejects(
      putCreateOnly(client, 's3://b/t/data/taken.parquet', { bytes: Buffer.from('PAR1 mine2 PAR1') }),
      {
        code: 'FILE_COLLISION',
      },
    );
    assert.equal(objects.get('/b/t/data/taken.parquet')?.toString(), 'PAR1 theirs PAR1');
  });

  it('when the ETag is no MD5, the object is read back: same bytes succeed, same size other bytes collide', async () => {
    opaqueEtags = true;
    objects.set('/b/t/kms-same', Buffer.from('same bytes'));
    objects.set('/b/t/kms-other', Buffer.from('othr bytes'));
    await putCreateOnly(client, 's3://b/t/kms-same', { bytes: Buffer.from('same bytes') });
    assert.deepEqual(seen, ['PUT /b/t/kms-same', 'HEAD /b/t/kms-same', 'GET /b/t/kms-same']);
    await assert.rejects(putCreateOnly(client, 's3://b/t/kms-other', { file: file('kms', 'same bytes') }), {
      code: 'FILE_COLLISION',
    });
  });

  it('other failures stay STORAGE_ERROR; a missing local file is not retried', async () => {
    await assert.rejects(putCreateOnly(client, 's3://b/t/x', { file: path.join(dir, 'nope') }), {
      code: 'STORAGE_ERROR',
    });
    assert.deepEqual(seen, []);
  });
});
