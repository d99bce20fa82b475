import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { PipelineError } from '../pipeline/model.ts';
import { filesUnder } from '../pipeline/project-files.ts';

/** What rat reads of a package: its name (dbt_project.yml's) and where its macros are. */
export interface PackageProject {
  name: string;
  /** The package's folder on disk. */
  root: string;
  /** Its macro folders (dbt's `macro-paths`), relative to `root`. */
  macroPaths: string[];
  /** Its `vars:`, the values its macros read when the project gives none (`dbt_date:time_zone`). */
  vars: Record<string, unknown>;
}

/**
 * Names rat's templates already give: a package of one of these names would hide them. (dbt_utils is not among them:
 * its package adds the macros rat does not build in.)
 */
const TAKEN = ['dbt', 'adapter', 'modules', 'exceptions', 'target', 'this'];

/**
 * The dbt project in `root` (`shownAs` names it in errors). A package whose models would need building is refused:
 * rat builds the project's own models; a package gives macros and tests.
 *
 * @example readPackageProject('dbt_packages/dbt_date', 'dbt_packages/dbt_date') // { name: 'dbt_date', macroPaths: ['macros'], … }
 */
export function readPackageProject(root: string, shownAs: string): PackageProject {
  const file = `${shownAs}/dbt_project.yml`;
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}: ${why}`, { file, line: 0 });
  };
  const full = path.join(root, 'dbt_project.yml');
  if (!existsSync(full)) return fail('not found: a package is a folder holding a dbt project');
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(full, 'utf8'));
  } catch (err) {
    return fail(`is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const raw = (doc ?? {}) as Record<string, unknown>;
  const name = raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z_]\w*$/.test(name))
    return fail('name: must be a name (letters, _, digits)');
  if (TAKEN.includes(name)) fail(`a package may not be named ${name}: the templates already have ${name}`);
  const paths = (key: string, fallback: string) => {
    const v = raw[key] ?? [fallback];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return fail(`${key}: must be a list of folders`);
    return v as string[];
  };
  const models = paths('model-paths', 'models').flatMap((p) => filesUnder(root, path.join(root, p), /\.sql$/));
  if (models.length) {
    fail(
      `the package has models (${models[0]!.rel}${models.length > 1 ? `, and ${models.length - 1} more` : ''}): rat builds the project's own models, and takes macros and tests from packages`,
    );
  }
  const vars = raw.vars ?? {};
  if (typeof vars !== 'object' || Array.isArray(vars)) return fail('vars: must be a mapping');
  return { name, root, macroPaths: paths('macro-paths', 'macros'), vars: vars as Record<string, unknown> };
}
