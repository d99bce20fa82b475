import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { FileWarehouseIO, S3WarehouseIO, createWarehouseIO } from '@ratatouille/catalog-server';
import { startS3Server, type S3TestServer } from './support/s3/versitygw.ts';
import { describeWarehouseContract } from './support/s3/warehouse-contract.ts';

const BUCKET = 'rat-contract';
let s3: S3TestServer | undefined;
const opened: S3WarehouseIO[] = [];

/** One versitygw for this file, started on first use. */
async function server(): Promise<S3TestServer> {
  s3 ??= await startS3Server({ buckets: [BUCKET] });
  return s3;
}

function open(uri: string, options: ConstructorParameters<typeof S3WarehouseIO>[1], env: Record<string, string> = {}) {
  const io = new S3WarehouseIO(uri, options, env);
  opened.push(io);
  return io;
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal((err as { code?: string }).code, code);
    return true;
  });
}

describe('S3 warehouse on a real S3 server (versitygw)', function () {
  this.timeout(600_000);

  after(async () => {
    for (const io of opened) io.close();
    await s3?.stop();
  });

  describeWarehouseContract(
    'S3WarehouseIO (explicit settings, If-None-Match probed)',
    async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/warehouse`, {
        endpoint: srv.endpoint,
        region: srv.region,
        accessKeyId: srv.accessKeyId,
        secretAccessKey: srv.secretAccessKey,
      });
      return { io, freshRoot: () => `${io.root}/${randomUUID()}` };
    },
    { alreadyExists: 'STORAGE_OBJECT_EXISTS', notFound: 'STORAGE_OBJECT_NOT_FOUND', atomicCreate: false },
  );

  describeWarehouseContract(
    'S3WarehouseIO (standard AWS env only, bucket root)',
    async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}`, {}, srv.env);
      return { io, freshRoot: () => `${io.root}/${randomUUID()}` };
    },
    { alreadyExists: 'STORAGE_OBJECT_EXISTS', notFound: 'STORAGE_OBJECT_NOT_FOUND', atomicCreate: false },
  );

  describe('file backend, same contract', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-file-contract-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    describeWarehouseContract(
      'FileWarehouseIO',
      async () => {
        const io = new FileWarehouseIO(pathToFileURL(dir).href);
        return { io, freshRoot: () => `${io.root}/${randomUUID()}` };
      },
      { alreadyExists: 'EEXIST', notFound: 'STORAGE_OBJECT_NOT_FOUND', atomicCreate: true },
    );
  });

  describe('settings and client config', () => {
    it('uses path-style addressing and the standard AWS variables with nothing else configured', async () => {
      const srv = await server();
      const io = createWarehouseIO(`s3://${BUCKET}/env-only`, { env: srv.env }) as S3WarehouseIO;
      opened.push(io);
      assert.ok(io instanceof S3WarehouseIO);
      assert.equal(io.settings.pathStyle, true);
      assert.equal(io.settings.endpoint, srv.endpoint);
      await io.write(`${io.root}/x.json`, '{}');
      assert.equal((await io.read(`${io.root}/x.json`)).toString(), '{}');
    });

    it('detects that the server honours If-None-Match: * (so ifAbsent is race-free)', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/probe`, {}, srv.env);
      assert.equal(await io.conditionalPutSupported(), true);
      const off = open(`s3://${BUCKET}/probe`, { conditionalWrites: 'off' }, srv.env);
      assert.equal(await off.conditionalPutSupported(), false);
    });

    it('lists every object under a folder with its size, for landing-file readers', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/landing-${randomUUID()}`, {}, srv.env);
      await io.write(`${io.root}/orders/2026/b.csv`, 'id\n22\n');
      await io.write(`${io.root}/orders/a.csv`, 'id\n1\n');
      await io.write(`${io.root}/orders-archive/old.csv`, 'x');
      const files = await io.list(`${io.root}/orders`);
      assert.deepEqual(
        files.map((f) => [f.location, f.size]),
        [
          [`${io.root}/orders/2026/b.csv`, 6],
          [`${io.root}/orders/a.csv`, 5],
        ],
      );
      assert.deepEqual(await io.list(`${io.root}/nothing-here`), []);
    });

    it('keeps percent signs in keys literally (s3 locations are not URL-decoded)', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/percent`, {}, srv.env);
      await io.write(`${io.root}/t%20x/f`, 'x');
      assert.equal(await io.exists(`${io.root}/t%20x/f`), true);
      assert.equal(await io.exists(`${io.root}/t x/f`), false);
    });

    it('hands clients endpoint, region and path style, and keys only as the policy allows', async () => {
      const srv = await server();
      const base = { endpoint: srv.endpoint, accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey };
      const vended = open(`s3://${BUCKET}/p`, { ...base, region: 'eu-central-1' });
      const plain = vended.clientConfig();
      assert.equal(plain['s3.endpoint'], srv.endpoint);
      assert.equal(plain['s3.path-style-access'], 'true');
      assert.equal(plain['s3.region'], 'eu-central-1');
      assert.equal(plain['client.region'], 'eu-central-1');
      assert.equal(plain['s3.access-key-id'], undefined);
      assert.equal(plain['s3.secret-access-key'], undefined);
      const asked = vended.clientConfig({ vendCredentials: true });
      assert.equal(asked['s3.access-key-id'], srv.accessKeyId);
      assert.equal(asked['s3.secret-access-key'], srv.secretAccessKey);

      const always = open(`s3://${BUCKET}/p`, { ...base, clientCredentials: 'static' });
      assert.equal(always.clientConfig()['s3.access-key-id'], srv.accessKeyId);
      const never = open(`s3://${BUCKET}/p`, { ...base, clientCredentials: 'none' });
      assert.equal(never.clientConfig({ vendCredentials: true })['s3.access-key-id'], undefined);
      assert.equal(never.clientConfig({ vendCredentials: true })['s3.endpoint'], srv.endpoint);

      const split = open(`s3://${BUCKET}/p`, { ...base, clientEndpoint: 'http://localhost:9000' });
      assert.equal(split.clientConfig()['s3.endpoint'], 'http://localhost:9000');
    });

    it('still refuses to replace with ifAbsent when conditional puts are turned off (check-then-put)', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/no-conditional`, { conditionalWrites: 'off' }, srv.env);
      const loc = `${io.root}/${randomUUID()}.metadata.json`;
      await io.write(loc, 'first', { ifAbsent: true });
      await rejectsWithCode(io.write(loc, 'second', { ifAbsent: true }), 'STORAGE_OBJECT_EXISTS');
      assert.equal((await io.read(loc)).toString(), 'first');
    });

    it('keeps keys out of inspect, JSON and error messages', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/secret-check`, {
        endpoint: srv.endpoint,
        accessKeyId: srv.accessKeyId,
        secretAccessKey: 'wrong-secret-value-0123456789',
      });
      assert.ok(!inspect(io, { depth: 10 }).includes('wrong-secret-value'));
      assert.ok(!JSON.stringify(io).includes('wrong-secret-value'));
      const err = await io.write(`${io.root}/x`, 'x').then(
        () => assert.fail('write with a wrong secret succeeded'),
        (e: unknown) => e as Error & { data: unknown },
      );
      assert.ok(!err.message.includes('wrong-secret-value'));
      assert.ok(!JSON.stringify(err.data).includes('wrong-secret-value'));
    });
  });

  describe('failures leave storage unchanged and say why', () => {
    it('wrong credentials → STORAGE_ACCESS_DENIED, nothing written', async () => {
      const srv = await server();
      const good = open(`s3://${BUCKET}/denied`, { endpoint: srv.endpoint }, srv.env);
      const bad = open(`s3://${BUCKET}/denied`, {
        endpoint: srv.endpoint,
        accessKeyId: srv.accessKeyId,
        secretAccessKey: `${srv.secretAccessKey}x`,
        maxAttempts: 1,
      });
      const loc = `${good.root}/${randomUUID()}.metadata.json`;
      await rejectsWithCode(bad.write(loc, 'x', { ifAbsent: true }), 'STORAGE_ACCESS_DENIED');
      await rejectsWithCode(bad.write(loc, 'x'), 'STORAGE_ACCESS_DENIED');
      await rejectsWithCode(bad.read(loc), 'STORAGE_ACCESS_DENIED');
      assert.equal(await good.exists(loc), false);
      const unknownKey = open(`s3://${BUCKET}/denied`, {
        endpoint: srv.endpoint,
        accessKeyId: 'nobody',
        secretAccessKey: 'nothing',
        maxAttempts: 1,
      });
      // Not `exists`: a HEAD answer has no body, and versitygw answers an unknown key id's HEAD with a bare 404.
      await rejectsWithCode(unknownKey.write(loc, 'x'), 'STORAGE_ACCESS_DENIED');
      await rejectsWithCode(unknownKey.read(loc), 'STORAGE_ACCESS_DENIED');
      assert.equal(await good.exists(loc), false);
    });

    it('missing bucket → STORAGE_UNAVAILABLE', async () => {
      const srv = await server();
      const io = open('s3://no-such-bucket-here/wh', { maxAttempts: 1 }, srv.env);
      await rejectsWithCode(io.write(`${io.root}/x`, 'x', { ifAbsent: true }), 'STORAGE_UNAVAILABLE');
    });

    it('unreachable server → STORAGE_UNAVAILABLE, and works again once it is back', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/outage`, { maxAttempts: 1 }, srv.env);
      const loc = `${io.root}/${randomUUID()}.metadata.json`;
      await srv.pause();
      try {
        await rejectsWithCode(io.write(loc, 'x', { ifAbsent: true }), 'STORAGE_UNAVAILABLE');
        await rejectsWithCode(io.read(loc), 'STORAGE_UNAVAILABLE');
      } finally {
        await srv.resume();
      }
      assert.equal(await io.exists(loc), false);
      await io.write(loc, 'x', { ifAbsent: true });
      assert.equal(await io.exists(loc), true);
    });

    it('refuses locations in another bucket', async () => {
      const srv = await server();
      const io = open(`s3://${BUCKET}/wh`, {}, srv.env);
      await rejectsWithCode(io.write('s3://other-bucket/x', 'x'), 'BAD_REQUEST');
    });
  });
});
