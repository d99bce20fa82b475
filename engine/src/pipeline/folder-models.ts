import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PipelineError, type Exposure, type ExternalTable, type Layer, type Model } from './model.ts';
import type { MacroFile } from './jinja-environment.ts';
import { docBlocks, type DocBlock } from './doc-blocks.ts';
import { filesUnder } from './project-files.ts';
import { loadDescribedSql, loadSource } from './model-files.ts';
import { checkDescribed, layerProperties, readPropertyFile, type PropertyEntry } from './properties.ts';

/** A file of a layer's folder (or a package's model folder), with the sub-folders it is in. */
export interface FolderFile {
  full: string;
  /** Relative to the project folder. */
  rel: string;
  ext: string;
  /** The model it defines is named after it. */
  name: string;
  folders: string[];
}

/** What a layer folder holds: SQL models, YAML sources and property files, Markdown docs blocks. */
const MODEL_FILE = /\.(sql|ya?ml|md)$/;

/**
 * The model files under `folder`, sub-folders too (as dbt reads models/); folders whose names start with a dot (an
 * editor's, a notebook's) are not read.
 */
export function folderFiles(dir: string, folder: string): FolderFile[] {
  return filesUnder(dir, folder, MODEL_FILE)
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
}

/** The docs blocks (dbt's `{% docs %}`) of a folder's Markdown files, for its property files' descriptions. */
export function folderDocs(files: readonly FolderFile[]): Map<string, DocBlock> {
  return docBlocks(
    files.filter((f) => f.ext === '.md').map((f) => ({ file: f.rel, text: readFileSync(f.full, 'utf8') })),
  );
}

/** Adds `m` to the project's models; an id another file already defines is `PIPELINE_INVALID` naming both. */
export function addModel(models: Map<string, Model>, m: Model): void {
  const other = models.get(m.id);
  if (other) {
    throw new PipelineError('PIPELINE_INVALID', `${m.file}:1: ${m.id} is defined twice (also by ${other.file})`, {
      file: m.file,
      line: 1,
    });
  }
  models.set(m.id, m);
}

/** What a folder's property files give besides its models: sources, and seeds' and snapshots' entries. */
export interface FolderEntries {
  sources: ExternalTable[];
  exposures: Exposure[];
  seeds: PropertyEntry[];
  snapshots: PropertyEntry[];
}

/**
 * Loads a folder's models into `models` as `layer`'s: its property files first (they describe the SQL models read
 * after them), then its sources and SQL models, each with the project settings `settingsOf` gives it. A package's
 * folder (`pkg`) holds property files and SQL models only. A model id defined twice, or a property file describing a
 * model the folder lacks, is `PIPELINE_INVALID`.
 */
export function loadFolderModels(o: {
  files: readonly FolderFile[];
  layer: Layer;
  models: Map<string, Model>;
  macros: readonly MacroFile[];
  docs: Map<string, DocBlock>;
  genericTests: ReadonlySet<string>;
  settingsOf: (name: string, folders: readonly string[]) => Record<string, unknown>;
  /** Renders a property file's templated values (a source's `schema: "{{ var('…') }}"`). */
  render?: (text: string) => string;
  pkg?: string;
}): FolderEntries {
  const { files, layer, models, macros, pkg } = o;
  const yamlFile = (f: FolderFile) => f.ext === '.yml' || f.ext === '.yaml';
  const propertyFiles = files.flatMap((f) => {
    if (!yamlFile(f)) return [];
    const read = readPropertyFile(readFileSync(f.full, 'utf8'), f.rel, layer, o.docs, o.genericTests, o.render);
    return read ? [read] : [];
  });
  const described = layerProperties(propertyFiles);
  const isPropertyFile = new Set(propertyFiles.map((p) => p.file));
  for (const f of files) {
    const { full, rel, name, folders } = f;
    if (isPropertyFile.has(rel)) continue;
    let m: Model | undefined;
    if (yamlFile(f) && pkg === undefined) m = loadSource(full, rel, layer, name);
    else if (f.ext === '.sql') {
      m = loadDescribedSql(full, rel, layer, name, described.get(name), o.settingsOf(name, folders), macros, pkg);
    }
    if (!m) continue;
    if (folders.length) m.folders = folders;
    addModel(models, m);
  }
  const sqlFiles = files.filter((f) => f.ext === '.sql');
  checkDescribed(described, layer, new Set(sqlFiles.map((f) => f.name)), models);
  return {
    sources: propertyFiles.flatMap((f) => f.sources),
    exposures: propertyFiles.flatMap((f) => f.exposures),
    seeds: propertyFiles.flatMap((f) => f.seeds),
    snapshots: propertyFiles.flatMap((f) => f.snapshots),
  };
}
