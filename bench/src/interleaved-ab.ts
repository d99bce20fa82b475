import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess, type ServerProcess } from '../../test/support/server-process.ts';
import { IcebergRest, type TableState } from './iceberg-lane.ts';
import { cpuMsOf } from './servers.ts';
import { fmt } from './measure.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Server {
  checkout: string;
  revision: string;
  url: string;
  server: ServerProcess;
  dataDir: string;
  /** Microseconds of CPU the main thread and all threads have run. */
  cpu(): { main: number; all: number };
}

interface Burst {
  round: number;
  writers: number;
  /** Which server (its position on the command line): the same checkout may be given twice, for an A/A check. */
  server: number;
  checkout: string;
  commitsPerSecond: number;
  serverMainUs: number;
  serverAllUs: number;
}

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

async function startServer(checkout: string): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-ab-'));
  const server = await startServerProcess(
    ['--data-dir', dataDir],
    {},
    { bin: path.join(checkout, 'cli', 'bin', 'rat.js') },
  );
  // Microseconds, where the bench's figures are per run: a burst is a few hundred commits.
  const cpu = () => {
    const ms = cpuMsOf(server.child.pid) ?? { main: NaN, all: NaN };
    return { main: ms.main * 1000, all: ms.all * 1000 };
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', checkout, ...args])
      .toString()
      .trim();
  // A checkout with changes not committed is named as such: its revision alone would name another build.
  const revision =
    git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+changes' : '');
  return { checkout, revision, url: server.url, server, dataDir, cpu };
}

/** One burst of `commits` commits from `writers` writers, each on tables of its own. */
async function burst(cat: IcebergRest, tables: TableState[], writers: number, commits: number): Promise<void> {
  let left = commits;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const own = tables.filter((_, i) => i % writers === w);
      for (let k = 0; left-- > 0; k++) await cat.commit(own[k % own.length]!, false);
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Two builds of `rat serve` compared commit for commit: `npx tsx bench/src/interleaved-ab.ts <checkoutA> <checkoutB>
 * [--rounds=8] [--commits=300] [--writers=1,16]` (each checkout built with `npm run build:cli`). Both servers run side
 * by side, each on its own data folder, and take turns: every round sends each one burst of `commits` Iceberg commits
 * per writer count (one writer on one table; more writers on 30 tables, each its own), in alternating order.
 *
 * Why: this machine's CPU speed moves from run to run (two identical servers measured one after the other read up to
 * 28% apart), so before/after runs a minute apart compare the machine as much as the change. Bursts of a few hundred
 * commits, interleaved, put both builds through the same stretches. Prints each round's commits/s and the medians with
 * each server's CPU per commit (main thread and all threads, from Linux's per-thread `schedstat`), and saves them to
 * `bench/results/<time>-interleaved-ab.json` with the checkouts' revisions. On a slower disk: run it under
 * `strace -f -qq --seccomp-bpf -o /dev/null -e trace=fsync,fdatasync -e inject=fsync,fdatasync:delay_exit=<µs>`, as
 * `npm run bench -- --fsync-latency-ms` does.
 */
async function main(): Promise<void> {
  const checkouts = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (checkouts.length < 2) {
    throw new Error('usage: npx tsx bench/src/interleaved-ab.ts <checkoutA> <checkoutB> [--rounds=8] [--commits=300]');
  }
  const rounds = Number(option('rounds', '8'));
  const commits = Number(option('commits', '300'));
  const writerCounts = option('writers', '1,16').split(',').map(Number);
  const servers: Server[] = [];
  try {
    for (const c of checkouts) servers.push(await startServer(path.resolve(c)));
    for (const s of servers) {
      const cat = new IcebergRest({ system: s.checkout, baseUrl: `${s.url}/iceberg` } as never);
      await cat.init();
      await cat.createNamespace('ab');
      // The same warm-up for both: V8 compiles the commit path's functions during the first seconds of commits.
      const warm = await cat.createTable('ab', 'warm');
      for (const until = performance.now() + 3000; performance.now() < until;) await cat.commit(warm, false);
      cat.client.close();
    }
    // Table names only need to be new on each server: one counter serves both.
    let nextTable = 0;
    const bursts: Burst[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const writers of writerCounts) {
        for (const s of order) {
          // A client of its own for every burst: a keep-alive socket left idle through the other server's burst may be
          // closed by the server (5 s) just as it is reused, which would end the run with ECONNRESET.
          const cat = new IcebergRest({ system: s.checkout, baseUrl: `${s.url}/iceberg` } as never);
          // New tables for every burst, so that no table's metadata (and its commit's cost) grows round after round.
          const tables: TableState[] = [];
          for (let i = 0; i < (writers === 1 ? 1 : 30); i++) {
            tables.push(await cat.createTable('ab', `t${nextTable++}`));
          }
          const before = s.cpu();
          const started = performance.now();
          await burst(cat, tables, writers, commits);
          cat.client.close();
          const ms = performance.now() - started;
          const after = s.cpu();
          bursts.push({
            round,
            writers,
            server: servers.indexOf(s),
            checkout: s.checkout,
            commitsPerSecond: (commits * 1000) / ms,
            serverMainUs: (after.main - before.main) / commits,
            serverAllUs: (after.all - before.all) / commits,
          });
        }
      }
    }
    for (const writers of writerCounts) {
      for (const [i, s] of servers.entries()) {
        const mine = bursts.filter((b) => b.writers === writers && b.server === i);
        console.log(
          `${writers}w ${s.revision} ${s.checkout}: commits/s median ${fmt(median(mine.map((b) => b.commitsPerSecond)))}` +
            ` [${mine.map((b) => fmt(b.commitsPerSecond)).join(' ')}]` +
            ` serverMainUs ${fmt(median(mine.map((b) => b.serverMainUs)))} serverAllUs ${fmt(median(mine.map((b) => b.serverAllUs)))}`,
        );
      }
    }
    const outDir = path.join(HERE, '..', 'results');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-interleaved-ab.json`);
    const saved = {
      rounds,
      commits,
      writerCounts,
      servers: servers.map((s) => ({ checkout: s.checkout, revision: s.revision })),
      bursts,
    };
    writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
    console.log(`results: ${path.relative(process.cwd(), file)}`);
  } finally {
    for (const s of servers) {
      const { child } = s.server;
      if (child.exitCode !== null || child.signalCode !== null) {
        console.error(
          `${s.checkout}: rat serve stopped (${child.exitCode ?? child.signalCode}):\n${s.server.output()}`,
        );
      }
      await s.server.stop();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  }
}

await main();
