/**
 * Code branch → data branch names: the one mapping git lockstep uses everywhere (git-sync's hooks and `rat sync`, and
 * the catalog server's forge webhooks). It lives in this dependency-free shared library because the server may not
 * depend on git-sync; it is plain string logic, no Iceberg format and no IO.
 */

/** The `branches` section of a repository's `rat.yaml`, defaults filled in. */
export interface BranchMapping {
  /** Prepended to code branch names to form data branch names (`""` = one to one). */
  prefix: string;
  /** Explicit code branch → data branch names; wins over the prefix. */
  map: Record<string, string>;
  /** Code branches that map to the same name without the prefix (the default branch, usually). */
  unprefixed: string[];
}

/**
 * The data branch that follows a code branch. Pure. Explicit map first, then the unprefixed names (the default
 * branch), then `prefix + codeBranch`. One to one by default: `feature/x` → `feature/x`.
 *
 * @example dataBranchFor('feature/x', { branches: { prefix: 'data/', map: {}, unprefixed: ['main'] } }) // 'data/feature/x'
 */
export function dataBranchFor(codeBranch: string, config: { branches: BranchMapping }): string {
  const name = codeBranch.startsWith('refs/heads/') ? codeBranch.slice('refs/heads/'.length) : codeBranch;
  const mapped = Object.hasOwn(config.branches.map, name) ? config.branches.map[name] : undefined;
  if (mapped !== undefined) return mapped;
  if (config.branches.unprefixed.includes(name)) return name;
  return config.branches.prefix + name;
}
