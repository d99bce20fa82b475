import path from 'node:path';
import type { FsModule, ProjectConfig } from '../types.ts';

/**
 * Writes `rat.yaml` at the repository root (a small file meant to be checked in). An existing file is left alone
 * and reported as such, so that `rat init` twice is harmless and never drops a hand edit.
 *
 * @example await writeProjectConfig({ fs, dir }, { catalogUrl: 'http://localhost:8181' })
 */
export async function writeProjectConfig(
  { fs, dir }: { fs: FsModule; dir: string },
  cfg: Pick<ProjectConfig, 'catalogUrl'> & Partial<ProjectConfig>,
): Promise<{ file: string; written: boolean }> {
  for (const existing of ['rat.yaml', '.rat.json']) {
    const file = path.join(dir, existing);
    if (fs.existsSync(file)) return { file, written: false };
  }
  const file = path.join(dir, 'rat.yaml');
  const q = (s: string) => JSON.stringify(s);
  const map = Object.entries(cfg.branches?.map ?? {});
  const text = [
    '# Ratatouille project config: which catalog this repository talks to and how code branches map to data branches.',
    '# Check it in. `RAT_SERVER` overrides catalog.url (CI, tests); `rat init --server URL` changes it.',
    'catalog:',
    `  url: ${q(cfg.catalogUrl)}`,
    'branches:',
    `  # data branch = prefix + code branch, except for the unprefixed ones and the explicit map`,
    `  prefix: ${q(cfg.branches?.prefix ?? '')}`,
    `  default: ${q(cfg.defaultDataBranch ?? 'main')}`,
    `  unprefixed: [${(cfg.branches?.unprefixed ?? ['main']).map(q).join(', ')}]`,
    map.length ? '  map:' : '  map: {}',
    ...map.map(([k, v]) => `    ${q(k)}: ${q(v)}`),
    `pipelines: ${q(cfg.pipelinesDir ?? 'pipelines')}`,
    '# delete | archive (archive keeps the head as tag <archivePrefix><branch>)',
    `onBranchDelete: ${cfg.onBranchDelete ?? 'delete'}`,
    `archivePrefix: ${q(cfg.archivePrefix ?? 'archive/')}`,
    '# a new code branch whose data branch already exists: fail (ask) | reuse | reset (to the data it forks from)',
    `on_existing: ${cfg.onExisting ?? 'fail'}`,
    '',
  ].join('\n');
  await fs.promises.writeFile(file, text);
  return { file, written: true };
}
