import { LAYERS, PipelineError, type Layer } from './model.ts';

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * rat.yaml's `models:` (dbt_project.yml's): settings for every SQL model, for a layer's, or for one model, written
 * with dbt's `+` before the setting's name (`+materialized: incremental`), the rest naming a layer, then a model.
 */
export interface ProjectSettings {
  /** Settings (without their `+`) for every model, by layer, and by model within a layer. */
  all: Raw;
  layers: Map<Layer, { settings: Raw; models: Map<string, Raw> }>;
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
  if (!isRaw(v)) return fail(path, 'must be a mapping of +settings and names');
  const settings: Raw = {};
  const named: [string, unknown][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('+')) settings[k.slice(1)] = x;
    else named.push([k, x]);
  }
  return { settings, named };
}

/**
 * Reads rat.yaml's `models:`; a name that is not a layer, or settings nested below a model, is `PIPELINE_INVALID`.
 *
 * @example projectSettings({ silver: { '+materialized': 'incremental', orders: { '+unique_key': 'id' } } })
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
    const level = split(v, layer);
    const models = new Map<string, Raw>();
    for (const [name, m] of level.named) {
      const model = split(m, `${layer}.${name}`);
      if (model.named.length) {
        fail(`${layer}.${name}.${model.named[0]![0]}`, 'a model takes +settings only (+materialized: table)');
      }
      models.set(name, model.settings);
    }
    out.layers.set(layer as Layer, { settings: level.settings, models });
  }
  return out;
}

/** A model's project settings: its own over its layer's over every model's. */
export function settingsFor(p: ProjectSettings, layer: Layer, name: string): Raw {
  const l = p.layers.get(layer);
  return { ...p.all, ...l?.settings, ...l?.models.get(name) };
}

/** Settings for a model the layer has no SQL file for are a mistake (a typo would otherwise apply to nothing). */
export function checkSettingsNameModels(p: ProjectSettings, layer: Layer, sqlFiles: Set<string>): void {
  for (const name of p.layers.get(layer)?.models.keys() ?? []) {
    if (!sqlFiles.has(name)) fail(`${layer}.${name}`, `${layer} has no model ${name} (no ${layer}/${name}.sql)`);
  }
}
