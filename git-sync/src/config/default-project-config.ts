import type { ProjectConfig } from '../types.ts';

/** Where `rat init` and `rat serve` meet by default. */
export const DEFAULT_CATALOG_URL = 'http://127.0.0.1:8181';

/** The two file names the project config may have, in the order they are looked for. */
export const PROJECT_CONFIG_FILES = ['rat.yaml', '.rat.json'] as const;

/**
 * A full config with every default filled in: one-to-one branch names, `main` as the data default branch, branch
 * deletion deletes the data branch.
 *
 * @example defaultProjectConfig({ catalogUrl: 'http://localhost:8181' })
 */
export function defaultProjectConfig(overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  return {
    catalogUrl: DEFAULT_CATALOG_URL,
    branches: { prefix: '', map: {}, unprefixed: ['main'] },
    defaultDataBranch: 'main',
    pipelinesDir: 'pipelines',
    onBranchDelete: 'delete',
    archivePrefix: 'archive/',
    onExisting: 'fail',
    vars: {},
    models: {},
    dispatch: [],
    dataTests: {},
    ...overrides,
  };
}
