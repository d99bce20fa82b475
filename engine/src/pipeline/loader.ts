import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  LAYERS,
  PipelineError,
  type Layer,
  type Model,
  type Project,
  type ExternalTable,
  type SourceConfig,
  type SqlModel,
} from './model.ts';
import { columnDeclarations, modelContract, overSettings, parseColumnDocs, parseConfig } from './model-config.ts';
import { parseUnitTests } from './unit-tests.ts';
import { templateReads } from './compile.ts';
import { findRefs, lineAt, splitHeader } from './sql-file.ts';
import { sqlFileSettings } from './config-call.ts';
import { TemplateError } from './template.ts';
import type { MacroFile } from './jinja-environment.ts';
import { genericTestNames, loadMacros } from './macros.ts';
import { loadSeeds } from './seeds.ts';
import { attachSingularTests } from './singular-tests.ts';
import { snapshotBlocks, snapshotFiles, snapshotLayer, SNAPSHOTS_FOLDER } from './snapshots.ts';
import { isEphemeral } from './ephemeral.ts';
import { collectExternal } from './external-sources.ts';
import { docBlocks, type DocBlock } from './doc-blocks.ts';
import { resolveShortRefs } from './short-refs.ts';
import { filesUnder } from './project-files.ts';
import { checkSettingsNameModels, PROJECT_SETTINGS_FILE, projectSettings, settingsFor } from './project-settings.ts';
import {
  checkDescribed,
  layerProperties,
  readPropertyFile,
  withProperties,
  entriesByName,
  folderPropertyFiles,
  type ModelProperties,
  type PropertyEntry,
} from './properties.ts';

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
): Model | undefined {
  const text = readFileSync(file, 'utf8');
  let parts: ReturnType<typeof splitHeader>;
  try {
    parts = splitHeader(text);
  } catch (err) {
    const line = ((err as { mark?: { line?: number } }).mark?.line ?? 0) + 1;
    throw new PipelineError('PIPELINE_INVALID', `${rel}:${line}: ${(err as Error).message}`, { file: rel, line });
  }
  return sqlModel(rel, layer, name, parts, described, macros);
}

/**
 * A SQL model from its SQL and header (a model file's, or a snapshot block's), with what a property file (or a
 * snapshot's defaults) says beneath its own settings; undefined for a model set `enabled: false`.
 */
function sqlModel(
  rel: string,
  layer: Layer,
  name: string,
  parts: ReturnType<typeof splitHeader>,
  described: Pick<ModelProperties, 'config' | 'declared'>,
  macros: readonly MacroFile[],
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
  for (const target of renderedReads(parts.sql, id, macros, rel, parts.sqlLine).refs) {
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
  };
}

/** dbt's defaults for a snapshot: history by `unique_key`, dated in dbt's columns. */
/** What a layer folder holds: SQL models, YAML sources and property files, Markdown docs blocks. */
const LAYER_FILE = /\.(sql|ya?ml|md)$/;

const SNAPSHOT_DEFAULTS = {
  materialized: 'scd2',
  snapshot_meta_column_names: {
    dbt_valid_from: 'dbt_valid_from',
    dbt_valid_to: 'dbt_valid_to',
    dbt_is_deleted: 'dbt_is_deleted',
  },
};

/**
 * dbt's snapshots: each `{% snapshot name %}` block of a file of `snapshots/` is an scd2 model of its target layer
 * (see `snapshotLayer`), its history in dbt's `dbt_valid_from` / `dbt_valid_to` columns (and `is_current`). A
 * `snapshots:` entry of a property file (in `snapshots/` or a layer folder) describes it as a model's entry does,
 * its `config:` beneath the block's own.
 */
function loadSnapshots(
  dir: string,
  pipelinesDir: string,
  macros: readonly MacroFile[],
  layerEntries: readonly PropertyEntry[],
  docs: Map<string, DocBlock>,
): SqlModel[] {
  const folder = path.join(pipelinesDir, SNAPSHOTS_FOLDER);
  const entries = [...layerEntries, ...folderPropertyFiles(dir, folder, 'silver', docs).flatMap((f) => f.snapshots)];
  const blocks = snapshotFiles(dir, pipelinesDir).flatMap(({ file, text }) =>
    snapshotBlocks(text, file).map((b) => ({ ...b, file })),
  );
  const byName = entriesByName(
    entries,
    new Set(blocks.map((b) => b.name)),
    'snapshot',
    (n) => `{% snapshot ${n} %} block`,
  );
  return blocks.flatMap((b) => {
    const entry = byName.get(b.name);
    const where = (offset: number) => ({ file: b.file, line: b.sqlLine - 1 + lineAt(b.sql, offset) });
    const config = sqlFileSettings({}, b.sql, where);
    const parts = { header: {}, sql: b.sql, sqlLine: b.sqlLine, headerLine: b.line };
    const described = { config: overSettings(SNAPSHOT_DEFAULTS, entry?.config ?? {}), declared: entry?.declared ?? [] };
    const layer = snapshotLayer({ ...entry?.config, ...config });
    const m = sqlModel(b.file, layer, b.name, parts, described, macros);
    if (!m) return [];
    return [entry ? withProperties(m, { ...entry, files: [entry.file], unitTests: [] }) : m];
  });
}

/** What a model's SQL reads (see `templateReads`); a template that cannot render fails the load at its line. */
function renderedReads(sql: string, id: string, macros: readonly MacroFile[], file: string, sqlLine: number) {
  try {
    return templateReads(sql, id, macros);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const line = sqlLine - 1 + lineAt(sql, err.data.offset);
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${err.message}`, { file, line });
  }
}

/**
 * Loads a pipelines folder: `bronze/*.yml` sources, `silver/*.sql` and `gold/*.sql` models (plus `.sql` in bronze
 * and `.yml` sources anywhere), and in any layer dbt's property files (`schema.yml`) describing its SQL models;
 * beside the layers, dbt's `macros/` (see `loadMacros`), `seeds/` (see `loadSeeds`) and `snapshots/`.
 * `settings` are rat.yaml's `models:` (dbt_project.yml's), beneath the property files' and the SQL files' own;
 * `dispatch` is rat.yaml's `dispatch:`; `target` the branch the project is loaded for (dbt's `target.name` when the
 * load renders the models to find what they read).
 *
 * @example const project = loadProject('examples/shop')
 */
export function loadProject(
  dir: string,
  pipelinesDir = dir,
  o: { settings?: unknown; dispatch?: unknown; target?: string } = {},
): Project {
  const settings = projectSettings(o.settings);
  const macros = loadMacros(dir, pipelinesDir, o.dispatch, o.target);
  const genericTests = genericTestNames(macros);
  // Each layer folder is listed once, sub-folders too (as dbt reads models/): its Markdown files (docs blocks),
  // property files, sources and SQL models. A model's name is its file's: the folders only group and configure.
  const layers = LAYERS.flatMap((layer) => {
    const folder = path.join(pipelinesDir, layer);
    if (!existsSync(folder)) return [];
    const files = filesUnder(dir, folder, LAYER_FILE)
      .filter(
        (f) =>
          !path
            .relative(folder, f.full)
            .split(path.sep)
            .some((part) => part.startsWith('.')),
      )
      .map(({ full, rel }) => {
        const ext = path.extname(full);
        const folders = path.relative(folder, path.dirname(full)).split(path.sep).filter(Boolean);
        return { full, rel, ext, name: path.basename(full, ext), folders };
      });
    return [{ layer, files }];
  });
  // dbt's docs blocks, in Markdown files of any layer folder, for the property files' descriptions.
  const docs = docBlocks(
    layers.flatMap(({ files }) =>
      files.filter((f) => f.ext === '.md').map((f) => ({ file: f.rel, text: readFileSync(f.full, 'utf8') })),
    ),
  );
  const models = new Map<string, Model>();
  const sources: ExternalTable[] = [];
  const seedEntries: PropertyEntry[] = [];
  const snapshotEntries: PropertyEntry[] = [];
  for (const { layer, files } of layers) {
    // A layer's property files first: they add to the SQL models read after them.
    const propertyFiles = files.flatMap((f) => {
      if (f.ext !== '.yml' && f.ext !== '.yaml') return [];
      const read = readPropertyFile(readFileSync(f.full, 'utf8'), f.rel, layer, docs, genericTests);
      return read ? [read] : [];
    });
    const described = layerProperties(propertyFiles);
    sources.push(...propertyFiles.flatMap((f) => f.sources));
    seedEntries.push(...propertyFiles.flatMap((f) => f.seeds));
    snapshotEntries.push(...propertyFiles.flatMap((f) => f.snapshots));
    const isPropertyFile = new Set(propertyFiles.map((p) => p.file));
    for (const { full, rel, ext, name, folders } of files) {
      if (isPropertyFile.has(rel)) continue;
      let m: Model | undefined;
      if (ext === '.yml' || ext === '.yaml') m = loadSource(full, rel, layer, name);
      else if (ext === '.sql') {
        const project = settingsFor(settings, layer, name, folders);
        m = loadDescribedSql(full, rel, layer, name, described.get(name), project, macros);
      }
      if (!m) continue;
      if (folders.length) m.folders = folders;
      const other = models.get(m.id);
      if (other) {
        throw new PipelineError('PIPELINE_INVALID', `${rel}:1: ${m.id} is defined twice (also by ${other.file})`, {
          file: rel,
          line: 1,
        });
      }
      models.set(m.id, m);
    }
    const sqlFiles = files.filter((f) => f.ext === '.sql');
    checkDescribed(described, layer, new Set(sqlFiles.map((f) => f.name)), models);
    checkSettingsNameModels(settings, layer, sqlFiles);
  }
  // Beside the layers: dbt's snapshots, then its seeds, each loaded once the ones before are in.
  const besideLayers = [
    () => loadSnapshots(dir, pipelinesDir, macros, snapshotEntries, docs),
    () => loadSeeds(dir, pipelinesDir, seedEntries, docs),
  ];
  for (const load of besideLayers) {
    for (const m of load()) {
      const other = models.get(m.id);
      if (other) {
        throw new PipelineError('PIPELINE_INVALID', `${m.file}:1: ${m.id} is defined twice (also by ${other.file})`, {
          file: m.file,
          line: 1,
        });
      }
      models.set(m.id, m);
    }
  }
  resolveShortRefs(models);
  const external = collectExternal(sources, models);
  attachSingularTests(dir, pipelinesDir, models, macros, external);
  return { dir, pipelinesDir, models, external, macros };
}

/**
 * A SQL model with what its property files and rat.yaml's `models:` say, beneath its own settings. A setting the
 * model refuses (an unknown materialization, say) is said where it is written: the SQL file when it fails alone,
 * else the property file's entry when it fails with the entry's config, else rat.yaml.
 */
function loadDescribedSql(
  file: string,
  rel: string,
  layer: Layer,
  name: string,
  properties: ModelProperties | undefined,
  project: Record<string, unknown>,
  macros: readonly MacroFile[],
): Model | undefined {
  const declared = properties?.declared ?? [];
  const load = (config: Record<string, unknown>) => loadSql(file, rel, layer, name, { config, declared }, macros);
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
  if (described && isEphemeral(described)) checkEphemeral(described, macros);
  return described;
}

/** An ephemeral model has no table: settings about a table (and tests of one) are mistakes, not silently ignored. */
function checkEphemeral(m: SqlModel, macros: readonly MacroFile[]): void {
  const c = m.config;
  const readsThis = templateReads(m.sql, m.id, macros).readsSelf;
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
