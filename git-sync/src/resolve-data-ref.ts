import type { DataCatalog } from './catalog/data-catalog.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { findCodeLink } from './find-code-link.ts';
import { currentBranch, firstParentLog, headSha } from './git/repo.ts';
import type { FsModule, ProjectConfig } from './types.ts';

export interface DataRefResolution {
  /** What goes after `/iceberg/` (URL-encode it): `feature/x`, or `main@<hash>` for a point in the past. */
  ref: string;
  /** The data branch (or the branch a pinned hash belongs to). */
  dataBranch: string;
  /** Set when the ref is pinned to a commit. */
  hash?: string;
  /** True for a detached checkout (and an explicit `ref@hash`): writes must not go there. */
  readOnly: boolean;
  codeBranch?: string;
  codeSha?: string;
  /** True when no data was recorded for the checked-out commit itself and a nearby one was used. */
  approximate: boolean;
  why: 'override' | 'branch' | 'recorded' | 'recorded-ancestor' | 'default-branch';
}

/**
 * Which data ref to read right now. On a branch: its data branch (`dataBranchFor`, no server call). On a detached
 * HEAD (an old commit checked out): the data hash recorded for that commit, read-only (`main@<hash>`), falling back
 * to the nearest first-parent ancestor with a recorded hash, then the default data branch. `RAT_DATA_REF` in `env`
 * overrides everything. The engine calls this to pick the catalog URL.
 *
 * @example
 *   const r = await resolveDataRef({ fs, dir, gitdir, catalog, config });
 *   const uri = `${config.catalogUrl}/iceberg/${encodeURIComponent(r.ref)}`;
 */
export async function resolveDataRef(
  io: { fs: FsModule; dir: string; gitdir: string; commonDir?: string; catalog: DataCatalog; config: ProjectConfig },
  opts: { env?: Record<string, string | undefined>; searchDepth?: number } = {},
): Promise<DataRefResolution> {
  const override = opts.env?.['RAT_DATA_REF'];
  if (override) {
    const at = override.search(/[@*]/);
    return {
      ref: override,
      dataBranch: at >= 0 ? override.slice(0, at) : override,
      hash: override.includes('@') ? override.slice(override.indexOf('@') + 1) : undefined,
      readOnly: at >= 0,
      approximate: false,
      why: 'override',
    };
  }
  const branch = await currentBranch(io);
  const sha = await headSha(io);
  if (branch) {
    return {
      ref: dataBranchFor(branch, io.config),
      dataBranch: dataBranchFor(branch, io.config),
      readOnly: false,
      codeBranch: branch,
      codeSha: sha,
      approximate: false,
      why: 'branch',
    };
  }
  if (sha) {
    const history = await firstParentLog(io, sha, opts.searchDepth ?? 100);
    for (const [i, c] of history.entries()) {
      const link = await findCodeLink(io, c.sha);
      if (link) {
        return {
          ref: `${link.dataRef}@${link.dataHash}`,
          dataBranch: link.dataRef,
          hash: link.dataHash,
          readOnly: true,
          codeSha: sha,
          approximate: i > 0,
          why: i === 0 ? 'recorded' : 'recorded-ancestor',
        };
      }
    }
  }
  const def = await io.catalog.getReference(io.config.defaultDataBranch);
  const name = io.config.defaultDataBranch;
  return {
    ref: def ? `${name}@${def.hash}` : name,
    dataBranch: name,
    hash: def?.hash,
    readOnly: true,
    codeSha: sha,
    approximate: true,
    why: 'default-branch',
  };
}
