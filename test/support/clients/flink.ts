import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { clientCacheDir, withCacheLock } from './cache.ts';
import { DOC_CATALOG_URI, snippetPath } from './iceberg-js.ts';
import { findJavaHome } from './java.ts';
import { runChecked, trackProcessGroup } from './proc.ts';

/** The Maven project whose dependencies are Flink and Iceberg's Flink connector, and the shell that runs on them. */
export const FLINK_PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'java', 'flink');
const SHELL_SOURCE = path.join(
  FLINK_PROJECT,
  'src',
  'main',
  'java',
  'dev',
  'ratatouille',
  'flink',
  'FlinkSqlShell.java',
);

/** The versions pinned in test/java/flink/pom.xml (the one place they are set). */
export function flinkVersions(): { flink: string; icebergRuntime: string; iceberg: string } {
  const pom = readFileSync(path.join(FLINK_PROJECT, 'pom.xml'), 'utf8');
  const prop = (name: string) => {
    const m = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(pom);
    if (!m) throw new Error(`test/java/flink/pom.xml has no <${name}>`);
    return m[1];
  };
  return {
    flink: prop('flink.version'),
    icebergRuntime: prop('iceberg.flink.runtime'),
    iceberg: prop('iceberg.version'),
  };
}

/**
 * Flink on Java 17 reflects into java.base (Kryo serializes Iceberg's data files, whose bounds are ByteBuffers; the
 * MiniCluster's RPC and memory code): the opens Flink's own launch scripts pass.
 */
const JAVA_OPENS = [
  'java.base/java.lang',
  'java.base/java.lang.reflect',
  'java.base/java.io',
  'java.base/java.net',
  'java.base/java.nio',
  'java.base/sun.nio.ch',
  'java.base/java.text',
  'java.base/java.time',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/java.util.concurrent.locks',
].map((p) => `--add-opens=${p}=ALL-UNNAMED`);

let resolving: Promise<string[]> | undefined;

/**
 * The jars of test/java/flink/pom.xml (Flink's table API, planner and runtime, Iceberg's Flink runtime, Hadoop's
 * client), resolved once with `mvn dependency:build-classpath` into the client cache's Maven repository. The list is
 * cached per version of the pom; a later run whose jars are all still there resolves nothing. A failed resolution
 * throws with Maven's output: no Flink means a failed test, not a skipped one.
 *
 * @example const jars = await ensureFlinkClasspath(); // ['/root/.cache/ratatouille/m2/org/apache/flink/…', …]
 */
export function ensureFlinkClasspath(): Promise<string[]> {
  resolving ??= (async () => {
    const pom = readFileSync(path.join(FLINK_PROJECT, 'pom.xml'));
    const hash = createHash('sha256').update(pom).digest('hex').slice(0, 16);
    const listFile = path.join(clientCacheDir(), 'maven-resolved', `flink-classpath-${hash}.txt`);
    const cached = () => {
      if (!existsSync(listFile)) return undefined;
      const jars = readFileSync(listFile, 'utf8').trim().split(path.delimiter);
      return jars.length > 0 && jars.every((j) => existsSync(j)) ? jars : undefined;
    };
    const hit = cached();
    if (hit) return hit;
    await withCacheLock(`maven-flink-classpath-${hash}`, async () => {
      if (cached()) return;
      mkdirSync(path.dirname(listFile), { recursive: true });
      const staging = `${listFile}.${process.pid}.tmp`;
      process.stderr.write(
        `[rat clients] resolving Flink ${flinkVersions().flink} and its Iceberg connector with Maven\n`,
      );
      try {
        await runChecked(
          'mvn',
          [
            '-B',
            '-q',
            `-Dmaven.repo.local=${path.join(clientCacheDir(), 'm2')}`,
            'dependency:build-classpath',
            `-Dmdep.outputFile=${staging}`,
          ],
          { cwd: FLINK_PROJECT, killAfterMs: 20 * 60_000 },
        );
        renameSync(staging, listFile);
      } finally {
        rmSync(staging, { force: true });
      }
    });
    const jars = cached();
    if (!jars) throw new Error(`mvn dependency:build-classpath in ${FLINK_PROJECT} left no complete classpath`);
    return jars;
  })();
  resolving.catch(() => {
    resolving = undefined;
  });
  return resolving;
}

/** A failed Flink statement: the exception and its causes, outermost first, as the JVM reported them. */
export class FlinkSqlError extends Error {
  constructor(
    readonly sql: string,
    readonly causes: string[],
  ) {
    super(`${causes.join('\n  caused by: ')}\n  in: ${sql}`);
    this.name = 'FlinkSqlError';
  }
}

export interface FlinkResult {
  columns: string[];
  /** Rows as JSON: integers beyond 2^53 and non-numeric values (decimals, dates) as their SQL text. */
  rows: unknown[][];
  /** Each row's change kind (`+I`, `-U`, `+U`, `-D`); a batch query's are all `+I`. */
  kinds: string[];
  /** Milliseconds Flink took, job included. */
  ms: number;
}

export type FlinkMode = 'batch' | 'streaming';

export interface FlinkSession {
  /** Runs one statement in the batch or streaming table environment; an INSERT answers when its job finished. */
  sql(mode: FlinkMode, statement: string): Promise<FlinkResult>;
  /** The tail of the JVM's stderr (Flink's and Iceberg's logs), for failure messages. */
  output(): string;
  /** Closes stdin and waits for the JVM, killing it after a grace period; removes its temp folder. */
  stop(): Promise<void>;
}

/**
 * Starts an embedded Flink: one JVM (Java 17 to 21) running test/java/flink's FlinkSqlShell with Java's source
 * launcher on {@link ensureFlinkClasspath}'s jars. One MiniCluster inside that JVM runs every job, with
 * parallelism 1; the streaming environment checkpoints every `checkpointInterval` (Iceberg's sink commits once per
 * checkpoint) and does not restart a failed job. Statements run one at a time, in the order given.
 *
 * @example const flink = await startFlink(); await flink.sql('batch', "CREATE CATALOG rat WITH (…)"); await flink.stop();
 */
export async function startFlink(
  opts: { checkpointInterval?: string; statementTimeoutMs?: number } = {},
): Promise<FlinkSession> {
  const [jars, javaHome] = await Promise.all([ensureFlinkClasspath(), findJavaHome(17, 21)]);
  const work = mkdtempSync(path.join(os.tmpdir(), 'rat-flink-'));
  const child = spawn(
    path.join(javaHome, 'bin', 'java'),
    [
      '-Xmx1g',
      ...JAVA_OPENS,
      `-Djava.io.tmpdir=${work}`,
      `-Drat.flink.checkpoint=${opts.checkpointInterval ?? '1s'}`,
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      jars.join(path.delimiter),
      SHELL_SOURCE,
    ],
    { cwd: work, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const untrack = trackProcessGroup(child.pid!, () => rmSync(work, { recursive: true, force: true }));
  // RAT_CLIENT_ECHO=1 shows Flink's log and each statement's time live, as it does for the Python clients.
  const echo = process.env.RAT_CLIENT_ECHO === '1';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-40_000);
    if (echo) process.stderr.write(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // Answers arrive in order, one line each; everything else on stdout is noise.
  const waiting: Array<{ resolve: (a: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('@@rat ')) return;
    waiting.shift()?.resolve(JSON.parse(line.slice('@@rat '.length)) as Record<string, unknown>);
  });
  void exited.then(() => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the Flink JVM exited:\n${stderr.slice(-4000)}`));
  });
  const next = (timeoutMs: number, what: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Flink did not answer ${what} within ${timeoutMs} ms:\n${stderr.slice(-4000)}`)),
        timeoutMs,
      );
      waiting.push({
        resolve: (a) => (clearTimeout(timer), resolve(a)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });

  const stop = async () => {
    child.stdin.end();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 20_000);
    await exited;
    clearTimeout(timer);
    untrack();
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await next(180_000, 'its start');
  } catch (err) {
    await stop();
    throw err;
  }

  let queue: Promise<unknown> = Promise.resolve();
  const sql = (mode: FlinkMode, statement: string): Promise<FlinkResult> => {
    // The shell reads one statement per line.
    const line = statement.replace(/\s+/g, ' ').trim();
    const run = queue.then(async () => {
      const answer = next(opts.statementTimeoutMs ?? 300_000, line);
      child.stdin.write(`${mode} ${line}\n`);
      const a = await answer;
      if (echo) process.stderr.write(`[flink] ${String(a.ms ?? '-')} ms ${mode} ${line.slice(0, 120)}\n`);
      if (a.ok !== true) throw new FlinkSqlError(line, (a.causes as string[] | undefined) ?? [String(a.error)]);
      return { columns: a.columns, rows: a.rows, kinds: a.kinds, ms: a.ms } as FlinkResult;
    });
    queue = run.catch(() => undefined);
    return run;
  };
  return { sql, output: () => stderr, stop };
}

/**
 * The statements of the documented Flink snippet (`test/clients/snippets/flink.sql`, shown verbatim in
 * docs/clients.md) pointed at `catalogUri`, and with the catalog named `catalogName` instead of `rat` when given.
 * Comment lines are dropped; statements end with `;` at the end of a line.
 *
 * @example flinkSnippetStatements(`${url}/iceberg/main`) // ["CREATE CATALOG rat WITH (…)", "USE CATALOG rat", …]
 */
export function flinkSnippetStatements(catalogUri: string, catalogName = 'rat'): string[] {
  const src = readFileSync(snippetPath('flink.sql'), 'utf8');
  if (!src.includes(DOC_CATALOG_URI)) throw new Error(`flink.sql does not use ${DOC_CATALOG_URI}`);
  const body = src
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .replace(/\brat\b/g, catalogName)
    .replaceAll(DOC_CATALOG_URI, catalogUri);
  return body
    .split(/;\s*$/m)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}
