import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from './server.ts';
import { runRat } from './rat-cli.ts';
import { TEST_GIT_IDENTITY } from './git-repo.ts';

/** A small pipeline project in a temporary folder beside a test server, for the enclosing `describe`. */
export interface EventsProject {
  server: TestServer;
  dir: string;
  /** Writes `text` to `file` (relative to the project, folders created). */
  write(file: string, text: string): void;
  /** `rat <args> --server <the test server>` in the project's folder. */
  rat(...args: string[]): ReturnType<typeof runRat>;
  /** `git <args>` in the project's folder, as a test identity; its output. */
  git(...args: string[]): string;
}

/**
 * A real server on port 0 and a project whose source `bronze.events` ingests `landing/*.csv` (`id BIGINT, amount
 * DOUBLE, ts TIMESTAMP`) from the rows given, one CSV; the test adds its models. Removed after the `describe`.
 *
 * @example const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n'); … p.write('silver/events.sql', 'SELECT …')
 */
export function useEventsProject(rows: string): EventsProject {
  const p = {
    write(file: string, text: string) {
      mkdirSync(path.dirname(path.join(p.dir, file)), { recursive: true });
      writeFileSync(path.join(p.dir, file), text);
    },
    rat: (...args: string[]) => runRat(p.dir, [...args, '--server', p.server.url]),
    git: (...args: string[]) =>
      execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, ...TEST_GIT_IDENTITY } }),
  } as EventsProject;
  before(async () => {
    p.server = await startTestServer();
    p.dir = mkdtempSync(path.join(os.tmpdir(), 'rat-events-'));
    p.write(
      'bronze/events.yml',
      'source:\n  path: landing/*.csv\n  format: csv\ncolumns:\n  id: BIGINT\n  amount: DOUBLE\n  ts: TIMESTAMP\n',
    );
    p.write('landing/a.csv', `id,amount,ts\n${rows}`);
  });
  after(async () => {
    await p.server?.stop();
    if (p.dir) rmSync(p.dir, { recursive: true, force: true });
  });
  return p;
}
