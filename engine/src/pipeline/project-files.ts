import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A file under one of a project's folders (`macros/`, `seeds/`, `snapshots/`, `tests/`). */
export interface ProjectFile {
  /** Its path on disk. */
  full: string;
  /** Its name relative to the project folder, with `/`: what errors and `state:modified` name it by. */
  rel: string;
}

/**
 * The files under `folder` (sub-folders too, as dbt reads its folders) whose names match `ext`, in a stable order;
 * none when the folder is missing.
 *
 * @example filesUnder('examples/cafe', 'examples/cafe/seeds', /\.csv$/i) // [{ full: …, rel: 'seeds/raw_customers.csv' }, …]
 */
export function filesUnder(dir: string, folder: string, ext: RegExp): ProjectFile[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => {
      const full = path.join(folder, f);
      return { full, rel: path.relative(dir, full).split(path.sep).join('/') };
    });
}
