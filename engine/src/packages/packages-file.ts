import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import yaml from 'js-yaml';
import { PipelineError } from '../pipeline/model.ts';

/*
 * dbt's package list (`packages.yml`, or `dependencies.yml` since dbt 1.6) and its lock (`package-lock.yml`), beside
 * the project's layers. Packages give macros and generic tests; `rat deps` installs the git ones into
 * `dbt_packages/` and pins each to the commit it found, as `dbt deps` does.
 */

/** A package the project lists. */
export type PackageSpec =
  /** A folder holding a dbt project, read where it is (relative to the project folder). */
  | { kind: 'local'; path: string }
  /** A git repository (an URL or a local path) at a branch, tag or commit, its project maybe in a sub-folder. */
  | { kind: 'git'; url: string; revision?: string; subdirectory?: string }
  /** A package of dbt's hub (`calogica/dbt_date`) in the versions `version` allows (see `hub.ts`). */
  | { kind: 'hub'; package: string; version: string[]; prerelease: boolean };

/** A package as `rat deps` pinned it: a git package at a commit, a hub package at a version. */
export type LockedPackage =
  | { kind: 'git'; name: string; url: string; /** The commit. */ revision: string; subdirectory?: string }
  | { kind: 'hub'; name: string; package: string; version: string };

/** What pins a locked package: its commit or its version. */
export const pinOf = (p: LockedPackage) => (p.kind === 'git' ? p.revision : p.version);

export const PACKAGES_FILES = ['packages.yml', 'dependencies.yml'];
export const LOCK_FILE = 'package-lock.yml';
/** dbt's `packages-install-path` default. */
export const INSTALL_FOLDER = 'dbt_packages';

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

const fail = (file: string, why: string): never => {
  throw new PipelineError('PIPELINE_INVALID', `${file}: ${why}`, { file, line: 0 });
};

/**
 * The packages a package file lists: local, git and hub ones.
 *
 * @example parsePackages({ packages: [{ local: '../shared' }] }, 'packages.yml') // [{ kind: 'local', path: '../shared' }]
 */
export function parsePackages(doc: unknown, file: string): PackageSpec[] {
  if (doc === null || doc === undefined) return [];
  if (!isRaw(doc)) return fail(file, 'must be a mapping with a packages: list');
  const extra = Object.keys(doc).filter((k) => k !== 'packages');
  if (extra.includes('projects')) fail(file, "projects: (dbt Mesh's references to other projects) is not supported");
  if (extra.length) fail(file, `unknown key ${extra[0]} (a package file holds packages:)`);
  const list = doc.packages ?? [];
  if (!Array.isArray(list)) return fail(file, 'packages: must be a list');
  return list.map((entry, i): PackageSpec => {
    const at = `packages[${i}]`;
    if (!isRaw(entry)) return fail(file, `${at} must be a mapping (local:, git: or package:)`);
    const text = (key: string) => {
      const v = entry[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' && typeof v !== 'number') return fail(file, `${at}.${key} must be a string`);
      return String(v);
    };
    const allowed = (keys: string[]) => {
      const other = Object.keys(entry).find((k) => !keys.includes(k));
      if (other) fail(file, `${at}: unknown key ${other} (beside ${keys[0]}: ${keys.slice(1).join(', ')})`);
    };
    if (entry.local !== undefined) {
      allowed(['local']);
      return { kind: 'local', path: text('local')! };
    }
    if (entry.git !== undefined) {
      allowed(['git', 'revision', 'subdirectory', 'warn-unpinned']);
      const url = text('git')!;
      return { kind: 'git', url, revision: text('revision'), subdirectory: text('subdirectory') };
    }
    if (entry.package !== undefined) {
      allowed(['package', 'version', 'install-prerelease']);
      const name = text('package')!;
      if (!/^[\w.-]+\/[\w.-]+$/.test(name))
        return fail(file, `${at}.package must be <owner>/<name> (calogica/dbt_date)`);
      const v = entry.version ?? [];
      const version = (Array.isArray(v) ? v : [v])
        .map(String)
        .flatMap((r) => r.split(','))
        .map((r) => r.trim());
      return {
        kind: 'hub',
        package: name,
        version: version.filter(Boolean),
        prerelease: entry['install-prerelease'] === true,
      };
    }
    return fail(file, `${at} must name a package with local:, git: or package:`);
  });
}

const ENV_VAR = /\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g;

/**
 * A package file's text with dbt's `{{ env_var('NAME') }}` (or `env_var('NAME', 'default')`) filled in from the
 * environment, as dbt renders a private repository's credentials (`https://{{ env_var('GIT_CREDENTIAL') }}@…`).
 * Only fetching reads it: the lock and every message keep the text as written, so no secret is written or shown.
 *
 * @example withEnvVars("https://{{ env_var('TOKEN') }}@git.example.com/a.git") // 'https://s3cret@git.example.com/a.git'
 */
export function withEnvVars(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(ENV_VAR, (_all, _q, name: string, _q2, fallback: string | undefined) => {
    const value = env[name] ?? fallback;
    if (value === undefined)
      return fail(PACKAGES_FILES[0]!, `env_var('${name}') is not set in the environment and has no default`);
    return value;
  });
}

/** The package a hub name stands for once installed: `calogica/dbt_date` is `dbt_date`. */
export const hubPackageName = (hub: string) => hub.split('/').at(-1)!;

/** The package file in `folder` and its text, if there is one. */
export function packagesFileIn(folder: string): { file: string; text: string } | undefined {
  for (const name of PACKAGES_FILES) {
    const full = path.join(folder, name);
    if (existsSync(full)) return { file: name, text: readFileSync(full, 'utf8') };
  }
  return undefined;
}

/** The packages listed in `folder`'s package file; none without one. */
export function readPackages(folder: string, shownAs = ''): { specs: PackageSpec[]; hash?: string; file: string } {
  const found = packagesFileIn(folder);
  if (!found) return { specs: [], file: PACKAGES_FILES[0]! };
  const file = shownAs ? `${shownAs}/${found.file}` : found.file;
  let doc: unknown;
  try {
    doc = yaml.load(found.text);
  } catch (err) {
    return fail(file, `is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return { specs: parsePackages(doc, file), hash: packagesHash(found.text), file };
}

/** What the lock records of the package file it was made from: its text's SHA-1, as dbt's `sha1_hash`. */
export const packagesHash = (text: string) => createHash('sha1').update(text).digest('hex');

/** The lock `rat deps` wrote in `folder`, if any. */
export function readLock(folder: string): { packages: LockedPackage[]; hash: string } | undefined {
  const full = path.join(folder, LOCK_FILE);
  if (!existsSync(full)) return undefined;
  const doc = yaml.load(readFileSync(full, 'utf8'));
  if (!isRaw(doc) || !Array.isArray(doc.packages)) return fail(LOCK_FILE, 'must hold packages: (run rat deps)');
  const packages = doc.packages.map((p, i): LockedPackage => {
    if (isRaw(p) && typeof p.name === 'string' && typeof p.git === 'string' && typeof p.revision === 'string') {
      return {
        kind: 'git',
        name: p.name,
        url: p.git,
        revision: p.revision,
        ...(typeof p.subdirectory === 'string' ? { subdirectory: p.subdirectory } : {}),
      };
    }
    if (isRaw(p) && typeof p.name === 'string' && typeof p.package === 'string' && p.version !== undefined) {
      return { kind: 'hub', name: p.name, package: p.package, version: String(p.version) };
    }
    return fail(
      LOCK_FILE,
      `packages[${i}] must have name with git and revision, or package and version (run rat deps)`,
    );
  });
  return { packages, hash: String(doc.sha1_hash ?? '') };
}

/**
 * The lock's text: each git package by name, URL and commit, each hub package by name and version, and the package
 * file it was made from.
 */
export function lockText(packages: readonly LockedPackage[], hash: string): string {
  const doc = {
    packages: packages.map((p) =>
      p.kind === 'hub'
        ? { name: p.name, package: p.package, version: p.version }
        : {
            name: p.name,
            git: p.url,
            revision: p.revision,
            ...(p.subdirectory ? { subdirectory: p.subdirectory } : {}),
          },
    ),
    sha1_hash: hash,
  };
  return yaml.dump(doc, { lineWidth: 200 });
}

/**
 * The packages whose pinned commit (or version) differs between two texts of the lock (one may be missing: a package it lacks
 * counts as changed), for `state:modified`.
 *
 * @example packagesRepinned(lockBefore, lockNow) // ['dbt_date']
 */
export function packagesRepinned(before: string | undefined, now: string | undefined): string[] {
  const pins = (text: string | undefined) => {
    const doc = text
      ? (yaml.load(text) as { packages?: { name?: unknown; revision?: unknown; version?: unknown }[] } | null)
      : null;
    const list = Array.isArray(doc?.packages) ? doc.packages : [];
    return new Map(list.map((p) => [String(p.name), String(p.revision ?? p.version)]));
  };
  const [a, b] = [pins(before), pins(now)];
  return [...new Set([...a.keys(), ...b.keys()])].filter((n) => a.get(n) !== b.get(n)).sort();
}
