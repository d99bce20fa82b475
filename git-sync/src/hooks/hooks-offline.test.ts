import assert from 'node:assert/strict';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import type { DataCatalog } from '../catalog/data-catalog.ts';
import { defaultProjectConfig } from '../config/default-project-config.ts';
import { CatalogUnreachableError } from '../errors/index.ts';
import { readJournal } from '../state/journal.ts';
import type { GitSyncIO } from '../types.ts';
import { onPostCheckout } from './on-post-checkout.ts';
import { onPostCommit } from './on-post-commit.ts';
import { onPreMergeCommit } from './on-pre-merge-commit.ts';
import { onReferenceTransaction } from './on-reference-transaction.ts';

/** Every call fails the way a stopped server does. */
const downCatalog: DataCatalog = new Proxy({ url: 'http://down' } as DataCatalog, {
  get: (target, prop) =>
    prop === 'url' ? target.url : () => Promise.reject(new CatalogUnreachableError('http://down', 'ECONNREFUSED')),
});

describe('hooks with the catalog down (isomorphic-git repo, no shell)', () => {
  let dir: string;
  let io: GitSyncIO;
  const warnings: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-offline-'));
    await git.init({ fs, dir, defaultBranch: 'main' });
    writeFileSync(path.join(dir, 'a'), 'a');
    await git.add({ fs, dir, filepath: 'a' });
    await git.commit({ fs, dir, message: 'a', author: { name: 't', email: 't@example.com' } });
    warnings.length = 0;
    io = {
      fs,
      dir,
      gitdir: path.join(dir, '.git'),
      catalog: downCatalog,
      config: defaultProjectConfig(),
      report: { info: () => undefined, warn: (m) => warnings.push(m) },
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('post-commit exits 0, warns and journals the link to record', async () => {
    const out = await onPostCommit(io);
    assert.equal(out.exitCode, 0);
    assert.equal(warnings.length, 1);
    const [entry] = await readJournal(io);
    assert.equal(entry.kind, 'record-link');
  });

  it('post-checkout of a new branch exits 0 and journals the branch creation with where it came from', async () => {
    await git.branch({ fs, dir, ref: 'feature', checkout: true });
    // What git writes and isomorphic-git does not: the reflogs post-checkout reads.
    const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
    fs.mkdirSync(path.join(dir, '.git', 'logs', 'refs', 'heads'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, '.git', 'logs', 'HEAD'),
      `${head} ${head} t <t@e> 0 +0000\tcheckout: moving from main to feature\n`,
    );
    fs.writeFileSync(
      path.join(dir, '.git', 'logs', 'refs', 'heads', 'feature'),
      `${'0'.repeat(40)} ${head} t <t@e> 0 +0000\tbranch: Created from HEAD\n`,
    );
    const out = await onPostCheckout(io, { previousHead: head, newHead: head, branchCheckout: true });
    assert.equal(out.exitCode, 0);
    const [entry] = await readJournal(io);
    assert.deepEqual([entry.kind, entry.kind === 'ensure-branch' && entry.fromCodeBranch], ['ensure-branch', 'main']);
  });

  it('pre-merge-commit lets the merge go on (exit 0) when it cannot check', async () => {
    await git.branch({ fs, dir, ref: 'feature' });
    const out = await onPreMergeCommit(io, { reflogAction: 'merge feature' });
    assert.equal(out.exitCode, 0);
    assert.equal(warnings.length, 1);
  });

  it('reference-transaction journals a branch deletion for later', async () => {
    const out = await onReferenceTransaction(io, {
      state: 'committed',
      updates: [{ oldSha: '0'.repeat(40), newSha: '0'.repeat(40), ref: 'refs/heads/gone' }],
    });
    assert.equal(out.exitCode, 0);
    const [entry] = await readJournal(io);
    assert.deepEqual([entry.kind, entry.kind === 'delete-branch' && entry.codeBranch], ['delete-branch', 'gone']);
  });
});
