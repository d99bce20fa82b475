import assert from 'node:assert/strict';
import type { WarehouseIO } from '@ratatouille/catalog-server';

export interface ContractSubject {
  io: WarehouseIO;
  /** A fresh, empty folder URI under the warehouse root for one test. */
  freshRoot(): string;
}

/** Error codes an implementation raises; FileWarehouseIO still surfaces Node's own code for an existing file. */
export interface ContractCodes {
  alreadyExists: string;
  notFound: string;
  /**
   * Whether simultaneous `ifAbsent` writers are guaranteed exactly one winner. AWS S3 and MinIO evaluate
   * `If-None-Match: *` atomically; versitygw 1.7.0's posix backend checks it before writing, so two racing
   * creators can both succeed there (the catalog does not rely on it: metadata file names carry a UUID and the
   * ref compare-and-swap decides which commit wins).
   */
  atomicCreate: boolean;
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal((err as { code?: string }).code, code);
    return true;
  });
}

/**
 * The behaviour every {@link WarehouseIO} must have, written once and run against each backend (file, S3 on a real
 * S3 server). `subject` is called in `before`, so it may start servers.
 *
 * @example describeWarehouseContract('S3WarehouseIO', async () => ({ io, freshRoot }), codes)
 */
export function describeWarehouseContract(
  name: string,
  subject: () => Promise<ContractSubject>,
  codes: ContractCodes,
): void {
  describe(`WarehouseIO contract: ${name}`, function () {
    let s: ContractSubject;
    before(async function () {
      s = await subject();
    });

    it('has a root without a trailing slash', () => {
      assert.ok(!s.io.root.endsWith('/'));
    });

    it('reads back what it wrote, from a Buffer or a string', async () => {
      const dir = s.freshRoot();
      await s.io.write(`${dir}/a/b/bytes.bin`, Buffer.from([0, 1, 2, 255]));
      await s.io.write(`${dir}/a/text.json`, '{"é":"ü"}');
      assert.deepEqual([...(await s.io.read(`${dir}/a/b/bytes.bin`))], [0, 1, 2, 255]);
      assert.equal((await s.io.read(`${dir}/a/text.json`)).toString('utf8'), '{"é":"ü"}');
    });

    it('round-trips a multi-megabyte object byte for byte', async () => {
      const dir = s.freshRoot();
      const data = Buffer.alloc(6 * 1024 * 1024);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
      await s.io.write(`${dir}/big.bin`, data);
      assert.ok(data.equals(await s.io.read(`${dir}/big.bin`)));
    });

    it('keeps names with spaces and unicode', async () => {
      const dir = s.freshRoot();
      const loc = `${dir}/ns with space/tåble/ünï código.json`;
      await s.io.write(loc, 'x');
      assert.equal(await s.io.exists(loc), true);
      assert.equal((await s.io.read(loc)).toString(), 'x');
      assert.equal(await s.io.exists(`${dir}/ns with space/table/ünï código.json`), false);
    });

    it('reports existence', async () => {
      const dir = s.freshRoot();
      assert.equal(await s.io.exists(`${dir}/f`), false);
      await s.io.write(`${dir}/f`, 'x');
      assert.equal(await s.io.exists(`${dir}/f`), true);
    });

    it('replaces an object on a plain write', async () => {
      const dir = s.freshRoot();
      await s.io.write(`${dir}/f`, 'one');
      await s.io.write(`${dir}/f`, 'two');
      assert.equal((await s.io.read(`${dir}/f`)).toString(), 'two');
    });

    it('refuses an ifAbsent write over an existing object and keeps the old content', async () => {
      const dir = s.freshRoot();
      await s.io.write(`${dir}/v1.metadata.json`, 'first', { ifAbsent: true });
      await rejectsWithCode(s.io.write(`${dir}/v1.metadata.json`, 'second', { ifAbsent: true }), codes.alreadyExists);
      assert.equal((await s.io.read(`${dir}/v1.metadata.json`)).toString(), 'first');
    });

    it('lets one of several concurrent ifAbsent writers create an object, the others fail cleanly', async () => {
      const dir = s.freshRoot();
      const loc = `${dir}/race.metadata.json`;
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => s.io.write(loc, `writer-${i}`, { ifAbsent: true })),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      if (codes.atomicCreate) assert.equal(won.length, 1, `winners: ${won.join(',')}`);
      else assert.ok(won.length >= 1, 'nobody won');
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, codes.alreadyExists);
      }
      const content = (await s.io.read(loc)).toString();
      assert.ok(
        won.some((i) => content === `writer-${i}`),
        `content ${content} is not a winner's`,
      );
    });

    it('fails a read of a missing object with a not-found code', async () => {
      await rejectsWithCode(s.io.read(`${s.freshRoot()}/missing.json`), codes.notFound);
    });

    it('deletes one object, and deleting a missing one is a no-op', async () => {
      const dir = s.freshRoot();
      await s.io.write(`${dir}/f`, 'x');
      await s.io.write(`${dir}/g`, 'y');
      await s.io.delete(`${dir}/f`);
      assert.equal(await s.io.exists(`${dir}/f`), false);
      assert.equal(await s.io.exists(`${dir}/g`), true);
      await s.io.delete(`${dir}/f`);
      await s.io.delete(`${dir}/never-there`);
    });

    it('lists everything under a folder, with sizes, and nothing beside it', async () => {
      const dir = s.freshRoot();
      const files = ['metadata/00000.metadata.json', 'metadata/snap-1.avro', 'data/a/b/part-0.parquet', 'x'];
      for (const f of files) await s.io.write(`${dir}/t/${f}`, f);
      await s.io.write(`${dir}/t2/metadata/keep.json`, 'keep');
      await s.io.write(`${dir}/t-other`, 'keep');
      const listed = await s.io.list(`${dir}/t`);
      assert.deepEqual(
        listed.map((o) => o.location),
        files.map((f) => `${dir}/t/${f}`).sort(),
      );
      assert.deepEqual(
        listed.map((o) => o.size),
        files
          .map((f) => [`${dir}/t/${f}`, f.length] as const)
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([, n]) => n),
      );
      assert.ok(listed.every((o) => o.lastModified instanceof Date));
      assert.deepEqual(await s.io.list(`${dir}/never-there`), []);
    });

    it('lists more objects under a folder than one listing page holds', async function () {
      this.timeout(300_000);
      const dir = s.freshRoot();
      const n = 1010;
      const names = Array.from({ length: n }, (_, i) => `${dir}/big/data/f-${String(i).padStart(5, '0')}`);
      for (let i = 0; i < names.length; i += 50)
        await Promise.all(names.slice(i, i + 50).map((l) => s.io.write(l, 'x')));
      assert.equal((await s.io.list(`${dir}/big`)).length, n);
    });

    it('prepares directories without creating objects a reader could see as files', async () => {
      const dir = s.freshRoot();
      await s.io.prepareDirectory(`${dir}/t/metadata`);
      await s.io.write(`${dir}/t/metadata/m.json`, 'x');
      assert.equal((await s.io.read(`${dir}/t/metadata/m.json`)).toString(), 'x');
    });

    it('gives clients a string-valued config', () => {
      for (const [k, v] of Object.entries(s.io.clientConfig())) assert.equal(typeof v, 'string', k);
      for (const [k, v] of Object.entries(s.io.clientConfig({ vendCredentials: true }))) {
        assert.equal(typeof v, 'string', k);
      }
    });
  });
}
