import { existsSync } from 'node:fs';
import path from 'node:path';
import { LAYERS, type Model, type Project, type ExternalTable, type Exposure, type SqlModel } from './model.ts';
import { overSettings } from './model-config.ts';
import { lineAt } from './sql-file.ts';
import { sqlFileSettings } from './config-call.ts';
import type { MacroFile } from './jinja-environment.ts';
import { genericTestNames, loadMacros } from './macros.ts';
import { loadSeeds, packageSeeds } from './seeds.ts';
import { attachSingularTests } from './singular-tests.ts';
import { snapshotBlocks, snapshotFiles, snapshotLayer, SNAPSHOTS_FOLDER } from './snapshots.ts';
import { collectExternal } from './external-sources.ts';
import type { DocBlock } from './doc-blocks.ts';
import { resolveShortRefs } from './short-refs.ts';
import { checkSettingsNameModels, projectSettings, settingsFor } from './project-settings.ts';
import { withProperties, entriesByName, folderPropertyFiles, type PropertyEntry } from './properties.ts';
import { sqlModel } from './model-files.ts';
import { addModel, folderDocs, folderFiles, loadFolderModels } from './folder-models.ts';
import { loadPackageModels } from './package-models.ts';
import { installedPackages } from '../packages/installed.ts';
import { resolveExposures } from './exposures.ts';
import { compileWithSourceMap, type RunVars } from './compile.ts';
import { testDefaultsOf } from './stored-failures.ts';
import { loadAnalyses } from './analyses.ts';

/** dbt's defaults for a snapshot: history by `unique_key`, dated in dbt's columns. */
const SNAPSHOT_DEFAULTS = {
  materialized: 'scd2',
  snapshot_meta_column_names: {
    dbt_valid_from: 'dbt_valid_from',
    dbt_valid_to: 'dbt_valid_to',
    dbt_is_deleted: 'dbt_is_deleted',
    dbt_scd_id: 'dbt_scd_id',
    dbt_updated_at: 'dbt_updated_at',
  },
};

/**
 * dbt's snapshots: each `{% snapshot name %}` block of a file of the snapshot folders `folders` (the project's
 * `snapshots/`, or a package's `snapshot-paths`) is an scd2 model of its target layer (see `snapshotLayer`), its
 * history in dbt's `dbt_valid_from` / `dbt_valid_to` columns (and `is_current`). A `snapshots:` entry of a property
 * file (in a snapshot folder or a layer folder) describes it as a model's entry does, its `config:` beneath the
 * block's own. A package's snapshots (`pkg`) call its macros by name first.
 */
function loadSnapshots(
  dir: string,
  folders: readonly string[],
  macros: readonly MacroFile[],
  layerEntries: readonly PropertyEntry[],
  docs: Map<string, DocBlock>,
  pkg?: string,
): SqlModel[] {
  const entries = [
    ...layerEntries,
    ...folders.flatMap((folder) => folderPropertyFiles(dir, folder, 'silver', docs).flatMap((f) => f.snapshots)),
  ];
  const blocks = folders.flatMap((folder) =>
    snapshotFiles(dir, folder).flatMap(({ file, text }) => snapshotBlocks(text, file).map((b) => ({ ...b, file }))),
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
    const m = sqlModel(b.file, layer, b.name, parts, described, macros, pkg);
    if (!m) return [];
    return [entry ? withProperties(m, { ...entry, files: [entry.file], unitTests: [] }) : m];
  });
}

/**
 * Loads a pipelines folder: `bronze/*.yml` sources, `silver/*.sql` and `gold/*.sql` models (plus `.sql` in bronze
 * and `.yml` sources anywhere), and in any layer dbt's property files (`schema.yml`) describing its SQL models;
 * beside the layers, dbt's `macros/` (see `loadMacros`), `seeds/` (see `loadSeeds`) and `snapshots/`.
 * `settings` are rat.yaml's `models:` (dbt_project.yml's), beneath the property files' and the SQL files' own;
 * `dispatch` is rat.yaml's `dispatch:`; `dataTests` its `data_tests:` (where failures are stored, see `testDefaultsOf`); `target` the branch the project is loaded for (dbt's `target.name` when the
 * load renders the models to find what they read).
 *
 * @example const project = loadProject('examples/shop')
 */
export function loadProject(
  dir: string,
  pipelinesDir = dir,
  o: { settings?: unknown; dispatch?: unknown; target?: string; vars?: RunVars; dataTests?: unknown } = {},
): Project {
  const testDefaults = testDefaultsOf(o.dataTests);
  const installed = installedPackages(pipelinesDir);
  const settings = projectSettings(
    o.settings,
    installed.map((p) => p.name),
  );
  const macros = loadMacros(dir, pipelinesDir, o.dispatch, o.target, installed);
  const genericTests = genericTestNames(macros);
  // A property file's templated values (a source's `schema: "{{ var('stripe_schema', 'stripe') }}"`) render with
  // rat.yaml's vars, then the packages', then the call's default.
  const render = (text: string) => compileWithSourceMap(text, '', { vars: o.vars, macros }).sql;
  // Each layer folder is listed once, sub-folders too (as dbt reads models/): its Markdown files (docs blocks),
  // property files, sources and SQL models. A model's name is its file's: the folders only group and configure.
  const layers = LAYERS.flatMap((layer) => {
    const folder = path.join(pipelinesDir, layer);
    return existsSync(folder) ? [{ layer, files: folderFiles(dir, folder) }] : [];
  });
  // dbt's docs blocks, in Markdown files of any layer folder, for the property files' descriptions.
  const docs = folderDocs(layers.flatMap(({ files }) => files));
  const models = new Map<string, Model>();
  const sources: ExternalTable[] = [];
  const exposures: Exposure[] = [];
  const seedEntries: PropertyEntry[] = [];
  const snapshotEntries: PropertyEntry[] = [];
  for (const { layer, files } of layers) {
    const found = loadFolderModels({
      files,
      layer,
      models,
      macros,
      docs,
      genericTests,
      settingsOf: (name, folders) => settingsFor(settings, layer, name, folders),
      render,
    });
    sources.push(...found.sources);
    exposures.push(...found.exposures);
    seedEntries.push(...found.seeds);
    snapshotEntries.push(...found.snapshots);
    checkSettingsNameModels(
      settings,
      layer,
      files.filter((f) => f.ext === '.sql'),
    );
  }
  const fromPackages = loadPackageModels({
    dir,
    packages: installed,
    settings,
    models,
    macros,
    docs,
    genericTests,
    render,
  });
  sources.push(...fromPackages.sources);
  exposures.push(...fromPackages.exposures);
  // Beside the layers: dbt's snapshots (the project's, then the packages'), then the seeds (likewise), each loaded
  // once the ones before are in.
  const besideLayers = [
    () => loadSnapshots(dir, [path.join(pipelinesDir, SNAPSHOTS_FOLDER)], macros, snapshotEntries, docs),
    () =>
      installed.flatMap((p) =>
        loadSnapshots(
          dir,
          p.snapshotPaths.map((f) => path.join(p.root, f)),
          macros,
          fromPackages.snapshotEntries.get(p.name) ?? [],
          docs,
          p.name,
        ),
      ),
    () => loadSeeds(dir, pipelinesDir, seedEntries, docs),
    () => installed.flatMap((p) => packageSeeds(dir, p, fromPackages.seedEntries.get(p.name) ?? [], docs)),
  ];
  for (const load of besideLayers) for (const m of load()) addModel(models, m);
  resolveShortRefs(models);
  const { external, sourceNames } = collectExternal(sources, models);
  attachSingularTests(dir, pipelinesDir, models, macros, sourceNames);
  return {
    dir,
    pipelinesDir,
    models,
    external,
    sourceNames,
    testDefaults,
    analyses: loadAnalyses(dir, pipelinesDir),
    macros,
    exposures: resolveExposures(exposures, models, external),
  };
}
