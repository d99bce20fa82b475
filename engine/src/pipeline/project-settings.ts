import { LAYERS, PipelineError, type Layer } from './model.ts';
import { overSettings } from './model-config.ts';

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One level of rat.yaml's `models:`: its `+` settings, and the sub-folders or models it names, each a level. */
export interface SettingsLevel {
  settings: Raw;
  named: Map<string, SettingsLevel>;
}

/**
 * rat.yaml's `models:` (dbt_project.yml's): settings for every SQL model, for a layer's, for a folder's within a
 * layer (dbt's folder keys, any depth) or for one model, written with dbt's `+` before the setting's name
 * (`+materialized: incremental`), the rest naming a layer, then its sub-folders or models.
 */
export interface ProjectSettings {
  /** Settings (without their `+`) for every model. */
  all: Raw;
  layers: Map<Layer, SettingsLevel>;
  /** An installed package's models' settings (dbt's `models: { <package>: … }`), by the package's name. */
  packages: Map<string, SettingsLevel>;
}

/** Where project settings are written, for errors. */
export const PROJECT_SETTINGS_FILE = 'rat.yaml';

const fail = (path: string, why: string, file = PROJECT_SETTINGS_FILE): never => {
  throw new PipelineError('PIPELINE_INVALID', `${file}: models.${path}: ${why}`, { file, line: 0 });
};

/** A level's `+` settings, and its other keys (what it names) with their values. */
function split(v: unknown, path: string, file: string): { settings: Raw; named: [string, unknown][] } {
  if (!isRaw(v)) return fail(path, 'must be a mapping of +settings and names (a setting is written with a +)', file);
  const settings: Raw = {};
  const named: [string, unknown][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('+')) settings[k.slice(1)] = x;
    else named.push([k, x]);
  }
  return { settings, named };
}

/**
 * A level of `models:` and, below it, what it names; `file` is where it is written (rat.yaml, or a package's
 * dbt_project.yml for the settings it gives its own models).
 */
export function settingsLevel(v: unknown, path: string, file = PROJECT_SETTINGS_FILE): SettingsLevel {
  const { settings, named } = split(v, path, file);
  return { settings, named: new Map(named.map(([k, x]) => [k, settingsLevel(x, `${path}.${k}`, file)])) };
}

/**
 * Reads rat.yaml's `models:`; a name that is not a layer nor one of the installed `packages` is `PIPELINE_INVALID`
 * (what a level names is checked against the files by {@link checkSettingsNameModels}).
 *
 * @example projectSettings({ silver: { '+materialized': 'incremental', staging: { '+materialized': 'table' } } })
 */
export function projectSettings(raw: unknown, packages: readonly string[] = []): ProjectSettings {
  const out: ProjectSettings = { all: {}, layers: new Map(), packages: new Map() };
  if (raw === undefined || raw === null) return out;
  const top = split(raw, '', PROJECT_SETTINGS_FILE);
  out.all = top.settings;
  for (const [key, v] of top.named) {
    if (packages.includes(key)) out.packages.set(key, settingsLevel(v, key));
    else if ((LAYERS as readonly string[]).includes(key)) out.layers.set(key as Layer, settingsLevel(v, key));
    else {
      const what = `a layer (${LAYERS.join(', ')})${packages.length ? ` nor an installed package (${packages.join(', ')})` : ''}`;
      fail(key, `not ${what}; a setting is written with a + (+materialized: table)`);
    }
  }
  return out;
}

/** `out` with the settings of `level` and its folders' down to `name`'s own (the deeper over the shallower). */
function alongPath(out: Raw, level: SettingsLevel | undefined, name: string, folders: readonly string[]): Raw {
  let at = level;
  let merged = overSettings(out, at?.settings ?? {});
  for (const folder of folders) {
    at = at?.named.get(folder);
    merged = overSettings(merged, at?.settings ?? {});
  }
  return overSettings(merged, at?.named.get(name)?.settings ?? {});
}

/**
 * A model's project settings: its own over its folders' (the deeper over the shallower) over its layer's over every
 * model's, as dbt applies dbt_project.yml's by the model's path; tags add up.
 *
 * @example settingsFor(p, 'silver', 'stg_orders', ['staging'])
 */
export function settingsFor(p: ProjectSettings, layer: Layer, name: string, folders: readonly string[] = []): Raw {
  return alongPath(p.all, p.layers.get(layer), name, folders);
}

/**
 * A package's model's settings: rat.yaml's for it (under the package's name) over the package's own (its
 * dbt_project.yml's) over every model's, each along the model's folders, as dbt lets the root project configure a
 * package's models.
 *
 * @example packageSettingsFor(p, 'stripe', own, 'stg_stripe__charges', ['staging'])
 */
export function packageSettingsFor(
  p: ProjectSettings,
  pkg: string,
  own: SettingsLevel | undefined,
  name: string,
  folders: readonly string[] = [],
): Raw {
  return alongPath(alongPath(p.all, own, name, folders), p.packages.get(pkg), name, folders);
}

/** A SQL file of a layer (or a package): the sub-folders it is in and its model's name. */
export interface LayerFile {
  folders: readonly string[];
  name: string;
}

/**
 * Settings naming a folder or model a layer (or a package, `of`) does not have are a mistake (a typo would otherwise
 * apply to nothing): each name of its levels is a sub-folder holding SQL files, or a model of the folder above it.
 */
export function checkSettingsNameModels(p: ProjectSettings, of: string, files: readonly LayerFile[]): void {
  const known = new Set<string>();
  for (const f of files) {
    f.folders.forEach((_, i) => known.add(f.folders.slice(0, i + 1).join('/')));
    known.add([...f.folders, f.name].join('/'));
  }
  const walk = (at: SettingsLevel, above: string[]) => {
    for (const [name, below] of at.named) {
      const path = [...above, name];
      const rel = path.join('/');
      if (!known.has(rel)) {
        fail(`${of}.${path.join('.')}`, `${of} has no model or folder ${rel} (no ${of}/${rel}.sql, no ${of}/${rel}/)`);
      }
      walk(below, path);
    }
  };
  const top = p.layers.get(of as Layer) ?? p.packages.get(of);
  if (top) walk(top, []);
}
