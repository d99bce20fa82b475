import { InvalidProjectConfigError } from '../errors/index.ts';
import type { ProjectConfig } from '../types.ts';
import { defaultProjectConfig } from './default-project-config.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a parsed `rat.yaml` / `.rat.json` document and fills in defaults. Pure: the caller did the reading.
 * Unknown keys are rejected so that a typo (`onBranchDelte`) is not silently ignored.
 *
 * @example parseProjectConfig({ catalog: { url: 'http://localhost:8181' }, branches: { prefix: 'data/' } }, 'rat.yaml')
 */
export function parseProjectConfig(doc: unknown, file: string): ProjectConfig {
  const cfg = defaultProjectConfig();
  if (doc === null || doc === undefined) return cfg;
  if (!isObject(doc)) throw new InvalidProjectConfigError(file, 'the top level must be a mapping');
  const fail = (reason: string): never => {
    throw new InvalidProjectConfigError(file, reason);
  };
  const str = (v: unknown, field: string): string => (typeof v === 'string' ? v : fail(`"${field}" must be a string`));
  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case 'catalog': {
        if (typeof value === 'string') cfg.catalogUrl = value;
        else if (isObject(value)) {
          for (const k of Object.keys(value)) if (k !== 'url') fail(`unknown field "catalog.${k}"`);
          if (value['url'] !== undefined) cfg.catalogUrl = str(value['url'], 'catalog.url');
        } else fail('"catalog" must be a URL or a mapping with "url"');
        break;
      }
      case 'branches': {
        if (!isObject(value)) fail('"branches" must be a mapping');
        const b = value as Json;
        for (const [k, v] of Object.entries(b)) {
          if (k === 'prefix') cfg.branches.prefix = v === null ? '' : str(v, 'branches.prefix');
          else if (k === 'default') cfg.defaultDataBranch = str(v, 'branches.default');
          else if (k === 'map') {
            if (v === null) continue;
            if (!isObject(v)) fail('"branches.map" must be a mapping of code branch to data branch');
            for (const [code, data] of Object.entries(v as Json))
              cfg.branches.map[code] = str(data, `branches.map.${code}`);
          } else if (k === 'unprefixed') {
            if (!Array.isArray(v)) fail('"branches.unprefixed" must be a list of branch names');
            cfg.branches.unprefixed = (v as unknown[]).map((x, i) => str(x, `branches.unprefixed[${i}]`));
          } else fail(`unknown field "branches.${k}"`);
        }
        break;
      }
      case 'pipelines':
        cfg.pipelinesDir = str(value, 'pipelines');
        break;
      case 'onBranchDelete':
        if (value !== 'delete' && value !== 'archive') fail('"onBranchDelete" must be "delete" or "archive"');
        cfg.onBranchDelete = value as ProjectConfig['onBranchDelete'];
        break;
      case 'on_existing':
      case 'onExisting':
        if (value !== 'reuse' && value !== 'reset' && value !== 'fail')
          fail('"on_existing" must be "reuse", "reset" or "fail"');
        cfg.onExisting = value as ProjectConfig['onExisting'];
        break;
      case 'runs': {
        if (!isObject(value)) fail('"runs" must be a mapping');
        for (const [k, v] of Object.entries(value as Json)) {
          if (k !== 'keepFailed') fail(`unknown field "runs.${k}"`);
          // The same ages as `rat runs clean --older-than`; the CLI turns it into milliseconds.
          const age = String(v);
          if (!/^(0|\d+(\.\d+)?[smhdw])$/.test(age)) fail(`"runs.keepFailed" must be an age such as 14d, 12h or 0`);
          cfg.keepFailedRuns = age;
        }
        break;
      }
      case 'archivePrefix':
        cfg.archivePrefix = str(value, 'archivePrefix');
        break;
      default:
        fail(`unknown field "${key}"`);
    }
  }
  if (!/^https?:\/\//.test(cfg.catalogUrl)) fail(`"catalog.url" must be an http(s) URL, got "${cfg.catalogUrl}"`);
  cfg.catalogUrl = cfg.catalogUrl.replace(/\/+$/, '');
  if (!cfg.branches.unprefixed.includes(cfg.defaultDataBranch) && !cfg.branches.map[cfg.defaultDataBranch]) {
    cfg.branches.unprefixed.push(cfg.defaultDataBranch);
  }
  return cfg;
}
