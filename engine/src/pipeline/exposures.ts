import { PipelineError, type Exposure, type ExternalTable, type Model } from './model.ts';
import { isRaw, listOf, text, type PropertyContext } from './property-tests.ts';
import { modelsByName } from './short-refs.ts';

const TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'];
const KEYS = [
  'name',
  'label',
  'type',
  'description',
  'url',
  'maturity',
  'owner',
  'depends_on',
  'tags',
  'meta',
  'config',
];
const DEPENDENCY = /^\s*(ref|source)\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*$/;

/*
 * dbt's exposures (see `Exposure`): read from property files, then resolved against the project's models and sources.
 */

/** A property file's `exposures:`, each with what it depends on as written (`ref('orders')` → `orders`). */
export function parseExposures(raw: unknown, ctx: PropertyContext): Exposure[] {
  return listOf(raw, 'exposures', 1, ctx).map((entry) => {
    const line = ctx.lineOf(entry, 1);
    if (!isRaw(entry) || typeof entry.name !== 'string' || !/^[A-Za-z_]\w*$/.test(entry.name)) {
      return ctx.fail(line, 'an exposure needs a name (letters, digits, _)');
    }
    const where = `exposure ${entry.name}`;
    const unknown = Object.keys(entry).find((k) => !KEYS.includes(k));
    if (unknown) ctx.fail(line, `${where}: ${unknown} is not an exposure's key (${KEYS.join(', ')})`);
    const type = text(entry.type, `${where}: type`, line, ctx);
    if (!type || !TYPES.includes(type)) ctx.fail(line, `${where}: type must be one of ${TYPES.join(', ')}`);
    const owner = entry.owner;
    if (owner !== undefined && !isRaw(owner)) ctx.fail(line, `${where}: owner must be a mapping (name, email)`);
    const dependsOn = listOf(entry.depends_on, `${where}: depends_on`, line, ctx).map((d) => {
      const call = typeof d === 'string' ? DEPENDENCY.exec(d) : null;
      if (!call) return ctx.fail(line, `${where}: depends_on lists ref('name') or source('source', 'table')`);
      return call[5] ? `${call[3]}.${call[5]}` : call[3]!;
    });
    return {
      name: entry.name,
      file: ctx.file,
      line,
      type: type!,
      ...(text(entry.description, `${where}: description`, line, ctx)
        ? { description: String(entry.description).trim() }
        : {}),
      ...(typeof entry.url === 'string' ? { url: entry.url } : {}),
      ...(isRaw(owner)
        ? { owner: { name: owner.name as string | undefined, email: owner.email as string | undefined } }
        : {}),
      dependsOn,
    };
  });
}

/**
 * The project's exposures by name, each depending on model ids and sources' tables: a name alone is the model of that
 * name in any layer, `layer.name` a model, `source.table` a declared source (by its dbt name or its table). A name two
 * exposures share, or a dependency naming nothing, is `PIPELINE_INVALID` at the exposure.
 */
export function resolveExposures(
  exposures: readonly Exposure[],
  models: ReadonlyMap<string, Model>,
  external: ReadonlyMap<string, ExternalTable>,
): Map<string, Exposure> {
  const byName = modelsByName(models);
  const sources = new Map([...external.values()].flatMap((t) => (t.name ? [[t.name, t.id] as const] : [])));
  const out = new Map<string, Exposure>();
  for (const e of exposures) {
    const fail = (why: string): never => {
      throw new PipelineError('PIPELINE_INVALID', `${e.file}:${e.line}: exposure ${e.name}: ${why}`, {
        file: e.file,
        line: e.line,
      });
    };
    const first = out.get(e.name);
    if (first) fail(`is declared twice (first at ${first.file}:${first.line})`);
    const dependsOn = e.dependsOn.map((d) => {
      if (!d.includes('.')) {
        const ids = byName.get(d) ?? [];
        if (ids.length !== 1)
          fail(`ref('${d}') ${ids.length ? `is ambiguous: ${ids.join(' and ')}` : 'names no model'}`);
        return ids[0]!;
      }
      const id = sources.get(d) ?? d;
      return models.has(id) || external.has(id) ? id : fail(`depends on ${d}, which is no model nor declared source`);
    });
    out.set(e.name, { ...e, dependsOn });
  }
  return out;
}
