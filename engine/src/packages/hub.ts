import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { PipelineError } from '../pipeline/model.ts';
import { INSTALL_FOLDER } from './packages-file.ts';

/*
 * dbt's package hub: `{hub}/api/v1/<owner>/<name>.json` lists a package's versions, each with the tarball of its code
 * and the packages it needs. The hub is `DBT_PACKAGE_HUB_URL` (dbt's setting, for a private hub), else dbt's own.
 */

export const DEFAULT_HUB = 'https://hub.getdbt.com/';

/** What the hub says of one version of a package. */
interface HubVersion {
  downloads?: { tarball?: string };
}

const fail = (why: string): never => {
  throw new PipelineError('PIPELINE_INVALID', `${INSTALL_FOLDER}: ${why}`, { file: INSTALL_FOLDER, line: 0 });
};

const hubUrl = () => (process.env.DBT_PACKAGE_HUB_URL || DEFAULT_HUB).replace(/\/?$/, '/');

/** A version's numbers and pre-release tag: `1.2.3-rc1` → [1, 2, 3], 'rc1'. */
function parseVersion(v: string): { parts: number[]; pre: string } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([\w.]+))?$/.exec(v.trim());
  return m ? { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? '' } : undefined;
}

/** Orders versions as semantic versions do (a pre-release before its release). */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a)!, parseVersion(b)!];
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i]! - y.parts[i]!;
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/**
 * Whether `version` meets every one of dbt's version ranges (`1.2.3`, `=1.2.3`, `>=1.0.0`, `<2.0.0`, `>`, `<=`).
 *
 * @example meetsRanges('1.3.0', ['>=1.0.0', '<2.0.0']) // true
 */
export function meetsRanges(version: string, ranges: readonly string[]): boolean {
  return ranges.every((r) => {
    const m = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(r.trim());
    if (!m || !parseVersion(m[2]!)) return fail(`version range ${r} is not one dbt writes (>=1.0.0, <2.0.0, 1.2.3)`);
    const c = compareVersions(version, m[2]!);
    return { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0 }[m[1] ?? '=']!;
  });
}

/**
 * The newest version of `pkg` that `ranges` allow (pre-releases only when asked), and its tarball.
 *
 * @example await resolveHubPackage('calogica/dbt_date', ['>=0.9.0', '<1.0.0'], false) // { version: '0.10.1', tarball: '…' }
 */
export async function resolveHubPackage(
  pkg: string,
  ranges: readonly string[],
  prerelease: boolean,
  pinned?: string,
): Promise<{ version: string; tarball: string }> {
  const url = `${hubUrl()}api/v1/${pkg}.json`;
  let body: { versions?: Record<string, HubVersion> };
  try {
    const res = await fetch(url);
    if (res.status === 404) return fail(`${pkg} is not a package of the hub at ${hubUrl()}`);
    if (!res.ok) return fail(`the hub answered ${res.status} for ${pkg} (${url})`);
    body = (await res.json()) as typeof body;
  } catch (err) {
    if (err instanceof PipelineError) throw err;
    return fail(
      `cannot reach dbt's package hub at ${hubUrl()} (${(err as Error).message}): set DBT_PACKAGE_HUB_URL, or list the package's repository (git:, revision:)`,
    );
  }
  const versions = Object.keys(body.versions ?? {}).filter((v) => parseVersion(v));
  const chosen =
    pinned ??
    versions
      .filter((v) => (prerelease || !parseVersion(v)!.pre) && meetsRanges(v, ranges))
      .sort(compareVersions)
      .at(-1);
  if (!chosen)
    return fail(`no version of ${pkg} meets ${ranges.join(', ') || 'any range'} (the hub has ${versions.join(', ')})`);
  const tarball = body.versions?.[chosen]?.downloads?.tarball;
  if (!tarball) return fail(`the hub gives no tarball of ${pkg} ${chosen}`);
  return { version: chosen, tarball };
}

/** Writes the code of a tarball (its one top folder's contents, as GitHub's tarballs hold them) into `out`. */
export async function extractTarball(tarball: string, out: string): Promise<void> {
  const res = await fetch(tarball).catch((err: Error) => fail(`cannot download ${tarball}: ${err.message}`));
  if (!res.ok) fail(`downloading ${tarball} answered ${res.status}`);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'rat-hub-'));
  try {
    const file = path.join(scratch, 'package.tar.gz');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    await mkdir(out, { recursive: true });
    // Entries that would land outside `out` (absolute paths, `..`) are refused by the library's defaults.
    await tar.x({ file, cwd: out, strip: 1 });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
