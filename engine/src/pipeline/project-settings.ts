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
}

/** Where project settings are written, for errors. */
export const PROJECT_SETTINGS_FILE = 'rat.yaml';

const fail = (path: string, why: string): never => {
  throw new PipelineError('PIPELINE_INVALID', `${PROJECT_SETTINGS_FILE}: models.${path}: ${why}`, {
    file: PROJECT_SETTINGS_FILE,
    line: 0,
  });
};

/** A level's `+` settings, and its other keys (what it names) with their values. */
function split(v: unknown, path: string): { settings: Raw; named: [string, unknown][] } {
  if (!isRaw(v)) return fail(path, 'must be a mapping of +settings and names (a setting is written with a +)');
  const settings: Raw = {};
  const named: [string, unknown][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('+')) settings[k.slice(1)] = x;
    else named.push([k, x]);
  }
  return { settings, named };
}

/** A level of `models:` and, below it, what it names. */
function level(v: unknown, path: string): SettingsLevel {
  const { settings, named } = split(v, path);
  return { settings, named: new Map(named.map(([k, x]) => [k, level(x, `${path}.${k}`)])) };
}

/**
 * Reads rat.yaml's `models:`; a name that is not a layer is `PIPELINE_INVALID` (what a layer's levels name is checked
 * against its files by {@link checkSettingsNameModels}).
 *
 * @example projectSettings({ silver: { '+materialized': 'incremental', staging: { '+materialized': 'table' } } })
 */
export function projectSettings(raw: unknown): ProjectSettings {
  const out: ProjectSettings = { all: {}, layers: new Map() };
  if (raw === undefined || raw === null) return out;
  const top = split(raw, '');
  out.all = top.settings;
  for (const [layer, v] of top.named) {
    if (!(LAYERS as readonly string[]).includes(layer)) {
      fail(layer, `not a layer (${LAYERS.join(', ')}); a setting is written with a + (+materialized: table)`);
    }
    out.layers.set(layer as Layer, level(v, layer));
  }
  return out;
}

/**
 * A model's project settings: its own over its folders' (the deeper over the shallower) over its layer's over every
 * model's, as dbt applies dbt_project.yml's by the model's path; tags add up.
 *
 * @example settingsFor(p, 'silver', 'stg_orders', ['staging'])
 */
export function settingsFor(p: ProjectSettings, layer: Layer, name: string, folders: readonly string[] = []): Raw {
  let at = p.layers.get(layer);
  let out = overSettings(p.all, at?.settings ?? {});
  for (const folder of folders) {
    at = at?.named.get(folder);
    out = overSettings(out, at?.settings ?? {});
  }
  return overSettings(out, at?.named.get(name)?.settings ?? {});
}

/** A SQL file of a layer: the sub-folders it is in and its model's name. */
export interface LayerFile {
  folders: readonly string[];
  name: string;
}

/**
 * Settings naming a folder or model the layer does not have are a mistake (a typo would otherwise apply to nothing):
 * each name of a layer's levels is a sub-folder holding SQL files, or a model of the folder above it.
 */
export function checkSettingsNameModels(p: ProjectSettings, layer: Layer, files: readonly LayerFile[]): void {
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
        fail(
          `${layer}.${path.join('.')}`,
          `${layer} has no model or folder ${rel} (no ${layer}/${rel}.sql, no ${layer}/${rel}/)`,
        );
      }
      walk(below, path);
    }
  };
  const top = p.layers.get(layer);
  if (top) walk(top, []);
}
