import { InvalidProjectConfigError } from '../errors/index.ts';
import type { ProjectConfig } from '../types.ts';
import { defaultProjectConfig } from './default-project-config.ts';
import { describeServerUrlProblem, serverUrlProblem } from './server-url-problem.ts';

type Json = Record<string, unknown>;

/** The top-level fields, for the message about one that is not (`pipelinesDir` for `pipelines`, a typo). */
const FIELDS = [
  'catalog',
  'branches',
  'pipelines',
  'onBranchDelete',
  'archivePrefix',
  'on_existing',
  'runs',
  'vars',
  'models',
  'dispatch',
  'data_tests',
];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a parsed `rat.yaml` / `.rat.json` document and fills in defaults. Pure: the caller did the reading.
 * Unknown keys are rejected so that a typo (`onBranchDelte`) is not silently ignored.
 *
 * @example parseProjectConfig({ catalog: { url: 'http://localhost:8181' }, branches: { prefix: 'data/' } }, 'rat.yaml')
 */
export function parseProjectConfig(doc: unknown, file: string): ProjectConfig {
  const cfg = defaultProjectConfig();
  if (doc === null || doc === undefined) return cfg;
  if (!isObject(doc)) throw new InvalidProjectConfigError(file, 'the top level must be a mapping');
  // Every wrong value names its field, and the fix is editing that field: `rat init` keeps an existing file.
  const fail = (reason: string, field?: string): never => {
    throw new InvalidProjectConfigError(file, reason, field ? `Edit "${field}" in ${file}` : undefined);
  };
  const str = (v: unknown, field: string): string =>
    typeof v === 'string' ? v : fail(`"${field}" must be a string`, field);
  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case 'catalog': {
        if (typeof value === 'string') cfg.catalogUrl = value;
        else if (isObject(value)) {
          for (const k of Object.keys(value)) if (k !== 'url') fail(`unknown field "catalog.${k}"`, `catalog.${k}`);
          if (value['url'] !== undefined) cfg.catalogUrl = str(value['url'], 'catalog.url');
        } else fail('"catalog" must be a URL or a mapping with "url"', 'catalog');
        break;
      }
      case 'branches': {
        if (!isObject(value)) fail('"branches" must be a mapping', 'branches');
        const b = value as Json;
        for (const [k, v] of Object.entries(b)) {
          if (k === 'prefix') cfg.branches.prefix = v === null ? '' : str(v, 'branches.prefix');
          else if (k === 'default') cfg.defaultDataBranch = str(v, 'branches.default');
          else if (k === 'map') {
            if (v === null) continue;
            if (!isObject(v)) fail('"branches.map" must be a mapping of code branch to data branch', 'branches.map');
            for (const [code, data] of Object.entries(v as Json))
              cfg.branches.map[code] = str(data, `branches.map.${code}`);
          } else if (k === 'unprefixed') {
            if (!Array.isArray(v)) fail('"branches.unprefixed" must be a list of branch names', 'branches.unprefixed');
            cfg.branches.unprefixed = (v as unknown[]).map((x, i) => str(x, `branches.unprefixed[${i}]`));
          } else fail(`unknown field "branches.${k}"`, `branches.${k}`);
        }
        break;
      }
      case 'pipelines':
        cfg.pipelinesDir = str(value, 'pipelines');
        break;
      case 'onBranchDelete':
        if (value !== 'delete' && value !== 'archive')
          fail('"onBranchDelete" must be "delete" or "archive"', 'onBranchDelete');
        cfg.onBranchDelete = value as ProjectConfig['onBranchDelete'];
        break;
      case 'on_existing':
      case 'onExisting':
        if (value !== 'reuse' && value !== 'reset' && value !== 'fail')
          fail(`"${key}" must be "reuse", "reset" or "fail"`, key);
        cfg.onExisting = value as ProjectConfig['onExisting'];
        break;
      case 'runs': {
        if (!isObject(value)) fail('"runs" must be a mapping', 'runs');
        for (const [k, v] of Object.entries(value as Json)) {
          if (k === 'compact') {
            if (typeof v !== 'boolean') fail('"runs.compact" must be true or false', 'runs.compact');
            cfg.compactRuns = v as boolean;
            continue;
          }
          if (k !== 'keepFailed') fail(`unknown field "runs.${k}"`, `runs.${k}`);
          // The same ages as `rat runs clean --older-than`; the CLI turns it into milliseconds.
          const age = String(v);
          if (!/^(0|\d+(\.\d+)?[smhdw])$/.test(age))
            fail(`"runs.keepFailed" must be an age such as 14d, 12h or 0`, 'runs.keepFailed');
          cfg.keepFailedRuns = age;
        }
        break;
      }
      case 'vars':
        if (value === null) break;
        if (!isObject(value)) fail('"vars" must be a mapping of variable names to values', 'vars');
        cfg.vars = { ...(value as Json) };
        break;
      case 'models':
        // The engine reads the settings themselves (dbt's names, as in a model's header) when it loads the models.
        if (value === null) break;
        if (!isObject(value))
          fail('"models" must be a mapping of layers to settings (+materialized: table, …)', 'models');
        cfg.models = { ...(value as Json) };
        break;
      case 'data_tests':
        // The engine reads the settings (dbt's data_tests: +store_failures, …) when it loads the models.
        if (value === null) break;
        if (!isObject(value))
          fail('"data_tests" must be a mapping of settings (+store_failures: true, …)', 'data_tests');
        cfg.dataTests = { ...(value as Json) };
        break;
      case 'dispatch':
        // The engine reads each entry (dbt's macro_namespace and search_order) when it loads the macros.
        if (value === null) break;
        if (!Array.isArray(value))
          fail('"dispatch" must be a list of { macro_namespace, search_order } (dbt\'s dispatch:)', 'dispatch');
        cfg.dispatch = [...(value as unknown[])];
        break;
      case 'archivePrefix':
        cfg.archivePrefix = str(value, 'archivePrefix');
        break;
      default:
        fail(`unknown field "${key}" (the fields are ${FIELDS.join(', ')})`, key);
    }
  }
  const problem = serverUrlProblem(cfg.catalogUrl);
  if (problem) {
    // `rat init --server` rewrites only the URL of an existing file, so it is a fix here as well as editing by hand.
    const url = problem.suggestion ?? 'http://<host>:<port>';
    throw new InvalidProjectConfigError(
      file,
      describeServerUrlProblem('"catalog.url"', cfg.catalogUrl, problem),
      `Edit "catalog.url" in ${file}, or run \`rat init --server ${url}\``,
    );
  }
  cfg.catalogUrl = cfg.catalogUrl.replace(/\/+$/, '');
  if (!cfg.branches.unprefixed.includes(cfg.defaultDataBranch) && !cfg.branches.map[cfg.defaultDataBranch]) {
    cfg.branches.unprefixed.push(cfg.defaultDataBranch);
  }
  return cfg;
}
