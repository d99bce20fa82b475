import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './model-config.ts';
import type { SourceModel } from './model.ts';

/** dbt's `seed-paths` default: CSV files a project keeps with its code (country codes, mappings). */
export const SEEDS_FOLDER = 'seeds';

/**
 * The project's seeds (dbt's): each `.csv` file under `seeds/` (sub-folders too) is a source of the bronze layer
 * named after the file (`seeds/country_codes.csv` → `bronze.country_codes`, read with `{{ ref('country_codes') }}`),
 * ingested by `rat run` with its columns' types detected, and ingested again, its rows replaced, when the file
 * changes — what `dbt seed` does on each change.
 *
 * @example loadSeeds('examples/shop', 'examples/shop') // [{ kind: 'source', id: 'bronze.country_codes', … }]
 */
export function loadSeeds(dir: string, pipelinesDir: string): SourceModel[] {
  const root = path.join(pipelinesDir, SEEDS_FOLDER);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort()
    .map((f) => {
      const rel = path.relative(dir, path.join(root, f)).split(path.sep).join('/');
      const name = path.basename(f, path.extname(f));
      return {
        kind: 'source',
        id: `bronze.${name}`,
        layer: 'bronze',
        name,
        file: rel,
        config: parseConfig({}, rel, 1, { materialized: 'incremental' }),
        refs: [],
        source: {
          path: rel,
          format: 'csv',
          options: {},
          columns: {},
          rename: {},
          onChange: 'reingest',
          rejects: 'fail',
        },
      };
    });
}
