import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A pipelines folder of its own for each test of the enclosing `describe` (files written, the folder removed). */
export interface ProjectFolder {
  /** The folder; replaced before each test, so read it inside the tests. */
  dir: string;
  /** Writes `text` to `file` (relative to the folder, folders created). */
  write(file: string, text: string): void;
}

/**
 * Registers mocha hooks that give every test a fresh folder with `files` written in it, removed after.
 *
 * @example const p = useProjectFolder({ 'bronze/orders.yml': 'source:\n  path: landing/*.csv\n' }); it('…', () => loadProject(p.dir))
 */
export function useProjectFolder(files: Record<string, string> = {}): ProjectFolder {
  const folder: ProjectFolder = {
    dir: '',
    write(file, text) {
      mkdirSync(path.dirname(path.join(folder.dir, file)), { recursive: true });
      writeFileSync(path.join(folder.dir, file), text);
    },
  };
  beforeEach(() => {
    folder.dir = mkdtempSync(path.join(os.tmpdir(), 'rat-project-'));
    for (const [file, text] of Object.entries(files)) folder.write(file, text);
  });
  afterEach(() => rmSync(folder.dir, { recursive: true, force: true }));
  return folder;
}
