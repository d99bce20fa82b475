import fs from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { PipelineError } from '../pipeline/model.ts';
import {
  hubPackageName,
  hubRefused,
  INSTALL_FOLDER,
  LOCK_FILE,
  lockText,
  readLock,
  readPackages,
  type LockedPackage,
  type PackageSpec,
} from './packages-file.ts';
import { readPackageProject } from './package-project.ts';

/** What `rat deps` did for one package. */
export interface InstalledPackage {
  name: string;
  /** `local` packages are read where they are; `git` ones were written into `dbt_packages/`; `built-in` is dbt_utils. */
  kind: 'local' | 'git' | 'built-in';
  /** The folder, URL or built-in name it came from. */
  from: string;
  /** A git package's commit. */
  revision?: string;
}

type GitSpec = Extract<PackageSpec, { kind: 'git' }>;

const fail = (file: string, why: string): never => {
  throw new PipelineError('PIPELINE_INVALID', `${file}: ${why}`, { file, line: 0 });
};

/**
 * dbt's `deps`: installs the project's git packages, and the git packages they list in turn, into `dbt_packages/`,
 * each at the commit its revision names (a branch, a tag or a commit), and writes `package-lock.yml` pinning those
 * commits. While the package file is unchanged, the lock's commits are installed again (`upgrade` resolves the
 * revisions anew). A package's folder is replaced only once it is written whole.
 *
 * @example await installPackages('examples/cafe') // [{ name: 'dbt_date', kind: 'git', from: 'https://…', revision: '…' }]
 */
export async function installPackages(folder: string, o: { upgrade?: boolean } = {}): Promise<InstalledPackage[]> {
  const { specs, hash = '', file } = readPackages(folder);
  const lock = readLock(folder);
  const pinned = !o.upgrade && lock?.hash === hash ? lock.packages : [];
  const report: InstalledPackage[] = [];
  for (const s of specs) {
    if (s.kind === 'local') {
      const p = readPackageProject(path.resolve(folder, s.path), s.path);
      report.push({ name: p.name, kind: 'local', from: s.path });
    } else if (s.kind === 'built-in') report.push({ name: s.name, kind: 'built-in', from: 'rat' });
    else if (s.kind === 'hub') hubRefused(file, s.package);
  }
  const installRoot = path.join(folder, INSTALL_FOLDER);
  await mkdir(installRoot, { recursive: true });
  // What rat deps writes is not the project's code (the lock pins it): git leaves the folder out of commits and of
  // the working tree's changes a run records.
  await writeFile(path.join(installRoot, '.gitignore'), '*\n');
  const locked: LockedPackage[] = [];
  const queue: GitSpec[] = specs.filter((s): s is GitSpec => s.kind === 'git');
  const done = new Set<string>();
  /** Hub packages the git packages list, each to be one of those installed (by its name). */
  const wanted: { hub: string; by: string }[] = [];
  while (queue.length) {
    const spec = queue.shift()!;
    const key = `${spec.url}#${spec.subdirectory ?? ''}`;
    if (done.has(key)) continue;
    done.add(key);
    const pin = pinned.find((p) => p.url === spec.url && (p.subdirectory ?? '') === (spec.subdirectory ?? ''));
    const got = await fetchPackage(installRoot, spec, pin?.revision);
    if (locked.some((p) => p.name === got.name)) fail(INSTALL_FOLDER, `two packages are named ${got.name}`);
    locked.push({ name: got.name, url: spec.url, revision: got.commit, subdirectory: spec.subdirectory });
    report.push({ name: got.name, kind: 'git', from: spec.url, revision: got.commit });
    // What the package needs in turn: git packages are installed too, local ones cannot be (they name its machine).
    const shown = `${INSTALL_FOLDER}/${got.name}`;
    for (const dep of readPackages(path.join(installRoot, got.name), shown).specs) {
      if (dep.kind === 'git') queue.push(dep);
      else if (dep.kind === 'hub') wanted.push({ hub: dep.package, by: shown });
      else if (dep.kind === 'local')
        fail(shown, `lists a local package (${dep.path}): list it in the project's own package file`);
    }
  }
  for (const w of wanted) {
    if (!locked.some((p) => p.name === hubPackageName(w.hub))) {
      fail(
        w.by,
        `needs ${w.hub} from dbt's hub, which rat does not reach: list its repository in the project's package file (git: https://github.com/<owner>/<repo>.git, revision: <tag>)`,
      );
    }
  }
  // Folders of packages no longer listed go, as dbt deps leaves only what it installed.
  const keep = new Set([...locked.map((p) => p.name), '.gitignore']);
  for (const entry of fs.readdirSync(installRoot)) {
    if (!keep.has(entry)) await rm(path.join(installRoot, entry), { recursive: true, force: true });
  }
  if (locked.length) await writeFile(path.join(folder, LOCK_FILE), lockText(locked, hash));
  else await rm(path.join(folder, LOCK_FILE), { force: true });
  return report;
}

/** A git package written into `installRoot/<its name>` at the commit `pinned` (else its revision) names. */
async function fetchPackage(
  installRoot: string,
  spec: GitSpec,
  pinned: string | undefined,
): Promise<{ name: string; commit: string }> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'rat-deps-'));
  try {
    const gitdir = await repositoryOf(spec.url, scratch);
    const commit = pinned ?? (await commitOf(gitdir, spec));
    const staged = path.join(installRoot, `.installing-${path.basename(scratch)}`);
    await rm(staged, { recursive: true, force: true });
    try {
      let tree: string;
      try {
        ({ oid: tree } = await git.readTree({ fs, gitdir, oid: commit, filepath: spec.subdirectory }));
      } catch {
        return fail(INSTALL_FOLDER, `${spec.url} has no folder ${spec.subdirectory} at ${commit.slice(0, 12)}`);
      }
      await writeTree(gitdir, tree, staged);
      const { name } = readPackageProject(staged, spec.url);
      const target = path.join(installRoot, name);
      await rm(target, { recursive: true, force: true });
      await rename(staged, target);
      return { name, commit };
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The git folder to read `url` from: a repository on this machine (a path or `file://`) is read in place; a remote
 * one (`http(s)://`) is fetched into `scratch`, all its branches and tags.
 */
async function repositoryOf(url: string, scratch: string): Promise<string> {
  if (/^https?:\/\//i.test(url)) {
    try {
      await git.clone({ fs, http, dir: scratch, url, noCheckout: true });
    } catch (err) {
      return fail(INSTALL_FOLDER, `cannot fetch ${url}: ${(err as Error).message}`);
    }
    return path.join(scratch, '.git');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/(?!\/)/i.test(url) && !url.startsWith('file://')) {
    return fail(INSTALL_FOLDER, `${url}: rat fetches git packages over http(s) or from this machine's folders`);
  }
  const local = url.startsWith('file://') ? new URL(url).pathname : url;
  const dotGit = path.join(local, '.git');
  if (fs.existsSync(dotGit)) return dotGit;
  if (fs.existsSync(path.join(local, 'HEAD'))) return local;
  return fail(INSTALL_FOLDER, `${url} is not a git repository`);
}

/** The commit a package's revision names: a branch, a tag (annotated or not), a commit, or else the default head. */
async function commitOf(gitdir: string, spec: GitSpec): Promise<string> {
  const revision = spec.revision ?? 'HEAD';
  const candidates = [revision, `origin/${revision}`, `refs/remotes/origin/${revision}`];
  for (const ref of candidates) {
    const oid = await git.resolveRef({ fs, gitdir, ref }).catch(() => undefined);
    if (oid) return (await git.readCommit({ fs, gitdir, oid })).oid;
  }
  if (/^[0-9a-f]{4,40}$/i.test(revision)) {
    const oid = await git.expandOid({ fs, gitdir, oid: revision.toLowerCase() }).catch(() => undefined);
    if (oid) return (await git.readCommit({ fs, gitdir, oid })).oid;
  }
  return fail(INSTALL_FOLDER, `${spec.url} has no branch, tag or commit ${revision}`);
}

/** Writes the files of git tree `oid` under `out` (executable bits kept; submodules are not followed). */
async function writeTree(gitdir: string, oid: string, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const { tree } = await git.readTree({ fs, gitdir, oid });
  for (const e of tree) {
    const target = path.join(out, e.path);
    if (e.type === 'tree') await writeTree(gitdir, e.oid, target);
    else if (e.type === 'blob') {
      const { blob } = await git.readBlob({ fs, gitdir, oid: e.oid });
      await writeFile(target, blob);
      if (e.mode === '100755') await chmod(target, 0o755);
    }
  }
}
