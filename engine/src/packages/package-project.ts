import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { PipelineError } from '../pipeline/model.ts';

/** What rat reads of a package: its name (dbt_project.yml's), where its macros and models are, their settings. */
export interface PackageProject {
  name: string;
  /** The package's folder on disk. */
  root: string;
  /** Its macro folders (dbt's `macro-paths`), relative to `root`. */
  macroPaths: string[];
  /** Its model folders (dbt's `model-paths`), relative to `root`. */
  modelPaths: string[];
  /** Its seed folders (dbt's `seed-paths`), relative to `root`. */
  seedPaths: string[];
  /** Its snapshot folders (dbt's `snapshot-paths`), relative to `root`. */
  snapshotPaths: string[];
  /** Its `models:` settings for its own models (what dbt_project.yml gives under the package's name), if any. */
  models?: unknown;
  /** Its `vars:`, the values its macros read when the project gives none (`dbt_date:time_zone`). */
  vars: Record<string, unknown>;
}

/**
 * Names rat's templates already give: a package of one of these names would hide them. (dbt_utils is not among them:
 * its package adds the macros rat does not build in.)
 */
const TAKEN = ['dbt', 'adapter', 'modules', 'exceptions', 'target', 'this'];

/**
 * The dbt project in `root` (`shownAs` names it in errors).
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
  const vars = raw.vars ?? {};
  if (typeof vars !== 'object' || Array.isArray(vars)) return fail('vars: must be a mapping');
  // dbt_project.yml's `models:` names the project first (`models: { stripe: { +materialized: table } }`).
  const settings = raw.models as Record<string, unknown> | null | undefined;
  if (settings !== undefined && settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
    fail('models: must be a mapping');
  }
  return {
    name,
    root,
    macroPaths: paths('macro-paths', 'macros'),
    modelPaths: paths('model-paths', 'models'),
    seedPaths: paths('seed-paths', 'seeds'),
    snapshotPaths: paths('snapshot-paths', 'snapshots'),
    ...(settings?.[name] === undefined ? {} : { models: settings[name] }),
    vars: vars as Record<string, unknown>,
  };
}
