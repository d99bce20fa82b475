import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientCacheDir, findJavaHome, runChecked, withCacheLock } from '../../test/support/clients/index.ts';

export const ICEBERG_REFERENCE_VERSION = '1.11.0';

/**
 * The runtime classpath of Apache Iceberg's reference REST server (`RESTCatalogServer` in the `test-fixtures` jar of
 * `org.apache.iceberg:iceberg-open-api`). That jar's POM declares no dependencies (they live only in Iceberg's Gradle
 * build), so they are listed here: iceberg-core and its `tests` jar (RESTCatalogAdapter/RESTCatalogServlet), the
 * aws/gcp/azure modules (the adapter references their property classes, not their SDKs), hadoop-common for the
 * `Configuration` and the local-file FileIO (its Jetty 9 and logging excluded), Jetty 12.1 ee10 + compression,
 * sqlite-jdbc for the JDBC catalog, and slf4j-simple.
 */
const DEPENDENCIES: Array<{ g: string; a: string; v: string; classifier?: string; exclusions?: string[] }> = [
  { g: 'org.apache.iceberg', a: 'iceberg-open-api', v: ICEBERG_REFERENCE_VERSION, classifier: 'test-fixtures' },
  { g: 'org.apache.iceberg', a: 'iceberg-core', v: ICEBERG_REFERENCE_VERSION },
  { g: 'org.apache.iceberg', a: 'iceberg-core', v: ICEBERG_REFERENCE_VERSION, classifier: 'tests' },
  { g: 'org.apache.iceberg', a: 'iceberg-aws', v: ICEBERG_REFERENCE_VERSION },
  { g: 'org.apache.iceberg', a: 'iceberg-gcp', v: ICEBERG_REFERENCE_VERSION },
  { g: 'org.apache.iceberg', a: 'iceberg-azure', v: ICEBERG_REFERENCE_VERSION },
  { g: 'org.xerial', a: 'sqlite-jdbc', v: '3.53.4.0' },
  { g: 'org.eclipse.jetty.ee10', a: 'jetty-ee10-servlet', v: '12.1.14' },
  { g: 'org.eclipse.jetty.compression', a: 'jetty-compression-gzip', v: '12.1.14' },
  { g: 'org.eclipse.jetty.compression', a: 'jetty-compression-server', v: '12.1.14' },
  { g: 'org.slf4j', a: 'slf4j-simple', v: '2.0.17' },
  {
    g: 'org.apache.hadoop',
    a: 'hadoop-common',
    v: '3.4.1',
    exclusions: [
      'log4j:*',
      'org.slf4j:*',
      'ch.qos.reload4j:*',
      'org.apache.avro:avro',
      'com.google.protobuf:*',
      'org.apache.curator:*',
      'org.apache.zookeeper:*',
      'org.apache.kerby:*',
      'org.eclipse.jetty:*',
      'com.sun.jersey:*',
      'javax.servlet:*',
    ],
  },
];

function pom(): string {
  const deps = DEPENDENCIES.map((d) => {
    const ex = (d.exclusions ?? [])
      .map((e) => {
        const [g, a] = e.split(':');
        return `<exclusion><groupId>${g}</groupId><artifactId>${a}</artifactId></exclusion>`;
      })
      .join('');
    return (
      `<dependency><groupId>${d.g}</groupId><artifactId>${d.a}</artifactId><version>${d.v}</version>` +
      (d.classifier ? `<classifier>${d.classifier}</classifier>` : '') +
      (ex ? `<exclusions>${ex}</exclusions>` : '') +
      `</dependency>`
    );
  }).join('\n    ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ratatouille.bench</groupId>
  <artifactId>iceberg-rest-reference</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`;
}

/** Resolves (once, with Maven into the shared cache) the folder of jars the reference server runs from. */
export async function ensureReferenceClasspath(): Promise<string> {
  const dir = path.join(clientCacheDir(), `iceberg-rest-reference-${ICEBERG_REFERENCE_VERSION}`);
  const lib = path.join(dir, 'lib');
  if (existsSync(lib)) return lib;
  await withCacheLock(`iceberg-rest-reference-${ICEBERG_REFERENCE_VERSION}`, async () => {
    if (existsSync(lib)) return;
    mkdirSync(dir, { recursive: true });
    const staging = mkdtempSync(path.join(dir, '.staging-'));
    try {
      writeFileSync(path.join(staging, 'pom.xml'), pom());
      process.stderr.write(
        `[bench] resolving the Iceberg ${ICEBERG_REFERENCE_VERSION} reference REST server with Maven\n`,
      );
      await runChecked(
        'mvn',
        [
          '-B',
          '-q',
          `-Dmaven.repo.local=${path.join(clientCacheDir(), 'm2')}`,
          'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
          '-DoutputDirectory=lib',
          '-DincludeScope=runtime',
        ],
        { cwd: staging },
      );
      if (!readdirSync(path.join(staging, 'lib')).some((f) => f.startsWith('iceberg-open-api'))) {
        throw new Error('Maven did not copy the iceberg-open-api test-fixtures jar');
      }
      renameSync(path.join(staging, 'lib'), lib);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
  return lib;
}

export interface RunningReference {
  /** Base URL of the Iceberg REST API (no prefix: `<url>/v1/config`). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `org.apache.iceberg.rest.RESTCatalogServer` on a free port with a JDBC catalog on a SQLite *file* (durable,
 * like ours) and a local warehouse folder. Configured the way its `RCKUtils.environmentCatalogConfig` reads it:
 * `CATALOG_URI` → `uri`, `CATALOG_WAREHOUSE` → `warehouse`, `CATALOG_REST_PORT` → `rest.port` (0 = any free port;
 * Jetty logs the one it bound).
 */
export async function startReference(): Promise<RunningReference> {
  const lib = await ensureReferenceClasspath();
  const javaHome = await findJavaHome(17);
  const work = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-ref-'));
  const log = createWriteStream(path.join(work, 'server.log'));
  const child = spawn(
    path.join(javaHome, 'bin', 'java'),
    ['-Xmx512m', `-Djava.io.tmpdir=${work}`, '-cp', `${lib}/*`, 'org.apache.iceberg.rest.RESTCatalogServer'],
    {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CATALOG_URI: `jdbc:sqlite:file:${path.join(work, 'catalog.db')}`,
        CATALOG_WAREHOUSE: path.join(work, 'warehouse'),
        CATALOG_REST_PORT: '0',
        CATALOG_JDBC_SCHEMA__VERSION: 'V1',
      },
    },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let out = '';
  const onData = (b: Buffer) => {
    log.write(b);
    if (out.length < 100_000) out += b.toString('utf8');
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(kill, 10_000);
      await exited;
      clearTimeout(t);
    }
    process.removeListener('exit', kill);
    log.end();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const m = /ServerConnector@\w+\{HTTP\/1\.1[^}]*\}\{[^:}]*:(\d+)\}/.exec(out);
      if (m) {
        const url = `http://127.0.0.1:${m[1]}`;
        const res = await fetch(`${url}/v1/config`).catch(() => undefined);
        if (res?.ok) {
          await res.arrayBuffer();
          return { url, stop };
        }
      }
      if (child.exitCode !== null) throw new Error(`reference server exited: ${out.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`reference server did not start: ${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await stop();
    throw e;
  }
}
