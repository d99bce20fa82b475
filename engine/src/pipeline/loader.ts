import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  LAYERS,
  PipelineError,
  type DataTest,
  type Layer,
  type Model,
  type ModelConfig,
  type Project,
  type RefUse,
  type SourceConfig,
} from './model.ts';
import type { TableDocs } from '../iceberg/docs.ts';
import { parseUnitTests } from './unit-tests.ts';
import { compileWithSourceMap, REF_RE, type RunVars } from './compile.ts';

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Blanks out string literals and comments (keeping offsets) so that names inside them are not refs. A literal is
 * matched as runs of plain characters between its `''` escapes: a repeated one-character alternative would take a
 * stack frame per character and overflow on a literal of a few MB (an inlined lookup table, say).
 */
function codeOnly(sql: string): string {
  return sql.replace(/'[^']*(?:''[^']*)*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    m.replace(/[^\n]+/g, (run) => ' '.repeat(run.length)),
  );
}

/**
 * Finds the tables a SELECT refers to: `{{ ref('silver.orders') }}` / `{{ ref('silver', 'orders') }}` and plain
 * qualified names `silver.orders` (layers only), with line numbers relative to `firstLine`.
 *
 * @example findRefs("SELECT * FROM {{ ref('bronze.orders') }}", 1) // [{ target: 'bronze.orders', line: 1 }]
 */
export function findRefs(sql: string, firstLine = 1): RefUse[] {
  const out: RefUse[] = [];
  for (const m of sql.matchAll(REF_RE)) {
    const target = m[4] ? `${m[2]}.${m[4]}` : m[2];
    out.push({ target, line: firstLine - 1 + lineAt(sql, m.index ?? 0) });
  }
  const code = codeOnly(sql.replace(REF_RE, (m) => ' '.repeat(m.length)));
  // Plain names count only where a table is expected, so an alias called `gold` is not mistaken for a ref.
  const plain = new RegExp(
    `\\b(?:FROM|JOIN)\\s+"?(${LAYERS.join('|')})"?\\s*\\.\\s*"?([A-Za-z_][A-Za-z0-9_]*)"?`,
    'gi',
  );
  for (const m of code.matchAll(plain)) {
    out.push({ target: `${m[1].toLowerCase()}.${m[2]}`, line: firstLine - 1 + lineAt(code, m.index ?? 0) });
  }
  return out;
}

/** Replaces `{{ ref(...) }}` with quoted identifiers, `{{ this }}` with the model's own table and vars with values. */
export function compileSql(sql: string, self: string, vars?: RunVars): string {
  return compileWithSourceMap(sql, self, vars).sql;
}

const asList = (v: unknown): string[] =>
  v === undefined || v === null
    ? []
    : Array.isArray(v)
      ? v.map(String)
      : String(v)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);

function parseTests(raw: unknown, file: string, line: number): DataTest[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: tests must be a list`, { file, line });
  return raw.map((t, i): DataTest => {
    const [kind, arg] = Object.entries(t as Record<string, unknown>)[0] ?? [];
    const a = (arg ?? {}) as Record<string, unknown>;
    const plain = typeof arg === 'string' || Array.isArray(arg);
    const where = plain ? undefined : (a.where as string | undefined);
    switch (kind) {
      case 'not_null':
      case 'unique':
        return { kind, columns: plain ? asList(arg) : asList(a.columns ?? a.column), where };
      case 'accepted_values':
        return { kind, column: String(a.column), values: (a.values as (string | number | boolean)[]) ?? [], where };
      case 'relationships':
        return { kind, column: String(a.column), to: String(a.to), field: String(a.field ?? a.column), where };
      case 'sql':
        return {
          kind: 'sql',
          name: plain ? `sql_${i + 1}` : String(a.name ?? `sql_${i + 1}`),
          sql: plain ? String(arg) : String(a.sql),
        };
      default:
        throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: unknown test ${String(kind)}`, { file, line });
    }
  });
}

function parseConfig(
  raw: Record<string, unknown>,
  file: string,
  line: number,
  defaults: Partial<ModelConfig>,
): ModelConfig {
  const materialized = (raw.materialized ?? defaults.materialized ?? 'table') as ModelConfig['materialized'];
  if (!['table', 'incremental', 'scd2'].includes(materialized)) {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: materialized must be table, incremental or scd2`, {
      file,
      line,
    });
  }
  const uniqueKey = asList(raw.unique_key ?? raw.merge_keys);
  if (materialized === 'scd2' && uniqueKey.length === 0) {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: scd2 needs unique_key`, { file, line });
  }
  return {
    materialized,
    uniqueKey,
    partitionBy: asList(raw.partition_by),
    watermark: raw.watermark as string | undefined,
    updatedAt: raw.updated_at as string | undefined,
    checkCols: raw.check_cols === undefined ? undefined : asList(raw.check_cols),
    onSchemaChange: parseOnSchemaChange(raw, file, line),
    renamed: parseRenamed(raw.renamed, file, line),
    ...parseFullRefresh(raw.full_refresh, materialized, file, line),
    docs: { ...parseDescription(raw.description, file, line), columns: {} },
    tests: parseTests(raw.tests, file, line),
  };
}

/** `description: …` (dbt's): text. */
function parseDescription(v: unknown, file: string, line: number): Pick<TableDocs, 'description'> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'string') {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: description must be text`, { file, line });
  }
  return { description: v.trim() };
}

/**
 * A SQL model's `columns:` (dbt's column descriptions): a list of `{ name, description }` as in dbt's schema files,
 * or a mapping of column name to its description (text, or `{ description }`). Column name → description.
 */
function parseColumnDocs(v: unknown, file: string, line: number): Record<string, string> {
  if (v === undefined || v === null) return {};
  const fail = (): never => {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: columns must list { name, description } or map column names to descriptions`,
      { file, line },
    );
  };
  const text = (d: unknown) =>
    typeof d === 'string' ? d : isRecord(d) && typeof d.description === 'string' ? d.description : fail();
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const c of v) {
      if (!isRecord(c) || typeof c.name !== 'string' || !c.name) fail();
      const col = c as Record<string, unknown>;
      if (col.description !== undefined) out[col.name as string] = text(col.description).trim();
    }
  } else if (isRecord(v)) {
    for (const [name, d] of Object.entries(v)) out[name] = text(d).trim();
  } else fail();
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `full_refresh: true | false` (dbt's name), for `incremental` models only: the others have nothing to refresh. */
function parseFullRefresh(
  v: unknown,
  materialized: ModelConfig['materialized'],
  file: string,
  line: number,
): Pick<ModelConfig, 'fullRefresh'> {
  if (v === undefined || v === null) return {};
  const fail = (why: string) => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  };
  if (typeof v !== 'boolean') fail(`full_refresh must be true or false (got ${JSON.stringify(v)})`);
  if (materialized !== 'incremental') {
    fail(
      `full_refresh applies to incremental models only: a table model is replaced on every run, and an scd2 model's history cannot be recomputed from its inputs`,
    );
  }
  return { fullRefresh: v as boolean };
}

/** `renamed: { old_name: new_name }`: column renames to apply by field id (`sync_all_columns`). */
function parseRenamed(v: unknown, file: string, line: number): Record<string, string> {
  if (v === undefined || v === null) return {};
  const ok =
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.entries(v).every(([k, x]) => k.length > 0 && typeof x === 'string' && x.length > 0);
  if (!ok) {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: renamed must map old column names to new ones`, {
      file,
      line,
    });
  }
  return { ...(v as Record<string, string>) };
}

const ON_SCHEMA_CHANGE = ['fail', 'append_new_columns', 'sync_all_columns'] as const;

/** `on_schema_change` (dbt's name); the older `schema_evolution: allow` means `append_new_columns`. */
function parseOnSchemaChange(raw: Record<string, unknown>, file: string, line: number): ModelConfig['onSchemaChange'] {
  const v = raw.on_schema_change ?? (raw.schema_evolution === 'allow' ? 'append_new_columns' : 'fail');
  if (!(ON_SCHEMA_CHANGE as readonly unknown[]).includes(v)) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: on_schema_change must be ${ON_SCHEMA_CHANGE.join(', ')} (got ${String(v)})`,
      { file, line },
    );
  }
  return v as ModelConfig['onSchemaChange'];
}

/** Splits a SQL file into its YAML header (`/* --- … --- *\/` or leading `-- key: value` lines) and the SELECT. */
export function splitHeader(text: string): {
  header: Record<string, unknown>;
  sql: string;
  sqlLine: number;
  headerLine: number;
} {
  const block = /^\s*\/\*\s*-{3}?\s*\n([\s\S]*?)\n\s*-{0,3}\s*\*\//.exec(text);
  if (block) {
    const header = (yaml.load(block[1]) ?? {}) as Record<string, unknown>;
    const end = block[0].length;
    return { header, sql: text.slice(end), sqlLine: lineAt(text, end), headerLine: lineAt(text, block.index) + 1 };
  }
  const lines = text.split('\n');
  let i = 0;
  const yamlLines: string[] = [];
  while (i < lines.length && /^\s*--/.test(lines[i])) yamlLines.push(lines[i++].replace(/^\s*--\s?/, ''));
  const header = yamlLines.length ? ((yaml.load(yamlLines.join('\n')) ?? {}) as Record<string, unknown>) : {};
  return {
    header: typeof header === 'object' ? header : {},
    sql: lines.slice(i).join('\n'),
    sqlLine: i + 1,
    headerLine: 1,
  };
}

function loadSource(file: string, rel: string, layer: Layer, name: string): Model {
  let raw: Record<string, unknown>;
  try {
    raw = (yaml.load(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (err) {
    const line = ((err as { mark?: { line?: number } }).mark?.line ?? 0) + 1;
    throw new PipelineError('PIPELINE_INVALID', `${rel}:${line}: ${(err as Error).message}`, { file: rel, line });
  }
  const src = (raw.source ?? {}) as Record<string, unknown>;
  if (!src.path)
    throw new PipelineError('PIPELINE_INVALID', `${rel}:1: source.path is required`, { file: rel, line: 1 });
  const p = String(src.path);
  const ext = path.extname(p).toLowerCase().replace('.', '');
  const format = String(src.format ?? (ext === 'jsonl' ? 'ndjson' : ext)) as SourceConfig['format'];
  if (!['csv', 'json', 'ndjson', 'parquet', 'xlsx'].includes(format)) {
    throw new PipelineError('PIPELINE_INVALID', `${rel}:1: unknown source format ${format}`, { file: rel, line: 1 });
  }
  if (raw.full_refresh !== undefined) {
    // Each landing file is ingested once (and again when it changes, see on_change): there is nothing to recompute.
    throw new PipelineError('PIPELINE_INVALID', `${rel}:1: full_refresh applies to incremental models, not sources`, {
      file: rel,
      line: 1,
    });
  }
  const config = parseConfig(raw, rel, 1, { materialized: 'incremental' });
  return {
    kind: 'source',
    id: `${layer}.${name}`,
    layer,
    name,
    file: rel,
    config,
    refs: [],
    source: {
      path: p,
      format,
      options: (src.options ?? {}) as SourceConfig['options'],
      columns: (raw.columns ?? {}) as Record<string, string>,
      rename: (raw.rename ?? {}) as Record<string, string>,
      onChange: (raw.on_change ?? 'reingest') as SourceConfig['onChange'],
      rejects: raw.rejects === 'fail' ? 'fail' : 'quarantine',
    },
  };
}

function loadSql(file: string, rel: string, layer: Layer, name: string): Model {
  const text = readFileSync(file, 'utf8');
  let parts: ReturnType<typeof splitHeader>;
  try {
    parts = splitHeader(text);
  } catch (err) {
    const line = ((err as { mark?: { line?: number } }).mark?.line ?? 0) + 1;
    throw new PipelineError('PIPELINE_INVALID', `${rel}:${line}: ${(err as Error).message}`, { file: rel, line });
  }
  const config = parseConfig(parts.header, rel, parts.headerLine, {});
  config.docs.columns = parseColumnDocs(parts.header.columns, rel, parts.headerLine);
  return {
    kind: 'sql',
    id: `${layer}.${name}`,
    layer,
    name,
    file: rel,
    config,
    sql: parts.sql,
    sqlLine: parts.sqlLine,
    refs: findRefs(parts.sql, parts.sqlLine).filter((r) => r.target !== `${layer}.${name}`),
    unitTests: parseUnitTests(parts.header.unit_tests, `${layer}.${name}`, rel, parts.headerLine),
  };
}

/**
 * Loads a pipelines folder: `bronze/*.yml` sources, `silver/*.sql` and `gold/*.sql` models (plus `.sql` in bronze
 * and `.yml` sources anywhere).
 *
 * @example const project = loadProject('examples/shop')
 */
export function loadProject(dir: string, pipelinesDir = dir): Project {
  const models = new Map<string, Model>();
  for (const layer of LAYERS) {
    const folder = path.join(pipelinesDir, layer);
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder).sort()) {
      const full = path.join(folder, f);
      const rel = path.relative(dir, full);
      const ext = path.extname(f);
      const name = path.basename(f, ext);
      let m: Model | undefined;
      if (ext === '.yml' || ext === '.yaml') m = loadSource(full, rel, layer, name);
      else if (ext === '.sql') m = loadSql(full, rel, layer, name);
      if (!m) continue;
      if (models.has(m.id)) {
        throw new PipelineError('PIPELINE_INVALID', `${rel}:1: ${m.id} is defined twice`, { file: rel, line: 1 });
      }
      models.set(m.id, m);
    }
  }
  return { dir, pipelinesDir, models };
}
