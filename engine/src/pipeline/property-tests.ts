import type { DataTest, Layer } from './model.ts';
import type { DocBlock } from './doc-blocks.ts';
import { OUTCOME_SETTINGS, testOutcome, type TestThresholds } from './test-thresholds.ts';
import { failureStore, STORE_SETTINGS, storedOf } from './stored-failures.ts';

/** What reading a property file carries along: where it is, and how to fail at a line of it. */
export interface PropertyContext {
  file: string;
  layer: Layer;
  /** dbt's docs blocks of the project, for `{{ doc('…') }}` in descriptions. */
  docs?: Map<string, DocBlock>;
  /** The project's generic tests (dbt's `{% test name(model, column_name) %}` blocks in `macros/`), by name. */
  genericTests?: ReadonlySet<string>;
  /** Renders a value written as a template (`schema: "{{ var('stripe_schema', 'stripe') }}"`), as dbt renders them. */
  render?: (text: string) => string;
  lineOf(v: unknown, fallback: number): number;
  fail(line: number, why: string): never;
}

/** A YAML list, or nothing when absent; anything else fails at its line. */
export function listOf(v: unknown, what: string, line: number, ctx: PropertyContext): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : ctx.fail(ctx.lineOf(v, line), `${what} must be a list`);
}

export type Raw = Record<string, unknown>;
export const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A YAML text, trimmed, or nothing when absent. */
export function text(v: unknown, what: string, line: number, ctx: PropertyContext): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v.trim() : ctx.fail(line, `${what} must be text`);
}

const TEST_KINDS = ['unique', 'not_null', 'accepted_values', 'relationships'] as const;
const TEST_ARGS: Record<(typeof TEST_KINDS)[number], string[]> = {
  unique: [],
  not_null: [],
  accepted_values: ['values', 'quote'],
  relationships: ['to', 'field'],
};
/** A test's settings that are read (`where`, `enabled`, where failures are stored) or do not change whether it passes. */
const TEST_CONFIG = ['where', 'enabled', 'tags', 'meta', 'name', 'description', ...STORE_SETTINGS];

/** The data tests listed under a model or (with `column`) one of its columns, in dbt's shapes. */
export function testsOf(
  v: unknown,
  column: string | undefined,
  where: string,
  line: number,
  ctx: PropertyContext,
): DataTest[] {
  return listOf(v, `${where}: data_tests`, line, ctx).flatMap((t) => {
    const test = parseTest(t, column, where, ctx.lineOf(t, line), ctx);
    return test ? [test] : [];
  });
}

/**
 * A generic data test in dbt's shapes: `unique`, `{ unique: { config: { where } } }`, the older flat
 * `{ accepted_values: { values, where } }` and dbt 1.10's `{ accepted_values: { arguments: { values }, config } }`;
 * at the model level with `column_name`. Undefined for a test set `enabled: false`.
 */
function parseTest(
  t: unknown,
  column: string | undefined,
  where: string,
  line: number,
  ctx: PropertyContext,
): DataTest | undefined {
  const [kind, spec] =
    typeof t === 'string' ? [t, undefined] : isRaw(t) && Object.keys(t).length === 1 ? Object.entries(t)[0]! : [];
  if (kind === undefined) {
    return ctx.fail(line, `${where}: a data test is a name or a mapping of one test name to its settings`);
  }
  if (ctx.genericTests?.has(kind) && !(TEST_KINDS as readonly string[]).includes(kind)) {
    return parseGenericTest(kind, spec, column, where, line, ctx);
  }
  if (!(TEST_KINDS as readonly string[]).includes(kind)) {
    const known = [...(ctx.genericTests ?? [])];
    // A package's test (dbt_utils' built in, or an installed package's) is listed with its package's name.
    const utils = known.filter((n) => n.includes('.'));
    const projects = known.filter((n) => !n.includes('.'));
    const own =
      (utils.length ? `, ${utils.join(', ')}` : '') +
      (projects.length ? `, or the project's: ${projects.join(', ')}` : '');
    return ctx.fail(
      line,
      `${where}: unknown test ${kind} (supported: ${TEST_KINDS.join(', ')}${own}; a test of your own is a {% test ${kind}(model, column_name) %} block in macros/)`,
    );
  }
  const k = kind as (typeof TEST_KINDS)[number];
  if (spec !== undefined && spec !== null && !isRaw(spec))
    ctx.fail(line, `${where}: ${k}'s settings must be a mapping`);
  const s: Raw = { ...((spec as Raw | undefined) ?? {}) };
  if ((s.arguments !== undefined && !isRaw(s.arguments)) || (s.config !== undefined && !isRaw(s.config))) {
    ctx.fail(line, `${where}: ${k}'s arguments and config must be mappings`);
  }
  const args: Raw = { ...((s.arguments as Raw | undefined) ?? {}) };
  const config: Raw = { ...((s.config as Raw | undefined) ?? {}) };
  const named = `${where}: ${k}`;
  // Before dbt 1.10 arguments and settings sat side by side in the test's mapping.
  for (const [key, value] of Object.entries(s)) {
    if (key === 'arguments' || key === 'config') continue;
    if (key === 'column_name' || TEST_ARGS[k].includes(key)) args[key] ??= value;
    else if (TEST_CONFIG.includes(key) || OUTCOME_SETTINGS.includes(key)) config[key] ??= value;
    else ctx.fail(line, `${named}: ${key} is not supported`);
  }
  for (const key of Object.keys(args)) {
    if (key !== 'column_name' && !TEST_ARGS[k].includes(key)) {
      ctx.fail(line, `${named}: argument ${key} is not supported`);
    }
  }
  checkTestConfig(config, named, line, ctx);
  if (config.enabled === false) return undefined;
  const filter = {
    ...(config.where === undefined ? {} : { where: text(config.where, `${named}: where`, line, ctx)! }),
    ...outcomeOf(config, named, line, ctx),
  };
  const col = columnOf(args.column_name, column, named, line, ctx);
  switch (k) {
    case 'unique':
    case 'not_null':
      return { kind: k, columns: [col], ...filter };
    case 'accepted_values': {
      const values = args.values;
      const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
      if (!Array.isArray(values) || values.length === 0 || !values.every(scalar)) {
        ctx.fail(line, `${named}: values must be a list of texts, numbers or booleans`);
      }
      return { kind: k, column: col, values: values as (string | number | boolean)[], ...filter };
    }
    case 'relationships': {
      const to = tableOf(args.to, ctx.layer);
      if (!to) {
        const forms = `ref('name'), ref('layer.name'), ref('layer', 'name') or source('layer', 'name')`;
        return ctx.fail(line, `${named}: to must be ${forms}`);
      }
      const field = text(args.field, `${named}: field`, line, ctx);
      if (!field) return ctx.fail(line, `${named}: field is required (the column of ${to})`);
      return { kind: k, column: col, to, field, ...filter };
    }
  }
}

/**
 * A test of the project's own (a `{% test name(model, column_name, …) %}` block): its arguments, in either of dbt's
 * shapes, are passed to the block; `where` and `severity` are read as for the built-in tests.
 */
function parseGenericTest(
  name: string,
  spec: unknown,
  column: string | undefined,
  where: string,
  line: number,
  ctx: PropertyContext,
): DataTest | undefined {
  const named = `${where}: ${name}`;
  if (spec !== undefined && spec !== null && !isRaw(spec)) ctx.fail(line, `${named}'s settings must be a mapping`);
  const s: Raw = { ...((spec as Raw | undefined) ?? {}) };
  if ((s.arguments !== undefined && !isRaw(s.arguments)) || (s.config !== undefined && !isRaw(s.config))) {
    ctx.fail(line, `${named}'s arguments and config must be mappings`);
  }
  const args: Raw = { ...((s.arguments as Raw | undefined) ?? {}) };
  const config: Raw = { ...((s.config as Raw | undefined) ?? {}) };
  for (const [key, value] of Object.entries(s)) {
    if (key === 'arguments' || key === 'config') continue;
    if (TEST_CONFIG.includes(key) || OUTCOME_SETTINGS.includes(key)) config[key] ??= value;
    else args[key] ??= value;
  }
  checkTestConfig(config, named, line, ctx);
  if (config.enabled === false) return undefined;
  const { column_name: columnName, ...rest } = args;
  // A table argument (`to: ref('customers')`) names its table as a relationships test's `to` does.
  for (const [key, value] of Object.entries(rest)) {
    if (typeof value !== 'string' || !/^\s*(ref|source)\(/.test(value)) continue;
    const table = tableOf(value, ctx.layer);
    if (!table) ctx.fail(line, `${named}: ${key}: ${value} does not name a table`);
    rest[key] = `ref('${table}')`;
  }
  const col =
    columnName === undefined && column === undefined ? undefined : columnOf(columnName, column, named, line, ctx);
  return {
    kind: 'generic',
    name,
    ...(col === undefined ? {} : { column: col }),
    args: rest,
    ...(config.where === undefined ? {} : { where: text(config.where, `${named}: where`, line, ctx)! }),
    ...outcomeOf(config, named, line, ctx),
  };
}

/** A test's `config:` names only dbt's test settings. */
function checkTestConfig(config: Raw, named: string, line: number, ctx: PropertyContext): void {
  const unknown = Object.keys(config).find((k) => !TEST_CONFIG.includes(k) && !OUTCOME_SETTINGS.includes(k));
  if (unknown !== undefined) ctx.fail(line, `${named}: setting ${unknown} is not supported`);
}

/**
 * A test's severity, its thresholds on the failures (dbt's `severity`, `fail_calc`, `warn_if`, `error_if`, `limit`) and
 * where its failures are stored (`store_failures`, …).
 */
function outcomeOf(
  config: Raw,
  named: string,
  line: number,
  ctx: PropertyContext,
): Pick<DataTest, 'severity' | 'stored'> & TestThresholds {
  const fail = (why: string) => ctx.fail(line, `${named}: ${why}`);
  return { ...testOutcome(config, fail), ...storedOf(failureStore(config, fail)) };
}

/** The tested column: the column the test is listed under, or a model-level test's `column_name`. */
function columnOf(
  columnName: unknown,
  column: string | undefined,
  named: string,
  line: number,
  ctx: PropertyContext,
): string {
  if (columnName === undefined) return column ?? ctx.fail(line, `${named}: a model-level test needs column_name`);
  const s = typeof columnName === 'string' ? columnName.trim() : '';
  // dbt pastes column_name into its SQL, so it may be an expression: only a column is a column here.
  const m = /^(?:([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"]|"")+)")$/.exec(s);
  if (!m) return ctx.fail(line, `${named}: column_name must name one column (got ${JSON.stringify(columnName)})`);
  return m[1] ?? m[2]!.replace(/""/g, '"');
}

/**
 * A relationships test's `to`, as a table id. `ref('customers')` is a model of the same layer (dbt's names are
 * unique across a project; a layer's are unique within it); `ref('silver', 'customers')` and `source(…)` read as in
 * a model's SQL.
 *
 * @example tableOf("ref('customers')", 'silver') // 'silver.customers'
 */
export function tableOf(v: unknown, layer: Layer): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const call = /^(ref|source)\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)$/.exec(s);
  const id = call ? (call[5] ? `${call[3]}.${call[5]}` : call[3]!) : s;
  if (/^[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/.test(id)) return id;
  return (!call || call[1] === 'ref') && /^[A-Za-z_][\w]*$/.test(id) ? `${layer}.${id}` : undefined;
}
