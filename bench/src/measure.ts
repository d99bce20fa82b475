/** Timing helpers shared by every lane. All times are milliseconds from `performance.now()`. */

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), mean };
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Runs `fn` `n` times one after another and returns the latency summary (after `warmup` unmeasured calls). */
export async function latencies(n: number, fn: (i: number) => Promise<unknown>, warmup = 0): Promise<LatencySummary> {
  // Warm-up calls get indices after the measured ones, so callers can use `i` for unique names.
  for (let i = 0; i < warmup; i++) await fn(n + i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

/** Times one call. */
export async function timeOnce<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export interface ThroughputResult {
  /** Successful operations per second over the whole run. */
  perSecond: number;
  ok: number;
  /** Attempts that lost a race and were retried (409 / CommitFailed). */
  retries: number;
  ms: number;
  latency: LatencySummary;
}

/**
 * Runs `writers` concurrent loops while `more()` says there is work left (a fixed amount of work, so every server
 * ends in the same state); each loop calls `op(writer, i)` which resolves to the number of retries it needed for one
 * successful operation (negative: abandoned, not counted). Returns successful operations per second.
 */
export async function throughput(
  writers: number,
  more: () => boolean,
  op: (writer: number, i: number) => Promise<number>,
): Promise<ThroughputResult> {
  const start = performance.now();
  let ok = 0;
  let retries = 0;
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; more(); i++) {
        const t = performance.now();
        const r = await op(w, i);
        if (r < 0) continue;
        retries += r;
        samples.push(performance.now() - t);
        ok++;
      }
    }),
  );
  const ms = performance.now() - start;
  return { perSecond: (ok * 1000) / ms, ok, retries, ms, latency: summarize(samples) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Formats a number for the terminal table: 3 significant digits, thousands grouped. */
export function fmt(x: number | undefined | null, digits = 3): string {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return '∞';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs === 0) return '0';
  return Number(x.toPrecision(digits)).toString();
}
