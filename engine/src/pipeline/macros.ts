import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MacroFile } from './jinja-environment.ts';
import { filesUnder } from './project-files.ts';
import { DBT_UTILS_TESTS, listedTestName } from './dbt-utils-tests.ts';
import type { DispatchOrder, MacroSet } from './jinja-macros.ts';
import { PipelineError } from './model.ts';
import { PROJECT_SETTINGS_FILE } from './project-settings.ts';
import { installedPackages, packageMacroFiles } from '../packages/installed.ts';
import type { PackageProject } from '../packages/package-project.ts';

/** dbt's `macro-paths` default: the folder of macro files beside the layers. */
export const MACROS_FOLDER = 'macros';

/**
 * The project's macro files: every `.sql` file under `macros/` (sub-folders too, as dbt reads them), in a stable
 * order, named relative to the project folder, then the built-in dbt_utils tests, then its packages' (see
 * `installedPackages`), with rat.yaml's `dispatch:` (see `dispatchOrder`) and the branch `target` the project is
 * loaded for. The macros in them are checked when a model is first rendered.
 *
 * @example loadMacros('examples/shop', 'examples/shop') // [{ file: 'macros/money.sql', text: '{% macro cents(c) %}…' }]
 */
export function loadMacros(
  dir: string,
  pipelinesDir: string,
  dispatch?: unknown,
  target?: string,
  installed: readonly PackageProject[] = installedPackages(pipelinesDir),
): MacroSet {
  const own = filesUnder(dir, path.join(pipelinesDir, MACROS_FOLDER), /\.sql$/).map((f) => ({
    file: f.rel,
    text: readFileSync(f.full, 'utf8'),
  }));
  const packages = packageMacroFiles(dir, installed);
  // The first package to set a variable gives it (dbt scopes them to the package; names such as
  // `dbt_date:time_zone` carry their package's).
  const vars = Object.assign({}, ...installed.toReversed().map((p) => p.vars)) as Record<string, unknown>;
  return Object.assign([...own, DBT_UTILS_TESTS, ...packages], {
    dispatch: dispatchOrder(dispatch),
    vars,
    packages: installed.map((p) => p.name),
    ...(target === undefined ? {} : { target }),
  });
}

/**
 * rat.yaml's `dispatch:` (dbt_project.yml's): for a namespace, the packages `adapter.dispatch()` searches, in order.
 *
 * @example dispatchOrder([{ macro_namespace: 'dbt_utils', search_order: ['my_project', 'dbt_utils'] }])
 */
export function dispatchOrder(raw: unknown): DispatchOrder {
  const order = new Map<string, string[]>();
  if (raw === undefined || raw === null) return order;
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${PROJECT_SETTINGS_FILE}: dispatch: ${why}`, {
      file: PROJECT_SETTINGS_FILE,
      line: 0,
    });
  };
  if (!Array.isArray(raw)) return fail('must be a list of { macro_namespace, search_order }');
  for (const [i, entry] of raw.entries()) {
    const e = (entry ?? {}) as { macro_namespace?: unknown; search_order?: unknown };
    const names = e.search_order;
    if (typeof e.macro_namespace !== 'string' || !Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      fail(`[${i}] must have macro_namespace (a name) and search_order (a list of names)`);
    }
    order.set(e.macro_namespace as string, names as string[]);
  }
  return order;
}

const TEST_DEF = /\{%-?\s*test\s+([A-Za-z_]\w*)\s*\(/g;

/**
 * The names of the project's generic tests: dbt's `{% test name(model, column_name) %} … {% endtest %}` blocks in
 * macro files, which property files list as tests like `unique`.
 *
 * @example genericTestNames([{ file: 'macros/t.sql', text: '{% test positive(model, column_name) %}…' }]) // Set { 'positive' }
 */
export function genericTestNames(macros: readonly MacroFile[]): Set<string> {
  return new Set(
    macros.flatMap((m) =>
      [...m.text.matchAll(TEST_DEF)].map((d) => (m.package ? `${m.package}.${d[1]!}` : listedTestName(d[1]!))),
    ),
  );
}
