import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clientCacheDir, withCacheLock } from './cache.ts';
import { runProcess } from './proc.ts';

/** One test case of a surefire report. */
export interface MavenTestCase {
  className: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Failure or error message (whitespace collapsed), for the test's failure output. */
  message?: string;
}

export interface MavenTestRun {
  cases: MavenTestCase[];
  passed: number;
  failed: number;
  skipped: number;
  /** Maven's own output tail, for diagnosing a build that did not get to run the tests. */
  outputTail: string;
}

const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

/**
 * Reads surefire's `TEST-*.xml` reports: every `<testcase>` with its outcome.
 *
 * @example parseSurefireReports('/tmp/build/surefire-reports').filter((c) => c.status === 'failed')
 */
export function parseSurefireReports(dir: string): MavenTestCase[] {
  if (!existsSync(dir)) return [];
  const cases: MavenTestCase[] = [];
  for (const file of readdirSync(dir).filter((f) => /^TEST-.*\.xml$/.test(f))) {
    const xml = readFileSync(path.join(dir, file), 'utf8');
    const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
    for (let m = re.exec(xml); m; m = re.exec(xml)) {
      const attr = (k: string) => unescapeXml(new RegExp(`\\b${k}="([^"]*)"`).exec(m![1])?.[1] ?? '');
      const body = m[3] ?? '';
      const problem = /<(failure|error)\b([^>]*)/.exec(body);
      const status = problem ? 'failed' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
      const message = problem ? unescapeXml(/\bmessage="([^"]*)"/.exec(problem[2])?.[1] ?? problem[1]) : undefined;
      cases.push({
        className: attr('classname'),
        name: attr('name'),
        status,
        message: message?.replace(/\s+/g, ' ').trim().slice(0, 600),
      });
    }
  }
  return cases;
}

/**
 * Runs `mvn test` on a project under `test/` and returns its surefire results. Maven's repository is the client
 * cache's `m2/`; the first run resolves online (under a lock, once per version of the pom), later runs are offline.
 * The build output goes to `buildDir` (a temp folder), so the source tree stays clean. Test failures are results,
 * not errors: the pom sets `testFailureIgnore`.
 *
 * @example const run = await runMavenTests('test/java/catalog-suites', { 'rat.url': server.url }, tmp);
 */
export async function runMavenTests(
  projectDir: string,
  properties: Record<string, string>,
  buildDir: string,
  opts: { javaHome?: string; killAfterMs?: number } = {},
): Promise<MavenTestRun> {
  const pom = readFileSync(path.join(projectDir, 'pom.xml'));
  const marker = path.join(
    clientCacheDir(),
    'maven-resolved',
    `${path.basename(projectDir)}-${createHash('sha256').update(pom).digest('hex').slice(0, 16)}`,
  );
  const args = (offline: boolean) => [
    '-B',
    ...(offline ? ['-o'] : []),
    `-Dmaven.repo.local=${path.join(clientCacheDir(), 'm2')}`,
    `-Drat.build.dir=${buildDir}`,
    ...Object.entries(properties).map(([k, v]) => `-D${k}=${v}`),
    'test',
  ];
  const env = opts.javaHome ? { ...process.env, JAVA_HOME: opts.javaHome } : process.env;
  const run = (offline: boolean) =>
    runProcess('mvn', args(offline), { cwd: projectDir, env, killAfterMs: opts.killAfterMs ?? 900_000 });
  let result = existsSync(marker) ? await run(true) : undefined;
  if (!result || result.code !== 0) {
    // Not resolved yet (or the local repository lost an artifact since): resolve online once.
    // Serialized so that parallel runs do not download the same artifacts twice.
    result = await withCacheLock(`maven-${path.basename(marker)}`, async () => {
      const r = await run(false);
      if (r.code === 0) {
        mkdirSync(path.dirname(marker), { recursive: true });
        writeFileSync(marker, new Date().toISOString());
      }
      return r;
    });
  }
  const outputTail = (result.stdout + '\n' + result.stderr).split('\n').slice(-60).join('\n');
  if (result.code !== 0) throw new Error(`mvn test in ${projectDir} exited with ${result.code}:\n${outputTail}`);
  const cases = parseSurefireReports(path.join(buildDir, 'surefire-reports'));
  const count = (s: MavenTestCase['status']) => cases.filter((c) => c.status === s).length;
  return { cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), outputTail };
}
