import { spawnSync } from 'node:child_process';
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { NESSIE_VERSION, findJava21 } from '../../test/support/nessie.ts';
import { ICEBERG_REFERENCE_VERSION } from './reference-server.ts';

function javaVersion(bin: string): string {
  // `java -version` writes to stderr.
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  return (r.stderr || r.stdout || String(r.error ?? '')).split('\n')[0];
}

/**
 * The machine a bench run measured on and the versions of what it compared, written beside every figure.
 *
 * @example log(`${machine().cpus} cpus`)
 */
export function machine() {
  const db = new BetterSqlite3(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  let java21 = 'not found';
  try {
    java21 = javaVersion(findJava21());
  } catch {
    // reported as not found
  }
  return {
    host: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    loadAvgAtStart: os.loadavg(),
    versions: {
      node: process.version,
      sqlite,
      nessie: NESSIE_VERSION,
      icebergReference: ICEBERG_REFERENCE_VERSION,
      javaDefault: javaVersion('java'),
      javaForNessie: java21,
    },
  };
}

/** What `machine()` reports. */
export type MachineInfo = ReturnType<typeof machine>;
