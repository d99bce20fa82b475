import { existsSync, mkdirSync, renameSync, rmSync, mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { clientCacheDir, withCacheLock } from './cache.ts';
import { runChecked } from './proc.ts';

/** Version of maven-dependency-plugin used to copy artifacts (pinned so runs are reproducible). */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** The Iceberg Spark runtime used by the Spark conformance tests. */
export const ICEBERG_SPARK_RUNTIME = 'org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.11.0';

/**
 * Fetches one Maven artifact (no transitive dependencies) into `$RAT_CACHE_DIR/jars/` with `mvn dependency:copy`
 * and returns the file's path; later calls return the cached file at once. `coords` is
 * `group:artifact:version` or `group:artifact:version:packaging`; `classifier` selects e.g. `runner`.
 * Maven's own repository lives in `$RAT_CACHE_DIR/m2` so nothing outside the cache is touched.
 *
 * @example const jar = await ensureMavenArtifact('org.projectnessie.nessie:nessie-quarkus:0.99.0', 'runner');
 */
export async function ensureMavenArtifact(coords: string, classifier?: string): Promise<string> {
  const parts = coords.split(':');
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => p === '')) {
    throw new Error(`Maven coordinates must be group:artifact:version[:packaging], got "${coords}"`);
  }
  const [group, artifact, version, packaging = 'jar'] = parts;
  const fileName = `${artifact}-${version}${classifier ? `-${classifier}` : ''}.${packaging}`;
  const jarsDir = path.join(clientCacheDir(), 'jars');
  const target = path.join(jarsDir, fileName);
  if (existsSync(target)) return target;
  mkdirSync(jarsDir, { recursive: true });
  await withCacheLock(`maven-${fileName}`, async () => {
    if (existsSync(target)) return;
    const staging = mkdtempSync(path.join(jarsDir, '.staging-'));
    try {
      process.stderr.write(`[rat clients] fetching ${coords}${classifier ? ` (${classifier})` : ''} with Maven\n`);
      const artifactArg = [group, artifact, version, packaging, ...(classifier ? [classifier] : [])].join(':');
      await runChecked('mvn', [
        '-B',
        '-q',
        `-Dmaven.repo.local=${path.join(clientCacheDir(), 'm2')}`,
        `${DEPENDENCY_PLUGIN}:copy`,
        `-Dartifact=${artifactArg}`,
        `-DoutputDirectory=${staging}`,
        '-Dmdep.overWriteReleases=true',
      ]);
      const produced = readdirSync(staging);
      if (!produced.includes(fileName)) {
        throw new Error(`mvn dependency:copy of ${coords} produced ${JSON.stringify(produced)}, not ${fileName}`);
      }
      renameSync(path.join(staging, fileName), target);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
  return target;
}

/** Path of the cached `iceberg-spark-runtime-4.1_2.13-1.11.0.jar`, fetched on first use. */
export function ensureIcebergSparkRuntime(): Promise<string> {
  return ensureMavenArtifact(ICEBERG_SPARK_RUNTIME);
}
