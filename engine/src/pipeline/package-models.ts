import path from 'node:path';
import { LAYERS, PipelineError, type Layer, type Model } from './model.ts';
import type { MacroFile } from './jinja-environment.ts';
import type { DocBlock } from './doc-blocks.ts';
import type { PackageProject } from '../packages/package-project.ts';
import { folderDocs, folderFiles, loadFolderModels, type FolderEntries } from './folder-models.ts';
import type { PropertyEntry } from './properties.ts';
import {
  checkSettingsNameModels,
  packageSettingsFor,
  PROJECT_SETTINGS_FILE,
  settingsLevel,
  type ProjectSettings,
} from './project-settings.ts';

/** The layer a package's models are built in unless rat.yaml's `+layer` for the package says another. */
const PACKAGE_LAYER: Layer = 'silver';

/**
 * dbt's package models: the SQL models under an installed package's `model-paths`, built as the project's own are,
 * in one layer (rat.yaml's `models: { <package>: { +layer: gold } }`, silver unless set). Their property files
 * describe and test them, the package's dbt_project.yml `models:` settings apply beneath rat.yaml's for it (`+enabled:
 * false` there leaves them out, as in dbt), and their templates call the package's macros by name first. The
 * `seeds:` and `snapshots:` entries of a package's property files are returned by package, for its seeds (see
 * `packageSeeds`) and snapshots.
 */
export function loadPackageModels(o: {
  dir: string;
  packages: readonly PackageProject[];
  settings: ProjectSettings;
  models: Map<string, Model>;
  macros: readonly MacroFile[];
  docs: Map<string, DocBlock>;
  genericTests: ReadonlySet<string>;
  render?: (text: string) => string;
}): FolderEntries & {
  seedEntries: Map<string, PropertyEntry[]>;
  snapshotEntries: Map<string, PropertyEntry[]>;
} {
  const entries: FolderEntries = { sources: [], seeds: [], snapshots: [], exposures: [] };
  const seedEntries = new Map<string, PropertyEntry[]>();
  const snapshotEntries = new Map<string, PropertyEntry[]>();
  for (const p of o.packages) {
    const files = p.modelPaths.flatMap((m) => folderFiles(o.dir, path.join(p.root, m)));
    if (!files.some((f) => f.ext === '.sql')) continue;
    const shown = path.relative(o.dir, path.join(p.root, 'dbt_project.yml')).split(path.sep).join('/');
    const own = p.models === undefined ? undefined : settingsLevel(p.models, p.name, shown);
    const layer = packageLayer(o.settings, p.name);
    const docs = new Map([...o.docs, ...folderDocs(files)]);
    const found = loadFolderModels({
      files,
      layer,
      models: o.models,
      macros: o.macros,
      docs,
      genericTests: o.genericTests,
      settingsOf: (name, folders) => packageSettingsFor(o.settings, p.name, own, name, folders),
      render: o.render,
      pkg: p.name,
    });
    entries.sources.push(...found.sources);
    entries.exposures.push(...found.exposures);
    seedEntries.set(p.name, found.seeds);
    snapshotEntries.set(p.name, found.snapshots);
    checkSettingsNameModels(
      o.settings,
      p.name,
      files.filter((f) => f.ext === '.sql'),
    );
  }
  return { ...entries, seedEntries, snapshotEntries };
}

/** The layer rat.yaml's `+layer` gives a package's models (silver unless set). */
function packageLayer(settings: ProjectSettings, pkg: string): Layer {
  const layer = settings.packages.get(pkg)?.settings.layer ?? PACKAGE_LAYER;
  if (typeof layer === 'string' && (LAYERS as readonly string[]).includes(layer)) return layer as Layer;
  throw new PipelineError(
    'PIPELINE_INVALID',
    `${PROJECT_SETTINGS_FILE}: models.${pkg}.+layer: must be one of ${LAYERS.join(', ')} (got ${JSON.stringify(layer)})`,
    { file: PROJECT_SETTINGS_FILE, line: 0 },
  );
}
