import { PipelineError, type UnitRow, type UnitTest } from './model.ts';

/** `ref('bronze.orders')`, `ref('bronze', 'orders')`, `this` or a bare `bronze.orders`: the table id. */
function inputId(v: unknown, self: string): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === 'this') return self;
  const ref = /^(?:ref|source)\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)$/.exec(s);
  if (ref) return ref[2] ? `${ref[1]}.${ref[2]}` : ref[1];
  return /^[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/.test(s) ? s : undefined;
}

const isRow = (v: unknown): v is UnitRow => typeof v === 'object' && v !== null && !Array.isArray(v);

/** dbt's `overrides: { macros: { is_incremental: true } }`: the test renders the model's incremental branch. */
function incrementalOverride(overrides: unknown, fail: (why: string) => never): boolean {
  if (overrides === undefined || overrides === null) return false;
  const macros = isRow(overrides) ? overrides.macros : undefined;
  const v = isRow(macros) ? macros.is_incremental : undefined;
  if (v === undefined) return false;
  return typeof v === 'boolean' ? v : fail('overrides.macros.is_incremental must be true or false');
}

/**
 * A SQL model's `unit_tests:`, in dbt's shape:
 * `[{ name, given: [{ input: ref('bronze.orders'), rows: [{…}] }], expect: { rows: [{…}] } }]`.
 */
export function parseUnitTests(raw: unknown, self: string, file: string, line: number): UnitTest[] {
  if (raw === undefined || raw === null) return [];
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: unit_tests: ${why}`, { file, line });
  };
  if (!Array.isArray(raw)) fail('must be a list of { name, given, expect }');
  const names = new Set<string>();
  return (raw as unknown[]).map((t, i): UnitTest => {
    if (!isRow(t)) return fail(`entry ${i + 1} must be a mapping with name, given and expect`);
    const name = typeof t.name === 'string' && t.name ? t.name : fail(`entry ${i + 1} needs a name`);
    if (names.has(name)) fail(`${name} is defined twice`);
    names.add(name);
    const rowsOf = (v: unknown, what: string): UnitRow[] => {
      const rows = isRow(v) ? v.rows : v;
      if (!Array.isArray(rows) || !rows.every(isRow)) return fail(`${name}: ${what} must be a list of rows (mappings)`);
      return rows as UnitRow[];
    };
    const given = Array.isArray(t.given) ? t.given : t.given === undefined ? [] : fail(`${name}: given must be a list`);
    return {
      name,
      given: (given as unknown[]).map((g) => {
        const input = isRow(g) ? inputId(g.input, self) : undefined;
        if (!input)
          return fail(`${name}: each given needs input: ref('layer.name'), source('source', 'table') or this`);
        return { input, rows: rowsOf((g as UnitRow).rows ?? [], `the rows of ${input}`) };
      }),
      expect: t.expect === undefined ? fail(`${name}: expect is required`) : rowsOf(t.expect, 'expect'),
      incremental: incrementalOverride(t.overrides, (why) => fail(`${name}: ${why}`)),
    };
  });
}
