import path from 'node:path';
import yaml from 'js-yaml';
import { InvalidProjectConfigError } from '../errors/index.ts';
import type { FsModule } from '../types.ts';
import { PROJECT_CONFIG_FILES } from './default-project-config.ts';

/**
 * The project config file of `dir` (the first of PROJECT_CONFIG_FILES there) with its text and parsed document;
 * InvalidProjectConfigError when there is none, saying how to write one.
 *
 * @example const { file, doc } = await readConfigDocument(fs, repoRoot)
 */
export async function readConfigDocument(
  fs: FsModule,
  dir: string,
): Promise<{ file: string; text: string; doc: unknown }> {
  for (const name of PROJECT_CONFIG_FILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      continue;
    }
    return { file, text, doc: configDocument(file, text) };
  }
  throw new InvalidProjectConfigError(
    PROJECT_CONFIG_FILES.join(' or '),
    `not found in ${dir}`,
    'Run `rat init --server <url>` to write one',
  );
}

/**
 * The document a project config file holds (`rat.yaml` as YAML, `rat.json` as JSON), before its fields are checked;
 * text that does not parse is an InvalidProjectConfigError naming the file and the first line of why.
 *
 * @example configDocument('/repo/rat.yaml', 'catalog:\n  url: http://h:8181\n') // { catalog: { url: 'http://h:8181' } }
 */
export function configDocument(file: string, text: string): unknown {
  const json = file.endsWith('.json');
  try {
    return json ? JSON.parse(text) : yaml.load(text);
  } catch (err) {
    throw new InvalidProjectConfigError(
      file,
      `not valid ${json ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`,
    );
  }
}
