import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './model-config.ts';
import { PipelineError, type SourceModel } from './model.ts';
import { entriesByName, folderPropertyFiles, type PropertyEntry } from './properties.ts';
import { filesUnder, type ProjectFile } from './project-files.ts';
import type { DocBlock } from './doc-blocks.ts';
import type { PackageProject } from '../packages/package-project.ts';

/** dbt's `seed-paths` default: CSV files a project keeps with its code (country codes, mappings). */
export const SEEDS_FOLDER = 'seeds';

/** A seed's `config:` keys read here; the others a model's config reads are refused for a seed. */
const SEED_CONFIG = ['column_types', 'delimiter', 'enabled', 'full_refresh', 'quote_columns', 'tags', 'meta'];

/**
 * The project's seeds (dbt's): each `.csv` file under `seeds/` (sub-folders too) is a source of the bronze layer
 * named after the file (`seeds/country_codes.csv` → `bronze.country_codes`, read with `{{ ref('country_codes') }}`),
 * ingested by `rat run` with its columns' types detected, and ingested again, its rows replaced, when the file
 * changes — what `dbt seed` does on each change. A `seeds:` entry of a property file (in `seeds/` or a layer folder)
 * gives its description, column descriptions, data tests and config: `column_types` (declared types; a value that
 * does not cast fails the step), `delimiter`, `enabled`, `full_refresh`.
 *
 * @example loadSeeds('examples/shop', 'examples/shop', []) // [{ kind: 'source', id: 'bronze.country_codes', … }]
 */
export function loadSeeds(
  dir: string,
  pipelinesDir: string,
  layerEntries: readonly PropertyEntry[],
  docs?: Map<string, DocBlock>,
): SourceModel[] {
  return seedsIn(dir, [path.join(pipelinesDir, SEEDS_FOLDER)], layerEntries, docs);
}

/**
 * An installed package's seeds (dbt builds them as the project's): the `.csv` files of its `seed-paths`, each a
 * source of the bronze layer named after its file, described by the `seeds:` entries of the package's property files
 * (`entries`, and those in its seed folders); `package:<name>` selects them.
 *
 * @example packageSeeds('.', { name: 'geo', root: 'dbt_packages/geo', seedPaths: ['seeds'], … }, []) // [bronze.country_codes]
 */
export function packageSeeds(
  dir: string,
  pkg: Pick<PackageProject, 'name' | 'root' | 'seedPaths'>,
  entries: readonly PropertyEntry[],
  docs?: Map<string, DocBlock>,
): SourceModel[] {
  const roots = pkg.seedPaths.map((s) => path.join(pkg.root, s));
  return seedsIn(dir, roots, entries, docs).map((m) => ({ ...m, package: pkg.name }));
}

/** The seeds of the folders `roots`, with the `seeds:` entries given and those of property files in the folders. */
function seedsIn(
  dir: string,
  roots: readonly string[],
  layerEntries: readonly PropertyEntry[],
  docs?: Map<string, DocBlock>,
): SourceModel[] {
  const present = roots.filter((r) => existsSync(r));
  if (present.length === 0) return [];
  const csv = present.flatMap((root) => filesUnder(dir, root, /\.csv$/i));
  const entries = [
    ...layerEntries,
    ...present.flatMap((root) => folderPropertyFiles(dir, root, 'bronze', docs).flatMap((f) => f.seeds)),
  ];
  const nameOf = (f: ProjectFile) => path.basename(f.rel, path.extname(f.rel));
  const folder = path.relative(dir, present[0]!).split(path.sep).join('/');
  const byName = entriesByName(entries, new Set(csv.map(nameOf)), 'seed', (n) => `${folder}/${n}.csv`);
  return csv.flatMap((f) => {
    const seed = seedModel(f.rel, nameOf(f), byName.get(nameOf(f)));
    return seed ? [seed] : [];
  });
}

/** One seed's model: its CSV file as a source, with what its `seeds:` entry says; undefined when `enabled: false`. */
function seedModel(file: string, name: string, entry: PropertyEntry | undefined): SourceModel | undefined {
  const cfg = entry?.config ?? {};
  const at = { file: entry?.file ?? file, line: entry?.line ?? 1 };
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${at.file}:${at.line}: seed ${name}: ${why}`, at);
  };
  for (const key of Object.keys(cfg)) {
    if (!SEED_CONFIG.includes(key)) fail(`config ${key} is not supported (a seed is the table bronze.${name})`);
  }
  if (cfg.enabled === false) return undefined;
  const types = cfg.column_types ?? {};
  const isTypes = typeof types === 'object' && types !== null && !Array.isArray(types);
  if (!isTypes || !Object.values(types).every((t) => typeof t === 'string')) {
    fail('column_types must map column names to SQL types');
  }
  if (cfg.delimiter !== undefined && (typeof cfg.delimiter !== 'string' || cfg.delimiter.length !== 1)) {
    fail('delimiter must be one character');
  }
  const settings = { full_refresh: cfg.full_refresh, tags: cfg.tags };
  const config = parseConfig(settings, at.file, at.line, { materialized: 'incremental' });
  config.tests = entry?.tests ?? [];
  config.docs = { ...(entry?.description ? { description: entry.description } : {}), columns: entry?.columns ?? {} };
  return {
    kind: 'source',
    id: `bronze.${name}`,
    layer: 'bronze',
    name,
    file,
    config,
    refs: [],
    source: {
      path: file,
      format: 'csv',
      options: cfg.delimiter === undefined ? {} : { delim: cfg.delimiter as string },
      columns: types as Record<string, string>,
      rename: {},
      onChange: 'reingest',
      rejects: 'fail',
    },
  };
}
