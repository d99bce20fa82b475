/**
 * Installers and locators for the real Iceberg clients the conformance tests drive. Everything is pinned and
 * cached under `$RAT_CACHE_DIR` (default `~/.cache/ratatouille`); the first call installs, later calls are instant.
 *
 * @example
 * const { python } = await ensurePythonVenv();
 * const jar = await ensureIcebergSparkRuntime();
 */
export { clientCacheDir, withCacheLock } from './cache.ts';
export { runProcess, runChecked, trackProcessGroup, type RunResult, type RunOptions } from './proc.ts';
export { freePort } from '../free-port.ts';
export {
  ensurePythonVenv,
  runClientScript,
  CLIENT_SCRIPTS_DIR,
  REQUIREMENTS_FILE,
  type PythonVenv,
  type ClientStep,
  type ClientRunResult,
} from './python.ts';
export { ensureMavenArtifact, ensureIcebergSparkRuntime, ICEBERG_SPARK_RUNTIME } from './maven.ts';
export { findJavaHome } from './java.ts';
export { duckdbExtensionPath, DUCKDB_VERSION } from './duckdb.ts';
export { stepValue, stepRaised } from './steps.ts';
export { sparkClientSetup, type SparkClientSetup } from './spark.ts';
export { loadIcebergJsSnippet, snippetPath, DOC_CATALOG_URI } from './iceberg-js.ts';
export { startRecordingProxy, type RecordingProxy, type RecordedExchange } from './recording-proxy.ts';
export { useClientSession, type ClientSession } from './client-session.ts';
export { runMavenTests, parseSurefireReports, type MavenTestCase, type MavenTestRun } from './maven-project.ts';
export {
  ensureTrinoServer,
  startTrino,
  trinoQuery,
  trinoCatalogSnippet,
  TrinoQueryError,
  TRINO_VERSION,
  type TrinoServer,
  type TrinoResult,
  type StartTrinoOptions,
} from './trino.ts';
export {
  ensureFlinkClasspath,
  startFlink,
  flinkSnippetStatements,
  flinkVersions,
  FlinkSqlError,
  FLINK_PROJECT,
  type FlinkSession,
  type FlinkResult,
  type FlinkMode,
} from './flink.ts';
