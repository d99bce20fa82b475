import fs from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { PipelineError } from '../pipeline/model.ts';
import {
  hubPackageName,
  INSTALL_FOLDER,
  LOCK_FILE,
  lockText,
  readLock,
  readPackages,
  type LockedPackage,
  type PackageSpec,
  withEnvVars,
} from './packages-file.ts';
import { readPackageProject } from './package-project.ts';
import { extractTarball, meetsRanges, resolveHubPackage } from './hub.ts';

/** What `rat deps` did for one package. */
export interface InstalledPackage {
  name: string;
  /** `local` packages are read where they are; `git` and `hub` ones were written into `dbt_packages/`. */
  kind: 'local' | 'git' | 'hub';
  /** The folder, URL or hub package it came from. */
  from: string;
  /** A git package's commit, a hub package's version. */
  revision?: string;
}

type GitSpec = Extract<PackageSpec, { kind: 'git' }>;
type HubSpec = Extract<PackageSpec, { kind: 'hub' }>;

const fail = (file: string, why: string): never => {
  throw new PipelineError('PIPELINE_INVALID', `${file}: ${why}`, { file, line: 0 });
};

/**
 * dbt's `deps`: installs the project's git and hub packages, and the packages they list in turn, into
 * `dbt_packages/`, each git package at the commit its revision names (a branch, a tag or a commit), each hub package
 * at the newest version its ranges allow, and writes `package-lock.yml` pinning those commits and versions. While
 * the package file is unchanged, the lock's commits and versions are installed again (`upgrade` resolves them anew).
 * The installed packages are replaced only once every one is fetched whole.
 *
 * @example await installPackages('examples/cafe') // [{ name: 'dbt_date', kind: 'git', from: 'https://…', revision: '…' }]
 */
export async function installPackages(folder: string, o: { upgrade?: boolean } = {}): Promise<InstalledPackage[]> {
  const { specs, hash = '', file } = readPackages(folder);
  const lock = readLock(folder);
  const pinned = !o.upgrade && lock?.hash === hash ? lock.packages : [];
  const report: InstalledPackage[] = [];
  for (const s of specs) {
    if (s.kind !== 'local') continue;
    const p = readPackageProject(path.resolve(folder, s.path), s.path);
    report.push({ name: p.name, kind: 'local', from: s.path });
  }
  const installRoot = path.join(folder, INSTALL_FOLDER);
  const remote = specs.some((x) => x.kind === 'git' || x.kind === 'hub');
  if (!remote && !fs.existsSync(installRoot)) {
    await rm(path.join(folder, LOCK_FILE), { force: true });
    return report;
  }
  await mkdir(installRoot, { recursive: true });
  // Every package is written into a staging folder first; only when all are there do they replace the installed
  // ones (and the lock follows), so a failed fetch leaves the installed packages and their lock as they were.
  const staging = await mkdtemp(path.join(installRoot, '.installing-'));
  try {
    const locked: LockedPackage[] = [];
    const queue = specs
      .filter((x): x is GitSpec | HubSpec => x.kind === 'git' || x.kind === 'hub')
      .map((spec) => ({ spec, by: file }));
    const done = new Set<string>();
    while (queue.length) {
      const { spec, by } = queue.shift()!;
      let name: string;
      if (spec.kind === 'hub') {
        // A package that is already there (the project's git package of that name, say) is the one used.
        const have = locked.find((p) => p.name === hubPackageName(spec.package));
        if (have) {
          if (have.kind === 'hub' && !meetsRanges(have.version, spec.version)) {
            fail(by, `needs ${spec.package} ${spec.version.join(', ')}, and ${have.version} is the version installed`);
          }
          continue;
        }
        const pin = pinned.find((p) => p.kind === 'hub' && p.package === spec.package);
        const got = await fetchHubPackage(staging, spec, pin?.kind === 'hub' ? pin.version : undefined);
        name = got.name;
        locked.push({ kind: 'hub', name, package: spec.package, version: got.version });
        report.push({ name, kind: 'hub', from: spec.package, revision: got.version });
      } else {
        const key = `${spec.url}#${spec.subdirectory ?? ''}`;
        if (done.has(key)) continue;
        done.add(key);
        const pin = pinned.find(
          (p) => p.kind === 'git' && p.url === spec.url && (p.subdirectory ?? '') === (spec.subdirectory ?? ''),
        );
        const got = await fetchPackage(staging, spec, pin?.kind === 'git' ? pin.revision : undefined);
        name = got.name;
        locked.push({ kind: 'git', name, url: spec.url, revision: got.commit, subdirectory: spec.subdirectory });
        report.push({ name, kind: 'git', from: spec.url, revision: got.commit });
      }
      // What it needs in turn is installed too; a local package cannot be (it names its author's machine).
      const shown = `${INSTALL_FOLDER}/${name}`;
      for (const dep of readPackages(path.join(staging, name), shown).specs) {
        if (dep.kind === 'git' || dep.kind === 'hub') queue.push({ spec: dep, by: shown });
        else if (dep.kind === 'local')
          fail(shown, `lists a local package (${dep.path}): list it in the project's own package file`);
      }
    }
    // In place: each package, then no folder of a package no longer listed (as dbt deps leaves only what it
    // installed), then the lock.
    for (const p of locked) {
      await rm(path.join(installRoot, p.name), { recursive: true, force: true });
      await rename(path.join(staging, p.name), path.join(installRoot, p.name));
    }
    const keep = new Set([...locked.map((p) => p.name), path.basename(staging)]);
    for (const entry of fs.readdirSync(installRoot)) {
      if (!keep.has(entry)) await rm(path.join(installRoot, entry), { recursive: true, force: true });
    }
    // What rat deps writes is not the project's code (the lock pins it): git leaves the folder out of commits and
    // of the working tree's changes a run records.
    await writeFile(path.join(installRoot, '.gitignore'), '*\n');
    if (locked.length) await writeFile(path.join(folder, LOCK_FILE), lockText(locked, hash));
    else await rm(path.join(folder, LOCK_FILE), { force: true });
    return report;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** A hub package written into `staging/<its name>` at version `pinned`, else the newest its ranges allow. */
async function fetchHubPackage(
  staging: string,
  spec: HubSpec,
  pinned: string | undefined,
): Promise<{ name: string; version: string }> {
  const { version, tarball } = await resolveHubPackage(spec.package, spec.version, spec.prerelease, pinned);
  const written = await mkdtemp(path.join(staging, '.hub-'));
  await extractTarball(tarball, written);
  const { name } = readPackageProject(written, `${spec.package} ${version}`);
  if (fs.existsSync(path.join(staging, name))) fail(INSTALL_FOLDER, `two packages are named ${name}`);
  await rename(written, path.join(staging, name));
  return { name, version };
}

/** A git package written into `staging/<its name>` at the commit `pinned` (else its revision) names. */
async function fetchPackage(
  staging: string,
  spec: GitSpec,
  pinned: string | undefined,
): Promise<{ name: string; commit: string }> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'rat-deps-'));
  try {
    const gitdir = await repositoryOf(spec.url, scratch);
    const commit = pinned ?? (await commitOf(gitdir, spec));
    let tree: string;
    try {
      ({ oid: tree } = await git.readTree({ fs, gitdir, oid: commit, filepath: spec.subdirectory }));
    } catch {
      return fail(INSTALL_FOLDER, `${spec.url} has no folder ${spec.subdirectory} at ${commit.slice(0, 12)}`);
    }
    const written = path.join(staging, path.basename(scratch));
    await writeTree(gitdir, tree, written);
    const { name } = readPackageProject(written, spec.url);
    if (fs.existsSync(path.join(staging, name))) fail(INSTALL_FOLDER, `two packages are named ${name}`);
    await rename(written, path.join(staging, name));
    return { name, commit };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The git folder to read `url` from: a repository on this machine (a path or `file://`) is read in place; a remote
 * one (`http(s)://`) is fetched into `scratch`, all its branches and tags.
 */
async function repositoryOf(written: string, scratch: string): Promise<string> {
  const url = withEnvVars(written);
  if (/^https?:\/\//i.test(url)) {
    try {
      // Credentials in the URL (`https://user:token@host/…`) are sent as HTTP basic auth.
      await git.clone({ fs, http, dir: scratch, url, noCheckout: true });
    } catch (err) {
      return fail(INSTALL_FOLDER, `cannot fetch ${written}: ${(err as Error).message}`);
    }
    return path.join(scratch, '.git');
  }
  const ssh = /^[\w.-]+@[\w.-]+:/.test(url);
  if (ssh || (/^[a-z][a-z0-9+.-]*:\/\/(?!\/)/i.test(url) && !url.startsWith('file://'))) {
    return fail(
      INSTALL_FOLDER,
      `${written}: rat fetches git packages over http(s) or from this machine's folders${ssh ? " (for a private repository: https://{{ env_var('GIT_CREDENTIAL') }}@host/owner/repo.git)" : ''}`,
    );
  }
  const local = url.startsWith('file://') ? new URL(url).pathname : url;
  const dotGit = path.join(local, '.git');
  if (fs.existsSync(dotGit)) return dotGit;
  if (fs.existsSync(path.join(local, 'HEAD'))) return local;
  return fail(INSTALL_FOLDER, `${written} is not a git repository`);
}

/** The commit a package's revision names: a branch, a tag (annotated or not), a commit, or else the default head. */
async function commitOf(gitdir: string, spec: GitSpec): Promise<string> {
  const revision = withEnvVars(spec.revision ?? 'HEAD');
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
    // A name git itself refuses (`..`, one with a separator) would write outside the package's folder.
    if (e.path === '.' || e.path === '..' || /[/\\]/.test(e.path) || e.path === '.git') continue;
    const target = path.join(out, e.path);
    if (e.type === 'tree') await writeTree(gitdir, e.oid, target);
    else if (e.type === 'blob') {
      const { blob } = await git.readBlob({ fs, gitdir, oid: e.oid });
      await writeFile(target, blob);
      if (e.mode === '100755') await chmod(target, 0o755);
    }
  }
}
