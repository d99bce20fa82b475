import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidProjectConfigError } from '../errors/index.ts';
import { parseProjectConfig } from './parse-project-config.ts';
import { readProjectConfig } from './read-project-config.ts';
import { writeProjectConfig } from './write-project-config.ts';
import { setCatalogUrl } from './set-catalog-url.ts';

describe('project config', () => {
  it('fills defaults and reads every field', () => {
    const cfg = parseProjectConfig(
      {
        catalog: { url: 'http://h:1/' },
        branches: { prefix: 'd/', default: 'trunk', map: { master: 'trunk' }, unprefixed: [] },
        pipelines: 'pl',
        onBranchDelete: 'archive',
        archivePrefix: 'old/',
      },
      'rat.yaml',
    );
    assert.equal(cfg.catalogUrl, 'http://h:1');
    assert.equal(cfg.branches.prefix, 'd/');
    assert.equal(cfg.defaultDataBranch, 'trunk');
    assert.deepEqual(cfg.branches.unprefixed, ['trunk']);
    assert.equal(cfg.onBranchDelete, 'archive');
    assert.equal(cfg.pipelinesDir, 'pl');
  });

  it('reads on_existing (default fail)', () => {
    assert.equal(parseProjectConfig({}, 'rat.yaml').onExisting, 'fail');
    assert.equal(parseProjectConfig({ on_existing: 'reset' }, 'rat.yaml').onExisting, 'reset');
    assert.throws(
      () => parseProjectConfig({ on_existing: 'keep' }, 'rat.yaml'),
      (e: unknown) => e instanceof InvalidProjectConfigError,
    );
  });

  it('setCatalogUrl changes only the URL of a hand-edited rat.yaml or .rat.json', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-cfg-'));
    try {
      const yamlText = '# ours\ncatalog:\n  # the shared server\n  url: http://old:1\npipelines: pl # here\n';
      writeFileSync(path.join(dir, 'rat.yaml'), yamlText);
      assert.equal((await setCatalogUrl({ fs, dir }, 'http://old:1/')).changed, false);
      const r = await setCatalogUrl({ fs, dir }, 'http://new:2');
      assert.deepEqual([r.changed, r.previous], [true, 'http://old:1']);
      assert.equal(
        readFileSync(path.join(dir, 'rat.yaml'), 'utf8'),
        yamlText.replace('http://old:1', '"http://new:2"'),
      );
      writeFileSync(path.join(dir, 'rat.yaml'), 'catalog: http://old:1\n');
      await setCatalogUrl({ fs, dir }, 'http://new:3');
      assert.equal((await readProjectConfig({ fs, dir })).catalogUrl, 'http://new:3');
      rmSync(path.join(dir, 'rat.yaml'));
      writeFileSync(path.join(dir, '.rat.json'), JSON.stringify({ catalog: 'http://j:3', pipelines: 'p' }));
      await setCatalogUrl({ fs, dir }, 'http://new:4');
      const cfg = await readProjectConfig({ fs, dir });
      assert.deepEqual([cfg.catalogUrl, cfg.pipelinesDir], ['http://new:4', 'p']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads vars (none by default) and refuses what is not a mapping', () => {
    assert.deepEqual(parseProjectConfig({}, 'rat.yaml').vars, {});
    assert.deepEqual(parseProjectConfig({ vars: { start: '2024-01-01', n: 3 } }, 'rat.yaml').vars, {
      start: '2024-01-01',
      n: 3,
    });
    assert.deepEqual(parseProjectConfig({ vars: null }, 'rat.yaml').vars, {});
    for (const vars of [['a'], 'x', 3]) {
      assert.throws(() => parseProjectConfig({ vars }, 'rat.yaml'), /"vars" must be a mapping/);
    }
  });

  it("reads models (the engine's per-layer settings, none by default) and refuses what is not a mapping", () => {
    assert.deepEqual(parseProjectConfig({}, 'rat.yaml').models, {});
    const models = { silver: { '+materialized': 'incremental' } };
    assert.deepEqual(parseProjectConfig({ models }, 'rat.yaml').models, models);
    for (const m of [['silver'], 'table']) {
      assert.throws(() => parseProjectConfig({ models: m }, 'rat.yaml'), /"models" must be a mapping of layers/);
    }
  });

  it("reads data_tests (the engine's settings for every test, none by default) and refuses what is not a mapping", () => {
    assert.deepEqual(parseProjectConfig({}, 'rat.yaml').dataTests, {});
    const dataTests = { '+store_failures': true };
    assert.deepEqual(parseProjectConfig({ data_tests: dataTests }, 'rat.yaml').dataTests, dataTests);
    assert.throws(() => parseProjectConfig({ data_tests: [1] }, 'rat.yaml'), /"data_tests" must be a mapping/);
  });

  it('reads runs.compact (unset by default) and refuses what is not a boolean', () => {
    assert.equal(parseProjectConfig({}, 'rat.yaml').compactRuns, undefined);
    assert.equal(parseProjectConfig({ runs: { compact: true } }, 'rat.yaml').compactRuns, true);
    assert.throws(
      () => parseProjectConfig({ runs: { compact: 'yes' } }, 'rat.yaml'),
      /"runs.compact" must be true or false/,
    );
  });

  it('reads runs.keepFailed (unset by default) and refuses what is not an age', () => {
    assert.equal(parseProjectConfig({}, 'rat.yaml').keepFailedRuns, undefined);
    assert.equal(parseProjectConfig({ runs: { keepFailed: '14d' } }, 'rat.yaml').keepFailedRuns, '14d');
    assert.equal(parseProjectConfig({ runs: { keepFailed: 0 } }, 'rat.yaml').keepFailedRuns, '0');
    for (const runs of [{ keepFailed: 'forever' }, { keep: '1d' }, 'x']) {
      assert.throws(
        () => parseProjectConfig({ runs }, 'rat.yaml'),
        (e: unknown) => e instanceof InvalidProjectConfigError,
      );
    }
  });

  it('rejects unknown fields and wrong shapes with INVALID_PROJECT_CONFIG', () => {
    for (const doc of [
      { onBranchDelte: 'delete' },
      { onBranchDelete: 'keep' },
      { catalog: 'ftp://x' },
      { branches: [] },
      3,
    ]) {
      assert.throws(
        () => parseProjectConfig(doc, 'rat.yaml'),
        (e: unknown) => e instanceof InvalidProjectConfigError && e.code === 'INVALID_PROJECT_CONFIG',
      );
    }
  });

  it('a wrong value names its field and file and says to edit it, not to run rat init (which keeps the file)', () => {
    const message = (doc: unknown) => {
      try {
        parseProjectConfig(doc, '/repo/rat.yaml');
      } catch (e) {
        return (e as Error).message;
      }
      return assert.fail('accepted');
    };
    assert.equal(
      message({ on_existing: 'maybe' }),
      'Project config /repo/rat.yaml: "on_existing" must be "reuse", "reset" or "fail". Edit "on_existing" in /repo/rat.yaml.',
    );
    assert.match(
      message({ pipelinesDir: 'p' }),
      /unknown field "pipelinesDir" \(the fields are catalog, branches, pipelines,/,
    );
    assert.equal(
      message({ catalog: { url: '127.0.0.1:18604' } }),
      'Project config /repo/rat.yaml: "catalog.url" "127.0.0.1:18604" has no http:// or https:// scheme: use ' +
        'http://127.0.0.1:18604. Edit "catalog.url" in /repo/rat.yaml, or run `rat init --server http://127.0.0.1:18604`.',
    );
    assert.match(
      message({ catalog: 'http://h:1/iceberg/main' }),
      /is the Iceberg REST URI, not the server root.*use http:\/\/h:1\./,
    );
  });

  it('setCatalogUrl repairs a catalog.url that does not parse, and refuses to write a file that still does not', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-cfg-'));
    try {
      writeFileSync(path.join(dir, 'rat.yaml'), 'catalog:\n  url: "127.0.0.1:18604"\npipelines: pl\n');
      const r = await setCatalogUrl({ fs, dir }, 'http://127.0.0.1:18604');
      assert.deepEqual([r.changed, r.previous], [true, '127.0.0.1:18604']);
      assert.equal((await readProjectConfig({ fs, dir })).catalogUrl, 'http://127.0.0.1:18604');
      const broken = 'catalog:\n  url: "127.0.0.1:1"\non_existing: maybe\n';
      writeFileSync(path.join(dir, 'rat.yaml'), broken);
      await assert.rejects(setCatalogUrl({ fs, dir }, 'http://h:2'), /Edit "on_existing" in/);
      assert.equal(readFileSync(path.join(dir, 'rat.yaml'), 'utf8'), broken);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('RAT_SERVER that is not a server root is refused, naming the variable', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-cfg-'));
    try {
      writeFileSync(path.join(dir, 'rat.yaml'), 'catalog: http://h:1\n');
      await assert.rejects(
        readProjectConfig({ fs, dir, env: { RAT_SERVER: 'http://h:1/iceberg' } }),
        (e: unknown) =>
          (e as { code?: string }).code === 'INVALID_SERVER_URL' &&
          /^RAT_SERVER "http:\/\/h:1\/iceberg" is the Iceberg REST URI.*use http:\/\/h:1\.$/.test((e as Error).message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips what rat init writes, keeps an existing file, and honours RAT_SERVER (and the older RAT_CATALOG_URL)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-cfg-'));
    try {
      const w = await writeProjectConfig(
        { fs, dir },
        { catalogUrl: 'http://a:1', branches: { prefix: 'p/', map: { x: 'y' }, unprefixed: ['main'] } },
      );
      assert.equal(w.written, true);
      assert.equal((await writeProjectConfig({ fs, dir }, { catalogUrl: 'http://other' })).written, false);
      const cfg = await readProjectConfig({ fs, dir });
      assert.equal(cfg.catalogUrl, 'http://a:1');
      assert.equal(cfg.branches.prefix, 'p/');
      assert.deepEqual(cfg.branches.map, { x: 'y' });
      assert.equal(
        (await readProjectConfig({ fs, dir, env: { RAT_CATALOG_URL: 'http://b:2/' } })).catalogUrl,
        'http://b:2',
      );
      assert.equal(
        (await readProjectConfig({ fs, dir, env: { RAT_SERVER: 'http://c:3', RAT_CATALOG_URL: 'http://b:2' } }))
          .catalogUrl,
        'http://c:3',
      );
      writeFileSync(path.join(dir, 'rat.yaml'), 'catalog: [unclosed');
      await assert.rejects(
        readProjectConfig({ fs, dir }),
        (e: unknown) => (e as InvalidProjectConfigError).code === 'INVALID_PROJECT_CONFIG',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads .rat.json too, and reports a missing config', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-cfg-'));
    try {
      await assert.rejects(
        readProjectConfig({ fs, dir }),
        (e: unknown) => (e as InvalidProjectConfigError).code === 'INVALID_PROJECT_CONFIG',
      );
      writeFileSync(path.join(dir, '.rat.json'), JSON.stringify({ catalog: 'http://j:3', branches: { prefix: 'j/' } }));
      const cfg = await readProjectConfig({ fs, dir });
      assert.equal(cfg.catalogUrl, 'http://j:3');
      assert.equal(cfg.branches.prefix, 'j/');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
