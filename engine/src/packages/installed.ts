import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MacroFile } from '../pipeline/jinja-environment.ts';
import { PipelineError } from '../pipeline/model.ts';
import { filesUnder } from '../pipeline/project-files.ts';
import { INSTALL_FOLDER, LOCK_FILE, readLock, readPackages } from './packages-file.ts';
import { readPackageProject, type PackageProject } from './package-project.ts';

const fail = (file: string, why: string): never => {
  throw new PipelineError('PIPELINE_INVALID', `${file}: ${why}`, { file, line: 0 });
};

/**
 * The packages a project folder uses: its local packages where they are, and the git and hub packages `rat deps`
 * installed as its lock pins them (with what they need in turn). A package not installed, or a package file changed
 * since `rat deps`, is `PIPELINE_INVALID` saying to run it.
 *
 * @example installedPackages('examples/cafe') // [{ name: 'dbt_date', root: '…/dbt_packages/dbt_date', … }]
 */
export function installedPackages(folder: string): PackageProject[] {
  const { specs, hash } = readPackages(folder);
  const found: PackageProject[] = [];
  for (const s of specs) {
    if (s.kind !== 'local') continue;
    found.push(readPackageProject(path.resolve(folder, s.path), s.path));
  }
  if (specs.some((s) => s.kind === 'git' || s.kind === 'hub')) {
    const lock = readLock(folder);
    if (!lock) fail(INSTALL_FOLDER, 'the packages are not installed: run rat deps');
    else if (lock.hash !== hash) fail(LOCK_FILE, 'the package file changed since rat deps pinned it: run rat deps');
    for (const p of lock?.packages ?? []) {
      const shown = `${INSTALL_FOLDER}/${p.name}`;
      const root = path.join(folder, INSTALL_FOLDER, p.name);
      if (!existsSync(root)) fail(shown, `${p.name} is not installed: run rat deps`);
      const project = readPackageProject(root, shown);
      if (project.name !== p.name) fail(shown, `holds package ${project.name}, not ${p.name}: run rat deps`);
      found.push(project);
    }
  }
  const seen = new Set<string>();
  for (const p of found) {
    if (seen.has(p.name)) fail(INSTALL_FOLDER, `two packages are named ${p.name}`);
    seen.add(p.name);
  }
  return found;
}

/**
 * The macro files of `packages`, each marked with its package (whose macros its templates call by name, and the
 * project's as `package.macro()`), named relative to the project folder `dir`.
 */
export function packageMacroFiles(dir: string, packages: readonly PackageProject[]): MacroFile[] {
  return packages.flatMap((p) =>
    p.macroPaths.flatMap((m) =>
      filesUnder(dir, path.join(p.root, m), /\.sql$/).map((f) => ({
        file: f.rel,
        text: readFileSync(f.full, 'utf8'),
        package: p.name,
      })),
    ),
  );
}
