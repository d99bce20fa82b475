import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MacroFile } from './jinja-environment.ts';
import { filesUnder } from './project-files.ts';
import { DBT_UTILS_TESTS, listedTestName } from './dbt-utils-tests.ts';

/** dbt's `macro-paths` default: the folder of macro files beside the layers. */
export const MACROS_FOLDER = 'macros';

/**
 * The project's macro files: every `.sql` file under `macros/` (sub-folders too, as dbt reads them), in a stable
 * order, named relative to the project folder, then the built-in dbt_utils tests. The macros in them are checked when
 * a model is first rendered.
 *
 * @example loadMacros('examples/shop', 'examples/shop') // [{ file: 'macros/money.sql', text: '{% macro cents(c) %}…' }]
 */
export function loadMacros(dir: string, pipelinesDir: string): MacroFile[] {
  const own = filesUnder(dir, path.join(pipelinesDir, MACROS_FOLDER), /\.sql$/).map((f) => ({
    file: f.rel,
    text: readFileSync(f.full, 'utf8'),
  }));
  return [...own, DBT_UTILS_TESTS];
}

const TEST_DEF = /\{%-?\s*test\s+([A-Za-z_]\w*)\s*\(/g;

/**
 * The names of the project's generic tests: dbt's `{% test name(model, column_name) %} … {% endtest %}` blocks in
 * macro files, which property files list as tests like `unique`.
 *
 * @example genericTestNames([{ file: 'macros/t.sql', text: '{% test positive(model, column_name) %}…' }]) // Set { 'positive' }
 */
export function genericTestNames(macros: readonly MacroFile[]): Set<string> {
  return new Set(macros.flatMap((m) => [...m.text.matchAll(TEST_DEF)].map((d) => listedTestName(d[1]!))));
}
