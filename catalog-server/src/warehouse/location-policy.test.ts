import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocationNotAllowedError } from '../errors/index.ts';
import { FileWarehouseIO } from './file-warehouse-io.ts';
import { LocationPolicy } from './location-policy.ts';

describe('LocationPolicy', () => {
  let dir: string;
  let wh: string;
  let policy: LocationPolicy;
  let io: FileWarehouseIO;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-policy-'));
    mkdirSync(path.join(dir, 'wh', 'db'), { recursive: true });
    mkdirSync(path.join(dir, 'outside'));
    symlinkSync(path.join(dir, 'outside'), path.join(dir, 'wh', 'link'));
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'wh', 'dangling'));
    wh = pathToFileURL(path.join(dir, 'wh')).href;
    io = new FileWarehouseIO(wh);
    policy = new LocationPolicy([{ io, allowed: [`${pathToFileURL(dir).href}/extra`, 's3://landing/in'] }]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('confines to the roots and returns the normal form', async () => {
    assert.equal(await policy.confine(`${wh}//db/./t/`, 'Table location'), `${wh}/db/t`);
    assert.equal(
      await policy.confine(`${pathToFileURL(dir).href}/extra/t`, 'Table location'),
      `${pathToFileURL(dir).href}/extra/t`,
    );
    assert.equal(await policy.confine('s3://landing/in/t', 'Table location'), 's3://landing/in/t');
    for (const bad of [wh, `${wh}/../outside/t`, `${wh}/link/t`, `${wh}/dangling/t`, 's3://landing/other', 'x/y']) {
      await assert.rejects(policy.confine(bad, 'Table location'), LocationNotAllowedError, bad);
    }
  });

  it('finds the storage of a location, or refuses one outside', () => {
    assert.equal(policy.storageFor(`${wh}/db/t/metadata/x.json`), io);
    assert.throws(() => policy.storageFor('file:///etc/passwd'), LocationNotAllowedError);
    assert.equal(policy.contains(`${wh}/db`), true);
    assert.equal(policy.contains('file:///etc'), false);
  });

  it('answers the same for a location asked again, past the size of its memory of answers', () => {
    const extra = new FileWarehouseIO(`${pathToFileURL(dir).href}/second`);
    const two = new LocationPolicy([{ io }, { io: extra }]);
    for (let i = 0; i < 10_000; i++) {
      assert.equal(two.storageFor(`${wh}/db/t${i % 5_000}/metadata/x.json`), io);
      assert.equal(two.storageFor(`${pathToFileURL(dir).href}/second/t${i}/m.json`), extra);
      assert.throws(() => two.storageFor(`file:///etc/passwd${i % 3}`), LocationNotAllowedError);
    }
  });

  it('storageForWrite checks the real path of the folder at write time, not the file name itself', async () => {
    const folder = path.join(dir, 'wh', 'db', 'later');
    mkdirSync(folder);
    assert.equal(await policy.storageForWrite(`${wh}/db/later/m.json`), io);
    assert.equal(
      await policy.storageForWrite(`${wh}/db/later/new/deeper/m.json`),
      io,
      'missing folders are made inside',
    );
    assert.equal(await policy.storageForWrite('s3://landing/in/t/m.json'), io);
    // The folder accepted before becomes a link out: the next write is refused.
    rmSync(folder, { recursive: true });
    symlinkSync(path.join(dir, 'outside'), folder);
    await assert.rejects(policy.storageForWrite(`${wh}/db/later/m.json`), /symbolic link/);
    await assert.rejects(policy.storageForWrite(`${wh}/dangling/m.json`), LocationNotAllowedError);
    await assert.rejects(policy.storageForWrite(`${wh}/db/later`, 'Folder', { folder: true }), LocationNotAllowedError);
    await assert.rejects(policy.storageForWrite('file:///etc/m.json'), LocationNotAllowedError);
  });

  it('owns (for deletion) only files strictly inside, symlinks resolved', async () => {
    assert.equal(await policy.owns(`${wh}/db/t/data/a.parquet`), true);
    assert.equal(await policy.owns(wh), false);
    assert.equal(await policy.owns(`${wh}/link/precious.txt`), false);
    assert.equal(await policy.owns('file:///etc/passwd'), false);
    assert.equal(await policy.owns('not a location'), false);
  });
});
