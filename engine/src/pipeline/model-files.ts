import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { PipelineError, type Layer, type Model, type SourceConfig, type SqlModel } from './model.ts';
import { columnDeclarations, modelContract, overSettings, parseColumnDocs, parseConfig } from './model-config.ts';
import { parseUnitTests } from './unit-tests.ts';
import { templateReads } from './compile.ts';
import { findRefs, lineAt, splitHeader } from './sql-file.ts';
import { sqlFileSettings } from './config-call.ts';
import { TemplateError } from './template.ts';
import type { MacroFile } from './jinja-environment.ts';
import { isEphemeral } from './ephemeral.ts';
import { PROJECT_SETTINGS_FILE } from './project-settings.ts';
import { withProperties, type ModelProperties } from './properties.ts';

/*
 * One model file read into its model: a source's YAML, or a SQL model with its header, its `config()` calls, what its
 * property files say of it and the project's settings for it.
 */

export function loadSource(file: string, rel: string, layer: Layer, name: string): Model {
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
  const config = parseConfig(raw, rel, 1, { materialized: 'incremental' });
  if (config.materialized === 'ephemeral') {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${rel}:1: a source is ingested into its table: it cannot be ephemeral`,
      {
        file: rel,
        line: 1,
      },
    );
  }
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

function loadSql(
  file: string,
  rel: string,
  layer: Layer,
  name: string,
  described: Pick<ModelProperties, 'config' | 'declared'> = { config: {}, declared: [] },
  macros: readonly MacroFile[] = [],
  pkg?: string,
): Model | undefined {
  const text = readFileSync(file, 'utf8');
  let parts: ReturnType<typeof splitHeader>;
  try {
    parts = splitHeader(text);
  } catch (err) {
    const line = ((err as { mark?: { line?: number } }).mark?.line ?? 0) + 1;
    throw new PipelineError('PIPELINE_INVALID', `${rel}:${line}: ${(err as Error).message}`, { file: rel, line });
  }
  return sqlModel(rel, layer, name, parts, described, macros, pkg);
}

/**
 * A SQL model from its SQL and header (a model file's, or a snapshot block's), with what a property file (or a
 * snapshot's defaults) says beneath its own settings; undefined for a model set `enabled: false`.
 */
export function sqlModel(
  rel: string,
  layer: Layer,
  name: string,
  parts: ReturnType<typeof splitHeader>,
  described: Pick<ModelProperties, 'config' | 'declared'>,
  macros: readonly MacroFile[],
  pkg?: string,
): SqlModel | undefined {
  const settings = sqlFileSettings(parts.header, parts.sql, (offset) => ({
    file: rel,
    line: parts.sqlLine - 1 + lineAt(parts.sql, offset),
  }));
  // dbt's precedence: the `config:` of the model's property file (schema.yml) applies beneath the SQL file's own.
  const configured = overSettings(described.config, settings);
  // dbt's `enabled: false`: the model is left out of the project, as if its file were not there.
  if (configured.enabled === false) return undefined;
  const config = parseConfig(configured, rel, parts.headerLine, {});
  config.docs.columns = parseColumnDocs(settings.columns, rel, parts.headerLine);
  const declared = [...columnDeclarations(settings.columns, rel, parts.headerLine), ...described.declared];
  const contract = modelContract(configured.contract, config.materialized, declared, rel, parts.headerLine);
  if (contract) config.contract = contract;
  const id = `${layer}.${name}`;
  const refs = findRefs(parts.sql, parts.sqlLine).filter((r) => r.target !== id);
  // Refs a loop or a macro builds are found by rendering the SQL; they count from the SQL's first line.
  for (const target of renderedReads(parts.sql, id, macros, rel, parts.sqlLine, pkg).refs) {
    if (!refs.some((r) => r.target === target)) refs.push({ target, line: parts.sqlLine });
  }
  return {
    kind: 'sql',
    id: `${layer}.${name}`,
    layer,
    name,
    file: rel,
    config,
    sql: parts.sql,
    sqlLine: parts.sqlLine,
    refs,
    unitTests: parseUnitTests(settings.unit_tests, `${layer}.${name}`, rel, parts.headerLine),
    ...(pkg === undefined ? {} : { package: pkg }),
  };
}

/** What a model's SQL reads (see `templateReads`); a template that cannot render fails the load at its line. */
function renderedReads(
  sql: string,
  id: string,
  macros: readonly MacroFile[],
  file: string,
  sqlLine: number,
  pkg?: string,
) {
  try {
    return templateReads(sql, id, macros, pkg);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const line = sqlLine - 1 + lineAt(sql, err.data.offset);
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${err.message}`, { file, line });
  }
}

/**
 * A SQL model with what its property files and rat.yaml's `models:` say, beneath its own settings. A setting the
 * model refuses (an unknown materialization, say) is said where it is written: the SQL file when it fails alone,
 * else the property file's entry when it fails with the entry's config, else rat.yaml.
 */
export function loadDescribedSql(
  file: string,
  rel: string,
  layer: Layer,
  name: string,
  properties: ModelProperties | undefined,
  project: Record<string, unknown>,
  macros: readonly MacroFile[],
  pkg?: string,
): Model | undefined {
  const declared = properties?.declared ?? [];
  const load = (config: Record<string, unknown>) => loadSql(file, rel, layer, name, { config, declared }, macros, pkg);
  let m: Model | undefined;
  try {
    m = load(overSettings(project, properties?.config ?? {}));
  } catch (err) {
    if (!(err instanceof PipelineError)) throw err;
    const prefix = `${err.data.file}:${err.data.line}: `;
    const why = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    const blame = (at: { file: string; line: number }, what: string) =>
      new PipelineError(err.code, `${at.file}${at.line ? `:${at.line}` : ''}: ${what}: ${why}`, at);
    load({});
    if (properties && Object.keys(properties.config).length) {
      try {
        load(properties.config);
      } catch {
        throw blame({ file: properties.file, line: properties.line }, `config of ${name}`);
      }
    }
    throw blame({ file: PROJECT_SETTINGS_FILE, line: 0 }, `models settings of ${layer}.${name}`);
  }
  const described = m?.kind === 'sql' && properties ? withProperties(m, properties) : m;
  if (described && isEphemeral(described)) checkEphemeral(described, macros, pkg);
  return described;
}

/** An ephemeral model has no table: settings about a table (and tests of one) are mistakes, not silently ignored. */
function checkEphemeral(m: SqlModel, macros: readonly MacroFile[], pkg?: string): void {
  const c = m.config;
  const readsThis = templateReads(m.sql, m.id, macros, pkg).readsSelf;
  const tableOnly = [
    c.uniqueKey.length && 'unique_key',
    c.partitionBy.length && 'partition_by',
    c.watermark && 'watermark',
    c.tests.length && 'data tests',
    readsThis && '{{ this }}',
  ].filter(Boolean);
  if (tableOnly.length) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${m.file}:1: ${m.id} is ephemeral (no table: its SELECT is read inside the models that ref it), so it takes no ${tableOnly.join(', ')}: test the models that read it, or make it a table`,
      { file: m.file, line: 1 },
    );
  }
}
