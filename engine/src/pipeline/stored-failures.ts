import { createHash } from 'node:crypto';
import {
  PipelineError,
  type DataTest,
  type FailureStore,
  type Project,
  type TestedTable,
  testedSource,
} from './model.ts';
import { PROJECT_SETTINGS_FILE } from './project-settings.ts';

/** A test's settings (dbt's names) that say whether and where its failures are stored. */
export const STORE_SETTINGS = ['store_failures', 'store_failures_as', 'schema', 'alias'];

/** dbt's namespace for stored failures (its `<schema>_dbt_test__audit` without a target schema). */
export const AUDIT_SCHEMA = 'dbt_test__audit';

/** dbt's longest test name before it is shortened with a hash. */
const MAX_NAME = 63;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A test's (or rat.yaml's `data_tests:`) store settings from its config (dbt's names); a setting of the wrong shape is
 * `fail`ed with why. `name` (dbt's name for the test) names the table when `alias` does not.
 *
 * @example failureStore({ store_failures: true, schema: 'audit' }, fail) // { store: true, schema: 'audit' }
 */
export function failureStore(config: Record<string, unknown>, fail: (why: string) => never): FailureStore {
  const out: FailureStore = {};
  const v = config.store_failures;
  if (v !== undefined && v !== null) {
    if (typeof v !== 'boolean') fail('store_failures must be true or false');
    out.store = v as boolean;
  }
  const as = config.store_failures_as;
  if (as !== undefined && as !== null) {
    if (as === 'view')
      fail("store_failures_as: view is not supported (a view's DuckDB SQL is not what Spark or Trino read): use table");
    if (as !== 'table' && as !== 'ephemeral') fail('store_failures_as must be table or ephemeral');
    out.as = as as FailureStore['as'];
  }
  for (const [key, field] of [
    ['schema', 'schema'],
    ['alias', 'alias'],
  ] as const) {
    const name = config[key] ?? (key === 'alias' ? config.name : undefined);
    if (name === undefined || name === null) continue;
    if (typeof name !== 'string' || !NAME.test(name)) fail(`${key} must be a name (letters, digits, _)`);
    out[field] = (name as string).toLowerCase();
  }
  return out;
}

/**
 * rat.yaml's `data_tests:` (dbt_project.yml's): store settings for every test, with or without dbt's `+`
 * (`data_tests: { +store_failures: true, +schema: audit }`, and `+store_failures_as`); any other key is
 * `PIPELINE_INVALID`.
 *
 * @example testDefaultsOf({ '+store_failures': true }) // { store: true }
 */
export function testDefaultsOf(raw: unknown): FailureStore {
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${PROJECT_SETTINGS_FILE}: data_tests: ${why}`, {
      file: PROJECT_SETTINGS_FILE,
      line: 0,
    });
  };
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    return fail('must be a mapping of settings (+store_failures: true)');
  const config = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.replace(/^\+/, ''), v]));
  // `alias` names one test's table: for every test it would name one table for all.
  const shared = STORE_SETTINGS.filter((k) => k !== 'alias');
  const unknown = Object.keys(config).find((k) => !shared.includes(k));
  if (unknown !== undefined) fail(`${unknown} is not supported (${shared.join(', ')})`);
  return failureStore(config, fail);
}

/** A test's `stored` field: absent when its settings say nothing of storing. */
export const storedOf = (stored: FailureStore): { stored?: FailureStore } =>
  Object.keys(stored).length ? { stored } : {};

/** What decides whether a test stores its failures besides its own settings: rat.yaml's, and the run's flag. */
export interface StoreDefaults extends FailureStore {
  /** `--store-failures`: every test of the run stores its failures, whatever its settings say. */
  all?: boolean;
}

/**
 * The table (`namespace.name`) a test of `model` stores its failures in, or undefined when it stores none: its own
 * settings over rat.yaml's `data_tests:`, `--store-failures` storing every test's, `store_failures_as: ephemeral`
 * none.
 *
 * @example failuresTable(orders, { kind: 'not_null', columns: ['id'] }, { all: true }) // 'dbt_test__audit.not_null_orders_id'
 */
export function failuresTable(model: TestedTable, t: DataTest, defaults: StoreDefaults = {}): string | undefined {
  const own = t.stored ?? {};
  const as = own.as ?? defaults.as ?? 'table';
  const store = defaults.all === true || (own.store ?? defaults.store ?? false);
  if (!store || as === 'ephemeral') return undefined;
  return auditTableOf(model, t, defaults);
}

/** The table a test's failures go to when stored, whether or not they are (see {@link failuresTable}). */
function auditTableOf(model: TestedTable, t: DataTest, defaults: FailureStore): string {
  const own = t.stored ?? {};
  return `${own.schema ?? defaults.schema ?? AUDIT_SCHEMA}.${own.alias ?? testIdentifier(model, t)}`;
}

/**
 * The tables the project's tests would store their failures in, each with the selector of the run that writes it
 * again: the model whose tests these are, or `source:<name>` (what reads the tested source). A merge with rebuild
 * settles a conflict on one so. Every test is listed, stored or not, since a run's `--store-failures` may have stored
 * any.
 *
 * @example auditTables(project).get('dbt_test__audit.not_null_orders_id') // 'silver.orders'
 */
export function auditTables(project: Pick<Project, 'models' | 'testDefaults' | 'external'>): Map<string, string> {
  const out = new Map<string, string>();
  const defaults = project.testDefaults ?? {};
  for (const m of project.models.values()) {
    for (const t of m.config.tests) out.set(auditTableOf(m, t, defaults), m.id);
  }
  for (const source of project.external?.values() ?? []) {
    const tested = testedSource(source);
    for (const t of tested.config.tests) out.set(auditTableOf(tested, t, defaults), `source:${tested.sourceName}`);
  }
  return out;
}

/**
 * dbt's name for a test (the name its failures' table takes): a generic test's name (`dbt_utils_` before a package's
 * test), the model's name, then its arguments' values by argument name, each cleaned to `[A-Za-z0-9_]` and joined by
 * `__`; a singular test's file name. Past 63 characters, the first 30 of the test's and model's names and an MD5
 * of the whole.
 *
 * @example testIdentifier(orders, { kind: 'accepted_values', column: 'status', values: ['a', 'b'] }) // 'accepted_values_orders_status__a__b'
 */
export function testIdentifier(model: TestedTable, t: DataTest): string {
  if (t.kind === 'sql') return t.name.toLowerCase();
  const args = testArguments(t);
  const values = Object.keys(args)
    .sort()
    .flatMap((k) => {
      const v = args[k];
      const parts = Array.isArray(v) ? v : v !== null && typeof v === 'object' ? Object.values(v) : [v];
      return parts.map((p) => String(p).replace(/[^0-9a-zA-Z_]+/g, '_'));
    });
  const kind = (t.kind === 'generic' ? t.name : t.kind).replace(/\./g, '_');
  const prefix = model.sourceName ? `source_${kind}_${model.sourceName.replace(/\./g, '_')}` : `${kind}_${model.name}`;
  const full = values.length ? `${prefix}_${values.join('__')}` : prefix;
  if (full.length <= MAX_NAME) return full.toLowerCase();
  return `${prefix.slice(0, 30)}_${createHash('md5').update(full).digest('hex')}`.toLowerCase();
}

/** A test's arguments as dbt's property file gives them (`column_name`, `values`, `to: ref('customers')`, …). */
function testArguments(t: Exclude<DataTest, { kind: 'sql' }>): Record<string, unknown> {
  // A table argument is read as `ref('layer.name')`; dbt's name for the test has the name alone.
  const named = (v: unknown) => (typeof v === 'string' ? v.replace(/^ref\('(?:[^'.]+\.)?([^']+)'\)$/, "ref('$1')") : v);
  switch (t.kind) {
    case 'not_null':
    case 'unique':
      return { column_name: t.columns.join(', ') };
    case 'accepted_values':
      return { column_name: t.column, values: t.values };
    case 'relationships':
      return { column_name: t.column, to: named(`ref('${t.to}')`), field: t.field };
    case 'generic':
      return {
        ...(t.column === undefined ? {} : { column_name: t.column }),
        ...Object.fromEntries(Object.entries(t.args).map(([k, v]) => [k, named(v)])),
      };
  }
}
