/**
 * Where an engine step's time goes, for the engine benchmark's `--phases` mode: every SQL statement the engine runs
 * and every catalog request it makes are timed and summed by kind; what is left of the step's wall time is the
 * engine's own work in Node (hashing landing files, manifests and manifest lists, file moves). Used by
 * throughput-child.ts; the engine itself carries no timing code.
 *
 * @example const t = new PhaseTimer(); const sql = t.sql(runner); const catalog = t.catalog(client); … t.summary(totalMs)
 */
import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { SqlRunner } from '@ratatouille/engine';

export interface Phase {
  phase: string;
  ms: number;
  calls: number;
}

/** The kind of an engine statement, from its text (the engine's statements have few shapes). */
export function statementKind(kind: 'exec' | 'query' | 'describe', text: string): string {
  if (kind === 'describe') return 'sql: DESCRIBE (result columns)';
  if (/^COPY\b/i.test(text)) {
    const target = /\) TO '([^']+)'/.exec(text)?.[1] ?? '';
    // Table folders are `<namespace>/<name>-<uuid>/data/…`.
    const m = /([^/]+)\/([^/]+?)(?:-[0-9a-f]{32})?\/data(?:\/|$)/.exec(target);
    const table = m ? `${m[1]}.${m[2]}` : 'other';
    return `sql: COPY → Parquet with stats (${table})`;
  }
  if (/hash\(__rat_row\)/.test(text)) return 'sql: content fingerprint';
  if (/count\(\*\) AS total/.test(text)) return 'sql: per-file row and reject counts';
  if (/ingest_files/.test(text) && /^SELECT/i.test(text)) return 'sql: registry read';
  if (/^CREATE (OR REPLACE )?(VIEW|SCHEMA)|^CREATE SCHEMA/i.test(text)) return 'sql: views over inputs';
  return 'sql: other';
}

export class PhaseTimer {
  private readonly spent = new Map<string, Phase>();

  private add(phase: string, ms: number): void {
    const p = this.spent.get(phase) ?? { phase, ms: 0, calls: 0 };
    p.ms += ms;
    p.calls++;
    this.spent.set(phase, p);
  }

  private async timed<T>(phase: string, f: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await f();
    } finally {
      this.add(phase, performance.now() - t);
    }
  }

  /** A runner that times every statement of `inner`. */
  sql(inner: SqlRunner): SqlRunner {
    return {
      exec: (s) => this.timed(statementKind('exec', s), () => inner.exec(s)),
      query: (s) => this.timed(statementKind('query', s), () => inner.query(s)),
      describe: (s) => this.timed(statementKind('describe', s), () => inner.describe(s)),
      close: () => inner.close(),
    };
  }

  /** The catalog client with each public call timed (calls it makes to itself count once, under the outer call). */
  catalog(inner: IcebergRestClient): IcebergRestClient {
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function' || typeof prop !== 'string') return v;
        return (...args: unknown[]) => {
          const t = performance.now();
          const r = (v as (...a: unknown[]) => unknown).apply(target, args);
          // Only asynchronous calls are requests; synchronous helpers pass through untimed.
          return r instanceof Promise ? r.finally(() => this.add(`catalog: ${prop}`, performance.now() - t)) : r;
        };
      },
    });
  }

  /** Phases by time, with the rest of `totalMs` as the engine's own work in Node. */
  summary(totalMs: number): Phase[] {
    const list = [...this.spent.values()].sort((a, b) => b.ms - a.ms);
    const timed = list.reduce((a, p) => a + p.ms, 0);
    return [...list, { phase: 'node: the rest (hashing, manifests, files)', ms: totalMs - timed, calls: 0 }];
  }
}
