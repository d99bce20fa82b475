import { parseExposures } from './exposures.ts';
import type { Exposure } from './model.ts';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import {
  PipelineError,
  type DataTest,
  type ExternalTable,
  type Layer,
  type Model,
  type SqlModel,
  type UnitTest,
} from './model.ts';
import { externalSources } from './external-sources.ts';
import { filesUnder } from './project-files.ts';
import { withDocs, type DocBlock } from './doc-blocks.ts';
import { parseUnitTests } from './unit-tests.ts';
import { columnDeclarations, overSettings, type ColumnDeclaration } from './model-config.ts';
import { isRaw, listOf, testsOf, text, type PropertyContext, type Raw } from './property-tests.ts';

/**
 * What a layer's property files (dbt's `schema.yml`) say about one SQL model of that layer: its `models:` entry and
 * the `unit_tests:` naming it.
 */
export interface ModelProperties {
  /** Where the model is described (its `models:` entry, else its first unit test), for errors. */
  file: string;
  line: number;
  /** Every property file naming the model: a change to one of them changes the model (`state:modified`). */
  files: string[];
  /** The entry's `config:` as written: the SQL file's own settings apply over it, and defaults beneath it. */
  config: Record<string, unknown>;
  description?: string;
  /** Column name → description. */
  columns: Record<string, string>;
  /** The columns with their `data_type` and `constraints`, for the model's contract. */
  declared: ColumnDeclaration[];
  tests: DataTest[];
  unitTests: Array<{ test: UnitTest; file: string; line: number }>;
}

/** One property file, parsed: its models' entries and its unit tests, each with the line it starts on. */
export interface PropertyFile {
  file: string;
  models: Array<Omit<ModelProperties, 'files' | 'unitTests'> & { name: string }>;
  unitTests: Array<{ model: string; test: UnitTest; line: number }>;
  /** dbt's `sources:`: tables written outside the pipelines that models read. */
  sources: ExternalTable[];
  /** dbt's `seeds:`: the entries describing seeds (see `loadSeeds`), as models' entries are read. */
  seeds: PropertyFile['models'];
  /** dbt's `snapshots:`: the entries describing snapshots (see `loadSnapshots`), as models' entries are read. */
  snapshots: PropertyFile['models'];
  /** dbt's `exposures:`: what reads the project's tables from outside it. */
  exposures: Exposure[];
}

/** A `models:`, `seeds:` or `snapshots:` entry of a property file. */
export type PropertyEntry = PropertyFile['models'][number];

/** Top-level keys that make a layer's YAML file a property file rather than a source (`source:`). */
const PROPERTY_KEYS = ['version', 'models', 'unit_tests', 'sources', 'seeds', 'snapshots', 'exposures'];
/**
 * dbt's top-level keys that document or describe what no run builds (exposures, macros' docs, the semantic layer):
 * read, and without effect, so that a dbt project's property files load as they are.
 */
const DOCUMENTATION_KEYS = ['macros', 'analyses', 'groups', 'metrics', 'semantic_models', 'saved_queries'];
/** dbt keys that only document or organise a model or column here: read, and without effect. */
const IGNORED_MODEL_KEYS = ['meta', 'docs', 'access', 'group', 'deprecation_date'];
const IGNORED_COLUMN_KEYS = ['meta', 'tags', 'quote', 'docs'];
/** Model properties of dbt that are not configs: in `config:` the engine would read them as a SQL header's. */
const NOT_CONFIG = ['description', 'columns', 'tests', 'data_tests', 'unit_tests'];

/**
 * Parses a YAML file of a layer folder if it is a property file: a mapping with dbt's `models:`, `unit_tests:` (or
 * `version:`) and no `source:` key. Undefined for anything else (a source, or text that is not YAML: loading it as a
 * source says what is wrong). Errors name the file and the line of the entry at fault.
 *
 * @example readPropertyFile('models:\n  - name: orders\n    description: One row per order\n', 'silver/schema.yml', 'silver')
 */
export function readPropertyFile(
  text: string,
  file: string,
  layer: Layer,
  docs?: Map<string, DocBlock>,
  genericTests?: ReadonlySet<string>,
  render?: (text: string) => string,
): PropertyFile | undefined {
  const lines = new WeakMap<object, number>();
  const open: number[] = [];
  let raw: unknown;
  try {
    // js-yaml keeps no positions on the values it returns: its parse events do, so each mapping and list gets the
    // line it starts on.
    raw = yaml.load(text, {
      listener(event, state) {
        if (event === 'open') open.push(state.line + 1);
        else {
          const line = open.pop();
          if (typeof state.result === 'object' && state.result !== null && line !== undefined) {
            lines.set(state.result as object, line);
          }
        }
      },
    });
  } catch {
    return undefined;
  }
  if (!isRaw(raw) || 'source' in raw || ![...PROPERTY_KEYS, ...DOCUMENTATION_KEYS].some((k) => k in raw)) {
    return undefined;
  }
  const lineOf = (v: unknown, fallback: number) =>
    (typeof v === 'object' && v !== null ? lines.get(v) : undefined) ?? fallback;
  const fail = (line: number, why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  };
  // A top-level key starts its line: the first line that does is where the key is.
  const keyLine = (key: string) => {
    const at = new RegExp(`^["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`, 'm').exec(text);
    return at ? text.slice(0, at.index).split('\n').length : 1;
  };
  for (const key of Object.keys(raw)) {
    if (!PROPERTY_KEYS.includes(key) && !DOCUMENTATION_KEYS.includes(key)) {
      fail(
        keyLine(key),
        `${key}: is not supported in a property file (models, sources, seeds, snapshots and unit_tests are)`,
      );
    }
  }
  if (raw.version !== undefined && raw.version !== 2) fail(keyLine('version'), `version must be 2 (dbt's)`);
  const ctx: PropertyContext = { file, layer, lineOf, fail, docs, genericTests, render };
  return {
    file,
    models: listOf(raw.models, 'models', 1, ctx).map((entry) => parseModelEntry(entry, ctx)),
    seeds: listOf(raw.seeds, 'seeds', 1, ctx).map((entry) => parseModelEntry(entry, ctx, 'seed')),
    snapshots: listOf(raw.snapshots, 'snapshots', 1, ctx).map((entry) => parseModelEntry(entry, ctx, 'snapshot')),
    unitTests: listOf(raw.unit_tests, 'unit_tests', 1, ctx).map((entry) => parseUnitTestEntry(entry, ctx)),
    sources: externalSources(raw.sources, ctx),
    exposures: parseExposures(raw.exposures, ctx),
  };
}

const nameOf = (entry: unknown, what: string, line: number, ctx: PropertyContext): string =>
  isRaw(entry) && typeof entry.name === 'string' && entry.name.trim()
    ? entry.name.trim()
    : ctx.fail(line, `each entry of ${what} needs a name`);

function checkKeys(entry: Raw, used: string[], ignored: string[], where: string, line: number, ctx: PropertyContext) {
  for (const key of Object.keys(entry)) {
    if (!used.includes(key) && !ignored.includes(key)) ctx.fail(line, `${where}: ${key} is not supported`);
  }
  if ('tests' in entry && 'data_tests' in entry) ctx.fail(line, `${where}: give data_tests or tests, not both`);
}

/** A description, dbt's `{{ doc('…') }}` calls replaced by their blocks (Markdown files of the layer folders). */
function description(v: unknown, what: string, line: number, ctx: PropertyContext): string | undefined {
  const d = text(v, what, line, ctx);
  return d === undefined ? undefined : withDocs(d, ctx.docs ?? new Map(), ctx.file, line);
}

function parseModelEntry(
  entry: unknown,
  ctx: PropertyContext,
  kind: 'model' | 'seed' | 'snapshot' = 'model',
): PropertyFile['models'][number] {
  const line = ctx.lineOf(entry, 1);
  const name = nameOf(entry, `${kind}s`, line, ctx);
  const m = entry as Raw;
  const where = `${kind} ${name}`;
  checkKeys(
    m,
    ['name', 'description', 'config', 'columns', 'data_tests', 'tests', 'tags'],
    IGNORED_MODEL_KEYS,
    where,
    line,
    ctx,
  );
  if (m.config !== undefined && m.config !== null && !isRaw(m.config)) {
    ctx.fail(line, `${where}: config must be a mapping`);
  }
  // The SQL header reads these keys itself: under config: they would take the header's syntax and precedence.
  const misplaced = NOT_CONFIG.find((key) => isRaw(m.config) && key in m.config);
  if (misplaced) ctx.fail(line, `${where}: ${misplaced} belongs to the model's entry, not to its config`);
  const columns: Record<string, string> = {};
  const declared: ColumnDeclaration[] = [];
  const tests = testsOf(m.data_tests ?? m.tests, undefined, where, line, ctx);
  for (const c of listOf(m.columns, `${where}: columns`, line, ctx)) {
    const at = ctx.lineOf(c, line);
    const column = nameOf(c, `${where}: columns`, at, ctx);
    const col = c as Raw;
    const keys = ['name', 'description', 'data_type', 'constraints', 'data_tests', 'tests'];
    checkKeys(col, keys, IGNORED_COLUMN_KEYS, `column ${column}`, at, ctx);
    declared.push(...columnDeclarations([col], ctx.file, at));
    const d = description(col.description, `column ${column}: description`, at, ctx);
    if (d !== undefined) columns[column] = d;
    tests.push(...testsOf(col.data_tests ?? col.tests, column, `column ${column}`, at, ctx));
  }
  const d = description(m.description, `${where}: description`, line, ctx);
  return {
    name,
    file: ctx.file,
    line,
    // dbt's tags may sit on the entry itself as well as in its config: both apply.
    config: overSettings({ tags: m.tags }, (m.config as Raw | undefined) ?? {}),
    ...(d === undefined ? {} : { description: d }),
    columns,
    declared,
    tests,
  };
}

function parseUnitTestEntry(entry: unknown, ctx: PropertyContext): PropertyFile['unitTests'][number] {
  const line = ctx.lineOf(entry, 1);
  const name = nameOf(entry, 'unit_tests', line, ctx);
  const model = (entry as Raw).model;
  if (typeof model !== 'string' || !model.trim()) {
    ctx.fail(line, `unit test ${name}: model is required (the model it tests)`);
  }
  const self = `${ctx.layer}.${(model as string).trim()}`;
  const [test] = parseUnitTests([entry], self, ctx.file, line);
  return { model: (model as string).trim(), test: test!, line };
}

/**
 * The property files (YAML) under `folder` (sub-folders too), named relative to the project folder `dir`, read as
 * the layer's: `seeds/` and `snapshots/` keep theirs there, as dbt projects do.
 */
export function folderPropertyFiles(
  dir: string,
  folder: string,
  layer: Layer,
  docs?: Map<string, DocBlock>,
): PropertyFile[] {
  return filesUnder(dir, folder, /\.ya?ml$/).flatMap((f) => {
    const read = readPropertyFile(readFileSync(f.full, 'utf8'), f.rel, layer, docs);
    return read ? [read] : [];
  });
}

/**
 * The `seeds:` or `snapshots:` entries of every property file by the name they describe: an entry naming none of
 * `names`, or a name described twice, is `PIPELINE_INVALID` at the entry.
 *
 * @example entriesByName(entries, new Set(['country_codes']), 'seed', (n) => `seeds/${n}.csv`)
 */
export function entriesByName(
  entries: readonly PropertyEntry[],
  names: ReadonlySet<string>,
  kind: 'seed' | 'snapshot',
  missing: (name: string) => string,
): Map<string, PropertyEntry> {
  const byName = new Map<string, PropertyEntry>();
  for (const e of entries) {
    const fail = (why: string): never => {
      throw new PipelineError('PIPELINE_INVALID', `${e.file}:${e.line}: ${why}`, { file: e.file, line: e.line });
    };
    if (!names.has(e.name)) fail(`${kind} ${e.name}: there is no ${missing(e.name)}`);
    const first = byName.get(e.name);
    if (first) fail(`${kind} ${e.name} is described twice (first at ${first.file}:${first.line})`);
    byName.set(e.name, e);
  }
  return byName;
}

/**
 * The layer's property files combined, by model name. A model has one `models:` entry in all of them; its unit
 * tests may be in any of them.
 */
export function layerProperties(files: PropertyFile[]): Map<string, ModelProperties> {
  const out = new Map<string, ModelProperties>();
  const fail = (file: string, line: number, why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  };
  const entry = (name: string, file: string, line: number): ModelProperties => {
    let p = out.get(name);
    if (!p) {
      p = { file, line, files: [], config: {}, columns: {}, declared: [], tests: [], unitTests: [] };
      out.set(name, p);
    }
    if (!p.files.includes(file)) p.files.push(file);
    return p;
  };
  const described = new Map<string, string>();
  for (const f of files) {
    for (const { name, ...m } of f.models) {
      const first = described.get(name);
      if (first) fail(f.file, m.line, `model ${name} is described twice (first at ${first})`);
      described.set(name, `${f.file}:${m.line}`);
      const p = entry(name, f.file, m.line);
      Object.assign(p, m);
    }
  }
  for (const f of files) {
    for (const { model, test, line } of f.unitTests) {
      const p = entry(model, f.file, line);
      const twice = p.unitTests.find((u) => u.test.name === test.name);
      if (twice) {
        const first = `${twice.file}:${twice.line}`;
        fail(f.file, line, `unit test ${test.name} of ${model} is defined twice (first at ${first})`);
      }
      p.unitTests.push({ test, file: f.file, line });
    }
  }
  return out;
}

/**
 * A property file may only describe the SQL models of its layer: a name the layer has no SQL file for (or a source,
 * whose own file describes it) is a mistake, said at the entry. A model its file disables (`enabled: false`) may
 * still be described, as in dbt.
 */
export function checkDescribed(
  properties: Map<string, ModelProperties>,
  layer: Layer,
  sqlFiles: Set<string>,
  models: Map<string, Model>,
) {
  for (const [name, p] of properties) {
    const m = models.get(`${layer}.${name}`);
    if (sqlFiles.has(name) && m?.kind !== 'source') continue;
    const why = m
      ? `${m.id} is a source: give its description, columns and tests in ${m.file}; a property file describes SQL models`
      : `${layer} has no model ${name} (no ${layer}/${name}.sql)`;
    throw new PipelineError('PIPELINE_INVALID', `${p.file}:${p.line}: ${why}`, { file: p.file, line: p.line });
  }
}

/**
 * The SQL model with what its property files add: descriptions the SQL file does not give (its own win), their data
 * tests and unit tests after its own, and the files, for `state:modified`. Its `config:` is applied by the loader,
 * beneath the SQL file's settings.
 */
export function withProperties(model: SqlModel, p: ModelProperties): SqlModel {
  const own = model.config.docs;
  const ownColumns = new Set(Object.keys(own.columns).map((c) => c.toLowerCase()));
  const columns = Object.fromEntries(Object.entries(p.columns).filter(([c]) => !ownColumns.has(c.toLowerCase())));
  for (const u of p.unitTests) {
    if (model.unitTests.some((t) => t.name === u.test.name)) {
      throw new PipelineError(
        'PIPELINE_INVALID',
        `${u.file}:${u.line}: unit test ${u.test.name} of ${model.name} is defined twice (also in ${model.file})`,
        { file: u.file, line: u.line },
      );
    }
  }
  const description = own.description ?? p.description;
  return {
    ...model,
    config: {
      ...model.config,
      docs: { ...(description === undefined ? {} : { description }), columns: { ...columns, ...own.columns } },
      tests: [...model.config.tests, ...p.tests],
    },
    unitTests: [...model.unitTests, ...p.unitTests.map((u) => u.test)],
    propertyFiles: p.files,
  };
}
