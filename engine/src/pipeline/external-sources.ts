import { isSeed, PipelineError, type DataTest, type ExternalTable, type Model } from './model.ts';
import { isRaw, listOf, testsOf, text, type PropertyContext, type Raw } from './property-tests.ts';
import { sourceFreshness } from './freshness.ts';

/** Settings of dbt's sources read by `rat source freshness` (see `sourceFreshness`) or only by dbt's docs. */
const IGNORED_SOURCE_KEYS = ['description', 'meta', 'tags', 'freshness', 'loaded_at_field', 'config', 'columns'];

/**
 * dbt's `sources:` in a property file: tables written outside the pipelines (by Spark, Flink, PyIceberg, another
 * team) that models read with `{{ source('raw', 'orders') }}`, the table `raw.orders` on the run's branch. A source's
 * `schema` (else its `name`) is the table's namespace and a table's `identifier` (else its `name`) the table's, as in
 * dbt; `database` is refused rather than ignored. Its tests (the table's and its columns') run as a model's do, in
 * the runs that read the source (see `testedTables`).
 *
 * @example externalSources([{ name: 'raw', tables: [{ name: 'orders' }] }], ctx) // [{ id: 'raw.orders', file, line }]
 */
export function externalSources(raw: unknown, ctx: PropertyContext): ExternalTable[] {
  return listOf(raw, 'sources', 1, ctx).flatMap((s) => {
    const line = ctx.lineOf(s, 1);
    if (!isRaw(s) || typeof s.name !== 'string' || !s.name.trim()) return ctx.fail(line, 'each source needs a name');
    const namespace = s.name.trim();
    checkSourceKeys(s, ['name', 'tables', 'schema'], `source ${namespace}`, line, ctx);
    const schema = identifier(s.schema, `source ${namespace}: schema`, line, ctx) ?? namespace;
    return listOf(s.tables, `source ${namespace}: tables`, line, ctx).map((t): ExternalTable => {
      const at = ctx.lineOf(t, line);
      const name = isRaw(t) && typeof t.name === 'string' ? t.name.trim() : '';
      if (!name) return ctx.fail(at, `source ${namespace}: each table needs a name`);
      checkSourceKeys(t as Raw, ['name', 'identifier', 'tests', 'data_tests'], `source ${namespace}.${name}`, at, ctx);
      const table = identifier((t as Raw).identifier, `source ${namespace}.${name}: identifier`, at, ctx) ?? name;
      const id = `${schema}.${table}`;
      const tests = sourceTests(t as Raw, `source ${namespace}.${name}`, at, ctx);
      const description = text((t as Raw).description, `source ${namespace}.${name}: description`, at, ctx);
      const freshness = sourceFreshness(t as Raw, s, `source ${namespace}.${name}`, at, ctx);
      const eventTime = sourceEventTime(t as Raw, s, `source ${namespace}.${name}`, at, ctx);
      return {
        id,
        ...(id === `${namespace}.${name}` ? {} : { name: `${namespace}.${name}` }),
        file: ctx.file,
        line: at,
        ...(description ? { description } : {}),
        ...(freshness ? { freshness } : {}),
        ...(eventTime ? { eventTime } : {}),
        ...(tests.length ? { tests } : {}),
      };
    });
  });
}

/** A source table's data tests (dbt's `data_tests:` / `tests:`), its own and its columns', in dbt's shapes. */
function sourceTests(table: Raw, where: string, line: number, ctx: PropertyContext): DataTest[] {
  const own = testsOf(table.data_tests ?? table.tests, undefined, where, line, ctx);
  const columns = listOf(table.columns, `${where}: columns`, line, ctx).flatMap((c) => {
    if (!isRaw(c) || !('tests' in c || 'data_tests' in c)) return [];
    const at = ctx.lineOf(c, line);
    const column = typeof c.name === 'string' && c.name.trim() ? c.name.trim() : undefined;
    if (!column) return ctx.fail(at, `${where}: a column with tests needs a name`);
    return testsOf(c.data_tests ?? c.tests, column, `${where}.${column}`, at, ctx);
  });
  return [...own, ...columns];
}

/**
 * dbt's `config: { event_time }` of a source's table (else of the source): the column a microbatch model reads the
 * table's rows in windows of.
 */
function sourceEventTime(
  table: Raw,
  source: Raw,
  where: string,
  line: number,
  ctx: PropertyContext,
): string | undefined {
  const of = (entry: Raw) => (isRaw(entry.config) ? entry.config.event_time : undefined);
  const v = of(table) ?? of(source);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' && /^[A-Za-z_][\w$]*$/.test(v)
    ? v
    : ctx.fail(line, `${where}: event_time must be a column name`);
}

/** A source's `schema` or a table's `identifier`: a name, or nothing when absent. */
function identifier(v: unknown, what: string, line: number, ctx: PropertyContext): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && v.includes('{{')) {
    if (!ctx.render)
      return ctx.fail(line, `${what} is a template (${v.trim()}), which is not rendered here: write the name`);
    let rendered: string;
    try {
      rendered = ctx.render(v).trim();
    } catch (err) {
      return ctx.fail(line, `${what}: ${v.trim()} does not render: ${(err as Error).message}`);
    }
    return /^[A-Za-z_][\w$]*$/.test(rendered)
      ? rendered
      : ctx.fail(line, `${what}: ${v.trim()} renders ${JSON.stringify(rendered)}, which is not a name`);
  }
  return typeof v === 'string' && v.trim() ? v.trim() : ctx.fail(line, `${what} must be a name`);
}

function checkSourceKeys(entry: Raw, used: string[], where: string, line: number, ctx: PropertyContext): void {
  for (const key of Object.keys(entry)) {
    if (used.includes(key) || IGNORED_SOURCE_KEYS.includes(key)) continue;
    const why =
      key === 'database'
        ? `database is not read: a source's table is <schema>.<identifier> in this catalog`
        : `${key} is not supported`;
    ctx.fail(line, `${where}: ${why}`);
  }
}

/**
 * The project's external tables by id, and the table each source's dbt name reads (`till.sales` → `raw.sales_v2`;
 * a source over a seed reads the seed); one declared twice, or named like a model, is `PIPELINE_INVALID` at its
 * second declaration. What names a source by its dbt name is then pointed at its table (see `useSourceTables`).
 */
export function collectExternal(
  declared: ExternalTable[],
  models: Map<string, Model>,
): { external: Map<string, ExternalTable>; sourceNames: Map<string, string> } {
  const out = new Map<string, ExternalTable>();
  const seeded: ExternalTable[] = [];
  for (const t of declared) {
    const first = out.get(t.id);
    const model = models.get(t.id);
    // A source declared over one of the project's seeds (dbt projects seed their raw data, and read it as sources):
    // it reads the seed's table, built by the run before the models that read it.
    if (model && !first && isSeed(model)) {
      seeded.push(t);
      continue;
    }
    if (first || model) {
      const why = first
        ? `source ${t.id} is declared twice (first at ${first.file}:${first.line})`
        : `source ${t.id} is also a model (${model!.file}): a table is either built here or written elsewhere`;
      throw new PipelineError('PIPELINE_INVALID', `${t.file}:${t.line}: ${why}`, { file: t.file, line: t.line });
    }
    out.set(t.id, t);
  }
  const named = [...out.values(), ...seeded].filter((t) => t.name);
  const sourceNames = new Map(named.map((t) => [t.name!, t.id]));
  useSourceTables(models, sourceNames);
  const table = (name: string) => sourceNames.get(name) ?? name;
  for (const t of out.values()) if (t.tests) t.tests = t.tests.map((x) => testOfTables(x, table));
  // A source over a seed is tested as the seed: its tests join the seed's own.
  for (const t of seeded) models.get(t.id)!.config.tests.push(...(t.tests ?? []).map((x) => testOfTables(x, table)));
  return { external: out, sourceNames };
}

/** A data test whose tables (a relationships test's `to`, a generic test's table arguments) `table` renames. */
function testOfTables(t: DataTest, table: (name: string) => string): DataTest {
  if (t.kind === 'relationships') return { ...t, to: table(t.to) };
  if (t.kind !== 'generic') return t;
  const args = Object.entries(t.args).map(([k, v]) => {
    const named = typeof v === 'string' ? /^ref\('([^']+)'\)$/.exec(v)?.[1] : undefined;
    return [k, named ? `ref('${table(named)}')` : v];
  });
  return { ...t, args: Object.fromEntries(args) };
}

/**
 * Points what names a source by its dbt name (`till.sales`, declared with `schema: raw`, `identifier: sales_v2`) at
 * its table (`raw.sales_v2`): a model's refs (it remembers the name for compiling), its unit tests' inputs, and its
 * data tests' tables (a relationships test's `to`, a generic test's table arguments).
 */
function useSourceTables(models: Map<string, Model>, byName: ReadonlyMap<string, string>): void {
  if (byName.size === 0) return;
  const table = (name: string) => byName.get(name) ?? name;
  for (const m of models.values()) {
    m.config.tests = m.config.tests.map((t) => testOfTables(t, table));
    if (m.kind !== 'sql') continue;
    const named = m.refs.filter((r) => byName.has(r.target));
    if (named.length) m.refIds = { ...m.refIds, ...Object.fromEntries(named.map((r) => [r.target, table(r.target)])) };
    m.refs = m.refs.map((r) => ({ ...r, target: table(r.target) }));
    m.unitTests = m.unitTests.map((u) => ({ ...u, given: u.given.map((g) => ({ ...g, input: table(g.input) })) }));
  }
}
