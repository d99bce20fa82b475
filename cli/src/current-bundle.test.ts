import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentBundle } from '../bin/current-bundle.js';

describe('the bundle bin/rat.js runs', () => {
  let dir: string;
  let dist: URL;
  let source: string;
  const manifest = (builtAt: number, inputs = [source]) =>
    writeFileSync(
      path.join(dir, 'current.json'),
      JSON.stringify({ dir: 'build-1', entry: 'main.js', builtAt, inputs }),
    );
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bundle-'));
    dist = pathToFileURL(`${dir}/`);
    source = path.join(dir, 'a.ts');
    writeFileSync(source, 'export {};');
    utimesSync(source, new Date(1_000_000), new Date(1_000_000));
    mkdirSync(path.join(dir, 'build-1'));
    writeFileSync(path.join(dir, 'build-1', 'main.js'), 'export {};');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is used while no source it was built from changed since the build started', () => {
    manifest(2_000_000);
    assert.equal(currentBundle(dist), pathToFileURL(path.join(dir, 'build-1', 'main.js')).href);
  });
  it('is not used once a source was modified after the build started', () => {
    manifest(2_000_000);
    utimesSync(source, new Date(), new Date());
    assert.equal(currentBundle(dist), undefined);
  });
  it('is not used when a source is gone, or when there is no bundle', () => {
    manifest(2_000_000, [source, path.join(dir, 'gone.ts')]);
    assert.equal(currentBundle(dist), undefined);
    rmSync(path.join(dir, 'current.json'));
    assert.equal(currentBundle(dist), undefined);
  });
  it('is not used when its build folder is gone', () => {
    manifest(2_000_000);
    rmSync(path.join(dir, 'build-1'), { recursive: true });
    assert.equal(currentBundle(dist), undefined);
  });
});
