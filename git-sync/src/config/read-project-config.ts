import { InvalidServerUrlError } from '../errors/index.ts';
import type { FsModule, ProjectConfig } from '../types.ts';
import { readConfigDocument } from './config-document.ts';
import { parseProjectConfig } from './parse-project-config.ts';
import { serverUrlProblem } from './server-url-problem.ts';

/**
 * Reads `rat.yaml` (or `.rat.json`) from the repository root. `RAT_SERVER` in `env` (or its deprecated name
 * `RAT_CATALOG_URL`) overrides the catalog URL, so CI and tests can point a checked-in config at another server
 * without editing it: flag > `RAT_SERVER` > `rat.yaml` > default, as everywhere.
 *
 * @example const config = await readProjectConfig({ fs, dir: '/src/repo' })
 */
export async function readProjectConfig({
  fs,
  dir,
  env = {},
}: {
  fs: FsModule;
  dir: string;
  env?: Record<string, string | undefined>;
}): Promise<ProjectConfig & { file: string }> {
  const { file, doc } = await readConfigDocument(fs, dir);
  const cfg = parseProjectConfig(doc, file);
  const source = env['RAT_SERVER'] ? 'RAT_SERVER' : 'RAT_CATALOG_URL';
  const override = env[source];
  if (override) {
    const problem = serverUrlProblem(override);
    if (problem) throw new InvalidServerUrlError(source, override, problem);
    cfg.catalogUrl = override.replace(/\/+$/, '');
  }
  return { ...cfg, file };
}
