import assert from 'node:assert/strict';
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nearestProjectDir, soleProject } from './find-project-dir.ts';

describe('finding the rat project of a repository', () => {
  it('picks the root project, else the only one; none when several sit below the root', () => {
    assert.equal(soleProject(['analytics/rat.yaml', 'web/app.js']), 'analytics');
    assert.equal(soleProject(['rat.yaml', 'examples/shop/rat.yaml']), '.');
    assert.equal(soleProject(['a/rat.yaml', 'b/.rat.json']), undefined);
    assert.equal(soleProject(['README.md']), undefined);
  });

  it('walks up from a folder to the nearest rat.yaml, never above the repository root', () => {
    const top = mkdtempSync(path.join(os.tmpdir(), 'rat-find-project-'));
    try {
      const repo = path.join(top, 'repo');
      mkdirSync(path.join(repo, 'analytics', 'gold'), { recursive: true });
      mkdirSync(path.join(repo, 'web'));
      writeFileSync(path.join(top, 'rat.yaml'), 'catalog: {}\n');
      writeFileSync(path.join(repo, 'analytics', 'rat.yaml'), 'catalog: {}\n');
      assert.equal(nearestProjectDir(fs, repo, path.join(repo, 'analytics', 'gold')), path.join(repo, 'analytics'));
      assert.equal(nearestProjectDir(fs, repo, path.join(repo, 'web')), undefined, 'the one above the root is not');
      assert.equal(nearestProjectDir(fs, repo, top), undefined, 'outside the repository');
      // git gives the root with symlinks resolved; the shell's cwd may go through a link.
      fs.symlinkSync(repo, path.join(top, 'link'));
      assert.equal(
        nearestProjectDir(fs, repo, path.join(top, 'link', 'analytics', 'gold')),
        path.join(repo, 'analytics'),
      );
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
