import type { ProjectConfig } from './types.ts';

/**
 * The data branch that follows a code branch. Pure. Explicit map first, then the unprefixed names (the default
 * branch), then `prefix + codeBranch`. One to one by default: `feature/x` → `feature/x`.
 *
 * @example dataBranchFor('feature/x', { ...config, branches: { prefix: 'data/', map: {}, unprefixed: ['main'] } }) // 'data/feature/x'
 */
export function dataBranchFor(codeBranch: string, config: Pick<ProjectConfig, 'branches'>): string {
  const name = codeBranch.startsWith('refs/heads/') ? codeBranch.slice('refs/heads/'.length) : codeBranch;
  const mapped = config.branches.map[name];
  if (mapped !== undefined) return mapped;
  if (config.branches.unprefixed.includes(name)) return name;
  return config.branches.prefix + name;
}
