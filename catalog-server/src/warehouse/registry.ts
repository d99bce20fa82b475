import { existsSync, readFileSync } from 'node:fs';
import { BadRequestError } from '../errors/index.ts';
import type { S3Options } from './s3-config.ts';
import type { WarehouseIO } from './warehouse-io.ts';
import { LocationPolicy } from './location-policy.ts';

/** One named warehouse: its root URI and, for `s3://`, its own storage settings (else the AWS env applies). */
export interface WarehouseConfig {
  uri: string;
  s3?: S3Options;
  /**
   * Roots besides `uri` where clients may place tables, views and namespaces of this warehouse (Polaris and
   * Lakekeeper call them allowed locations). The catalog reads, writes and deletes nowhere else.
   */
  allowedLocations?: string[];
}

/** Named warehouses, as given in `RAT_WAREHOUSES`: a URI string or a {@link WarehouseConfig} per name. */
export type WarehousesConfig = Record<string, string | WarehouseConfig>;

/** The name of the warehouse `--warehouse` / `RAT_WAREHOUSE` configures, used when a request names none. */
export const DEFAULT_WAREHOUSE_NAME = 'default';

const S3_KEYS: Record<keyof S3Options, 'string' | 'boolean' | 'number'> = {
  endpoint: 'string',
  region: 'string',
  pathStyle: 'boolean',
  accessKeyId: 'string',
  secretAccessKey: 'string',
  sessionToken: 'string',
  clientEndpoint: 'string',
  clientCredentials: 'string',
  conditionalWrites: 'string',
  maxAttempts: 'number',
  connectionTimeoutMs: 'number',
  stsRoleArn: 'string',
  stsDurationSeconds: 'number',
  stsEndpoint: 'string',
  stsRegion: 'string',
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkEntry(name: string, entry: unknown): WarehouseConfig {
  if (!NAME.test(name)) {
    throw new BadRequestError(`Warehouse name "${name}" must be 1-64 letters, digits, ".", "_" or "-".`, { name });
  }
  if (typeof entry === 'string') return { uri: entry };
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new BadRequestError(`Warehouse "${name}" must be a URI string or {"uri": …, "s3": {…}}.`, { name });
  }
  const { uri, s3, allowedLocations, ...rest } = entry as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new BadRequestError(`Warehouse "${name}" has unknown settings: ${Object.keys(rest).join(', ')}.`, { name });
  }
  if (typeof uri !== 'string' || uri === '') {
    throw new BadRequestError(`Warehouse "${name}" needs a "uri" such as s3://bucket/prefix.`, { name });
  }
  if (
    allowedLocations !== undefined &&
    (!Array.isArray(allowedLocations) || allowedLocations.some((l) => typeof l !== 'string' || l === ''))
  ) {
    throw new BadRequestError(`Warehouse "${name}": "allowedLocations" must be a list of URIs.`, { name });
  }
  const allowed = allowedLocations === undefined ? {} : { allowedLocations: allowedLocations as string[] };
  if (s3 === undefined) return { uri, ...allowed };
  if (typeof s3 !== 'object' || s3 === null || Array.isArray(s3)) {
    throw new BadRequestError(`Warehouse "${name}": "s3" must be an object.`, { name });
  }
  for (const [k, v] of Object.entries(s3)) {
    const want = S3_KEYS[k as keyof S3Options];
    if (!want) {
      throw new BadRequestError(
        `Warehouse "${name}": unknown s3 setting "${k}"; known: ${Object.keys(S3_KEYS).join(', ')}.`,
        { name, setting: k },
      );
    }
    if (typeof v !== want) {
      throw new BadRequestError(`Warehouse "${name}": s3.${k} must be a ${want}.`, { name, setting: k });
    }
  }
  return { uri, s3: s3 as S3Options, ...allowed };
}

/**
 * Reads the `RAT_WAREHOUSES` value: inline JSON (starts with `{`) or the path of a JSON file, mapping names to a URI
 * or to `{ "uri", "s3": { endpoint, region, pathStyle, accessKeyId, secretAccessKey, clientEndpoint,
 * clientCredentials, … } }`.
 *
 * @example parseWarehousesConfig('{"raw": "s3://landing/raw", "lake": {"uri": "s3://lake/wh", "s3": {"region": "eu-west-1"}}}')
 */
export function parseWarehousesConfig(value: string | WarehousesConfig): Record<string, WarehouseConfig> {
  let raw: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    let json = text;
    if (!text.startsWith('{')) {
      if (!existsSync(text)) {
        throw new BadRequestError(`Warehouses config "${text}" is neither inline JSON nor an existing file.`, {
          path: text,
        });
      }
      json = readFileSync(text, 'utf8');
    }
    try {
      raw = JSON.parse(json);
    } catch (err) {
      // The text may hold keys, and newer engines quote it in parse errors: report the position only.
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      throw new BadRequestError(`Warehouses config is not valid JSON${at ? ` (at character ${at})` : ''}.`);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BadRequestError('Warehouses config must be a JSON object mapping names to warehouses.');
  }
  return Object.fromEntries(Object.entries(raw).map(([name, entry]) => [name, checkEntry(name, entry)]));
}

export interface WarehouseRegistry {
  /** The warehouse used when a request names none. */
  warehouse: WarehouseIO;
  /** Every warehouse by name, the default one included under {@link DEFAULT_WAREHOUSE_NAME}. */
  warehouses: Map<string, WarehouseIO>;
  /** Where locations may lie: every warehouse root and its allowed locations. */
  locations: LocationPolicy;
}

/**
 * Builds every configured warehouse. `defaultUri` (from `--warehouse`) is the default one; a `default` entry in
 * `extra` may take its place when `defaultUri` is not given, and naming both is refused as ambiguous.
 *
 * @example buildWarehouses({ defaultUri: 'file:///data/wh', extra: process.env.RAT_WAREHOUSES }, createWarehouseIO)
 */
export function buildWarehouses(
  opts: {
    defaultUri?: string;
    fallbackUri: string;
    extra?: string | WarehousesConfig;
    /** Allowed locations of the default warehouse (`--allowed-locations`). */
    defaultAllowed?: string[];
  },
  create: (config: WarehouseConfig) => WarehouseIO,
): WarehouseRegistry {
  const extra = opts.extra === undefined || opts.extra === '' ? {} : parseWarehousesConfig(opts.extra);
  const fromExtra = extra[DEFAULT_WAREHOUSE_NAME];
  if (fromExtra && opts.defaultUri !== undefined) {
    throw new BadRequestError(
      `The default warehouse is given twice (--warehouse and a "${DEFAULT_WAREHOUSE_NAME}" entry in the warehouses ` +
        `config). Keep one.`,
    );
  }
  const base = fromExtra ?? { uri: opts.defaultUri ?? opts.fallbackUri };
  const defaultConfig = opts.defaultAllowed?.length
    ? { ...base, allowedLocations: [...(base.allowedLocations ?? []), ...opts.defaultAllowed] }
    : base;
  const warehouses = new Map<string, WarehouseIO>();
  const warehouse = create(defaultConfig);
  warehouses.set(DEFAULT_WAREHOUSE_NAME, warehouse);
  const policy: Array<{ io: WarehouseIO; allowed?: string[] }> = [
    { io: warehouse, allowed: defaultConfig.allowedLocations },
  ];
  for (const [name, config] of Object.entries(extra)) {
    if (name === DEFAULT_WAREHOUSE_NAME) continue;
    const io = create(config);
    warehouses.set(name, io);
    policy.push({ io, allowed: config.allowedLocations });
  }
  let locations: LocationPolicy;
  try {
    locations = new LocationPolicy(policy);
  } catch (err) {
    throw new BadRequestError(`An allowed location is not a usable URI: ${(err as Error).message}.`);
  }
  return { warehouse, warehouses, locations };
}
