import path from 'node:path';
import yaml from 'js-yaml';
import { InvalidProjectConfigError, InvalidServerUrlError } from '../errors/index.ts';
import type { FsModule, ProjectConfig } from '../types.ts';
import { PROJECT_CONFIG_FILES } from './default-project-config.ts';
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
  for (const name of PROJECT_CONFIG_FILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      continue;
    }
    let doc: unknown;
    try {
      doc = name.endsWith('.json') ? JSON.parse(text) : yaml.load(text);
    } catch (err) {
      throw new InvalidProjectConfigError(
        file,
        `not valid ${name.endsWith('.json') ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`,
      );
    }
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
  throw new InvalidProjectConfigError(
    PROJECT_CONFIG_FILES.join(' or '),
    `not found in ${dir}`,
    'Run `rat init --server <url>` to write one',
  );
}
