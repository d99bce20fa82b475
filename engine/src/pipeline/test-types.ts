import { PipelineError, type DataTest, type TestedTable } from './model.ts';

/**
 * dbt's `test_type:` selector method: which kinds of test `rat test` runs. `unit` (unit tests), `data` (every data
 * test), `generic` (tests listed in property files: `unique`, `relationships`, a package's), `singular` (a SELECT of
 * failing rows: `tests/*.sql`, a header's `sql:` test).
 */
export const TEST_TYPES = ['unit', 'data', 'generic', 'singular'] as const;
export type TestType = (typeof TEST_TYPES)[number];

const METHOD = 'test_type:';

/**
 * The `test_type:` terms of a selector, taken out: the types they name (undefined when none does: every type) and
 * the selector's other terms (undefined when none is left: every model). An unknown type is `UNKNOWN_SELECTOR`.
 *
 * @example testTypeTerms('test_type:unit silver.orders') // { types: ['unit'], selector: 'silver.orders' }
 */
export function testTypeTerms(selector: string | undefined): { types?: TestType[]; selector?: string } {
  const terms = (selector ?? '').split(/\s+/).filter(Boolean);
  const named = terms.filter((t) => t.startsWith(METHOD)).map((t) => t.slice(METHOD.length));
  const rest = terms.filter((t) => !t.startsWith(METHOD));
  for (const type of named) {
    if (!(TEST_TYPES as readonly string[]).includes(type)) {
      throw new PipelineError('UNKNOWN_SELECTOR', `${METHOD}${type} is not a test type (${TEST_TYPES.join(', ')})`, {
        file: '',
        line: 0,
        detail: `${METHOD}${type}`,
      });
    }
  }
  return {
    ...(named.length ? { types: named as TestType[] } : {}),
    ...(rest.length ? { selector: rest.join(' ') } : {}),
  };
}

/** Whether `types` runs unit tests (no types: every kind). */
export const runsUnitTests = (types: readonly TestType[] | undefined) => !types || types.includes('unit');

/** A tested table with only the data tests of `types` (all of them without types). */
export function withTestTypes(t: TestedTable, types: readonly TestType[] | undefined): TestedTable {
  if (!types) return t;
  const kind = (x: DataTest): TestType => (x.kind === 'sql' ? 'singular' : 'generic');
  const runs = (x: DataTest) => types.includes('data') || types.includes(kind(x));
  return { ...t, config: { ...t.config, tests: t.config.tests.filter(runs) } };
}
