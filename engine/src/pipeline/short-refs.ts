import { PipelineError, type DataTest, type Model } from './model.ts';

/** The ids of the models of each name (a name several layers share has several). */
export function modelsByName(models: ReadonlyMap<string, Model>): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const m of models.values()) byName.set(m.name, [...(byName.get(m.name) ?? []), m.id]);
  return byName;
}

/**
 * The tables a SQL text beside the models reads (a singular test, `rat show --inline`), from the targets of its
 * `ref()` / `source()` calls: a source by its dbt name (`till.sales`) reads its table, a model named alone the one
 * model of that name; `refIds` maps each name that stands for another id, for compiling the text. A name no model
 * has, or several share, is refused through `refuse`.
 *
 * @example textReads(['orders', 'till.sales'], byName, sources, fail).reads // ['raw.sales_v2', 'silver.orders']
 */
export function textReads(
  targets: readonly string[],
  byName: ReadonlyMap<string, string[]>,
  sources: ReadonlyMap<string, string>,
  refuse: (why: string) => never,
): { refIds: Record<string, string>; reads: string[] } {
  const refIds: Record<string, string> = {};
  const reads = new Set<string>();
  for (const target of targets) {
    if (target.includes('.')) {
      const id = sources.get(target) ?? target;
      if (id !== target) refIds[target] = id;
      reads.add(id);
      continue;
    }
    const ids = byName.get(target) ?? [];
    if (ids.length !== 1)
      refuse(`ref('${target}') ${ids.length ? `is ambiguous: ${ids.join(' and ')}` : 'names no model'}`);
    refIds[target] = ids[0]!;
    reads.add(ids[0]!);
  }
  return { refIds, reads: [...reads].sort() };
}

/**
 * dbt names a model by its name alone (`{{ ref('orders') }}`); here a model is `layer.name`. A ref without a layer
 * names the one model of that name in any layer: the refs and unit-test inputs of every SQL model are rewritten to
 * the model's id, and the model remembers the mapping for compiling its SQL (`refIds`). A name two layers share is
 * `PIPELINE_INVALID` naming both; a name no model has stays as written (an unknown ref, said by the planner).
 *
 * @example resolveShortRefs(models) // silver.revenue's ref('orders') → silver.orders
 */
export function resolveShortRefs(models: Map<string, Model>): void {
  const byName = modelsByName(models);
  for (const m of models.values()) {
    if (m.kind !== 'sql') continue;
    const ids: Record<string, string> = {};
    const resolve = (name: string, line: number): string => {
      if (name.includes('.')) return name;
      const found = byName.get(name) ?? [];
      if (found.length > 1) {
        throw new PipelineError(
          'PIPELINE_INVALID',
          `${m.file}:${line}: ref('${name}') is ambiguous: ${found.join(' and ')} share the name; write ref('${found[0]}')`,
          { file: m.file, line },
        );
      }
      if (found.length === 1) ids[name] = found[0]!;
      return found[0] ?? name;
    };
    m.refs = m.refs.map((r) => ({ ...r, target: resolve(r.target, r.line) })).filter((r) => r.target !== m.id);
    m.unitTests = m.unitTests.map((t) => ({
      ...t,
      given: t.given.map((g) => ({ ...g, input: resolve(g.input, m.sqlLine) })),
    }));
    if (Object.keys(ids).length) m.refIds = ids;
  }
  for (const m of models.values()) m.config.tests = m.config.tests.map((t) => testElsewhere(t, m, models, byName));
}

/**
 * A data test whose table (a relationships test's `to`, a generic test's `ref()` argument) was named alone and read
 * as its model's layer's (`ref('customers')` under silver/ is silver.customers) when that layer has no such model and
 * exactly one other layer does: that one, as dbt finds a model by its name.
 */
function testElsewhere(t: DataTest, m: Model, models: Map<string, Model>, byName: Map<string, string[]>): DataTest {
  const retarget = (id: string) => {
    const [layer, name, ...more] = id.split('.');
    if (models.has(id) || layer !== m.layer || more.length || name === undefined) return id;
    const found = byName.get(name) ?? [];
    return found.length === 1 ? found[0]! : id;
  };
  if (t.kind === 'relationships') return { ...t, to: retarget(t.to) };
  if (t.kind !== 'generic') return t;
  const args = Object.fromEntries(
    Object.entries(t.args).map(([k, v]) => {
      const ref = typeof v === 'string' ? /^ref\('([^']+)'\)$/.exec(v) : null;
      return [k, ref ? `ref('${retarget(ref[1]!)}')` : v];
    }),
  );
  return { ...t, args };
}
