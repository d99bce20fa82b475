import { readFileSync } from 'node:fs';
import path from 'node:path';
import { templateReads } from './compile.ts';
import type { MacroFile } from './jinja-environment.ts';
import { PipelineError, type Model } from './model.ts';
import { findRefs } from './sql-file.ts';
import { filesUnder } from './project-files.ts';
import { modelsByName, textReads } from './short-refs.ts';
import { templatePieces, TemplateError } from './template.ts';
import { configSettings } from './config-call.ts';
import { OUTCOME_SETTINGS, testOutcome } from './test-thresholds.ts';
import { failureStore, STORE_SETTINGS, storedOf } from './stored-failures.ts';

/** What a singular test's `{{ config(…) }}` may set: its outcome, and settings that do not change it. */
const SINGULAR_TEST_CONFIG = [...OUTCOME_SETTINGS, 'enabled', 'tags', 'meta', ...STORE_SETTINGS];

/** dbt's `test-paths` default: singular tests, each a SELECT of the rows that fail it. */
export const TESTS_FOLDER = 'tests';

/**
 * dbt's singular tests: each `.sql` file under `tests/` (sub-folders too) is a SELECT whose rows are failures, read
 * from the models it refs. It becomes a data test (named after the file) of the model it refs that reads the
 * others, or the first of several such: it runs with that model's tests, after the run's steps and before its
 * merge, and `rat test <model>` runs it. A test that refs no model, or a name no model has, is refused.
 *
 * @example attachSingularTests(dir, dir, models, macros) // silver.orders gains the data test sql:no_negative_amounts
 */
export function attachSingularTests(
  dir: string,
  pipelinesDir: string,
  models: Map<string, Model>,
  macros: readonly MacroFile[],
  sources: ReadonlyMap<string, string> = new Map(),
): void {
  const files = filesUnder(dir, path.join(pipelinesDir, TESTS_FOLDER), /\.sql$/);
  if (files.length === 0) return;
  const byName = modelsByName(models);
  for (const { full, rel: file } of files) {
    const sql = readFileSync(full, 'utf8');
    const fail = (line: number, why: string): never => {
      throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
    };
    let rendered: string[];
    let settings: Record<string, unknown>;
    try {
      settings = configSettings(templatePieces(sql));
      rendered = templateReads(sql, '', macros).refs;
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return fail(sql.slice(0, err.data.offset).split('\n').length, err.message);
    }
    const { refIds, reads } = textReads([...findRefs(sql).map((r) => r.target), ...rendered], byName, sources, (why) =>
      fail(1, why),
    );
    const unknown = Object.keys(settings).find((k) => !SINGULAR_TEST_CONFIG.includes(k));
    if (unknown)
      fail(1, `config(): ${unknown} is not a setting of a singular test (${SINGULAR_TEST_CONFIG.join(', ')})`);
    if (settings.enabled === false) continue;
    const owner = ownerOf(reads, models);
    if (!owner) fail(1, 'a singular test reads at least one model of the project (with ref())');
    owner!.config.tests.push({
      kind: 'sql',
      name: path.basename(file, '.sql'),
      sql,
      file,
      reads,
      ...(Object.keys(refIds).length ? { refIds } : {}),
      ...testOutcome(settings, (why) => fail(1, `config(): ${why}`)),
      ...storedOf(failureStore(settings, (why) => fail(1, `config(): ${why}`))),
    });
  }
}

/** Of the models `ids` names, the first (by id) that none of the others reads, directly or not. */
function ownerOf(ids: string[], models: Map<string, Model>): Model | undefined {
  const named = ids.filter((id) => models.has(id)).sort();
  const upstream = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [id];
    while (todo.length) {
      for (const r of models.get(todo.pop()!)?.refs ?? []) {
        if (!seen.has(r.target)) {
          seen.add(r.target);
          todo.push(r.target);
        }
      }
    }
    return seen;
  };
  const feeds = new Set(named.flatMap((id) => [...upstream(id)]));
  const sink = named.find((id) => !feeds.has(id));
  return sink ? models.get(sink) : undefined;
}
