import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the Apache Iceberg REST OpenAPI spec is read from: `RAT_ICEBERG_SPEC`, then the shared specs folder beside
 * the repository (`../shared/specs/`), then the workplace's shared folder (CI clones the repo elsewhere on the same
 * machine). The spec is not vendored into the repository.
 */
export const ICEBERG_SPEC_CANDIDATES: string[] = [
  process.env['RAT_ICEBERG_SPEC'],
  path.resolve(repoRoot, '../shared/specs/iceberg-rest-catalog-open-api.yaml'),
  '/work/shared/specs/iceberg-rest-catalog-open-api.yaml',
].filter((p): p is string => !!p);

/** The first candidate that exists, or throws naming every place it looked. */
export function icebergSpecPath(): string {
  const found = ICEBERG_SPEC_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`Iceberg REST OpenAPI spec not found; looked at: ${ICEBERG_SPEC_CANDIDATES.join(', ')}`);
  }
  return found;
}
