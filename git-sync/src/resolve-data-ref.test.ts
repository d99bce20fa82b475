import assert from 'node:assert/strict';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import type { CodeLink, DataCatalog } from './catalog/data-catalog.ts';
import { defaultProjectConfig } from './config/default-project-config.ts';
import { resolveDataRef } from './resolve-data-ref.ts';

/** A catalog that only knows code links and `main`'s head: resolveDataRef needs no more. */
function fakeCatalog(links: Record<string, CodeLink>): DataCatalog {
  const nope = () => Promise.reject(new Error('not used'));
  return {
    url: 'http://fake',
    getReference: async (name) => (name === 'main' ? { type: 'BRANCH', name, hash: 'f'.repeat(64) } : undefined),
    createReference: nope,
    assignReference: nope,
    deleteReference: nope,
    merge: nope,
    history: nope,
    getLink: async (sha) => links[sha],
    putLink: nope,
    pendingMerges: nope,
    clearPendingMerge: nope,
  };
}

describe('resolveDataRef (isomorphic-git, no shell)', () => {
  let dir: string;
  const author = { name: 't', email: 't@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 };
  const commit = async (file: string) => {
    writeFileSync(path.join(dir, file), file);
    await git.add({ fs, dir, filepath: file });
    return git.commit({ fs, dir, message: file, author });
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-resolve-'));
    await git.init({ fs, dir, defaultBranch: 'main' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const io = (links: Record<string, CodeLink>, prefix = '') => ({
    fs,
    dir,
    gitdir: path.join(dir, '.git'),
    catalog: fakeCatalog(links),
    config: defaultProjectConfig({ branches: { prefix, map: {}, unprefixed: ['main'] } }),
  });

  it('on a branch: its data branch, writable, without asking the server', async () => {
    await commit('a');
    await git.branch({ fs, dir, ref: 'feature/x', checkout: true });
    const r = await resolveDataRef(io({}, 'data/'));
    assert.deepEqual([r.ref, r.readOnly, r.why], ['data/feature/x', false, 'branch']);
  });

  it('detached: the recorded data hash, read-only; an unrecorded commit falls back to its nearest recorded ancestor', async () => {
    const a = await commit('a');
    const b = await commit('b');
    const links = { [a]: { sha: a, dataRef: 'main', dataHash: 'a'.repeat(64) } };
    await git.checkout({ fs, dir, ref: a });
    const exact = await resolveDataRef(io(links));
    assert.deepEqual([exact.ref, exact.readOnly, exact.approximate], [`main@${'a'.repeat(64)}`, true, false]);
    await git.checkout({ fs, dir, ref: b });
    const near = await resolveDataRef(io(links));
    assert.deepEqual([near.ref, near.readOnly, near.why], [`main@${'a'.repeat(64)}`, true, 'recorded-ancestor']);
  });

  it('detached with nothing recorded: the default branch head, read-only and flagged approximate', async () => {
    const a = await commit('a');
    await git.checkout({ fs, dir, ref: a });
    const r = await resolveDataRef(io({}));
    assert.deepEqual([r.ref, r.readOnly, r.approximate], [`main@${'f'.repeat(64)}`, true, true]);
  });

  it('RAT_DATA_REF overrides', async () => {
    await commit('a');
    const r = await resolveDataRef(io({}), { env: { RAT_DATA_REF: 'v1@abcdef12' } });
    assert.deepEqual([r.ref, r.readOnly, r.why], ['v1@abcdef12', true, 'override']);
  });
});
