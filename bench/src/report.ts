import { fmt } from './measure.ts';

/** One measured number. `better` says which way is good, so ratios can always be printed as "ours is N× better". */
export interface Figure {
  lane: string;
  name: string;
  system: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  /** Extra detail (retries, p99, n, …) kept in the JSON. */
  detail?: Record<string, number | string>;
}

export interface Skipped {
  lane: string;
  system: string;
  reason: string;
}

/** Collects every figure of a run, prints lanes as tables and serializes the whole run to JSON. */
export class Recorder {
  readonly figures: Figure[] = [];
  readonly skipped: Skipped[] = [];
  readonly notes: string[] = [];

  add(f: Figure): void {
    this.figures.push(f);
    const extra = f.detail
      ? ' ' +
        Object.entries(f.detail)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
          .join(' ')
      : '';
    log(`  ${f.lane} · ${f.name} · ${f.system}: ${fmt(f.value)} ${f.unit}${extra}`);
  }

  skip(lane: string, system: string, reason: string): void {
    const short = reason.split('\n')[0].slice(0, 300);
    this.skipped.push({ lane, system, reason: short });
    log(`  SKIPPED ${lane} · ${system}: ${short}`);
  }

  get(lane: string, name: string, system: string): number | undefined {
    return this.figures.find((f) => f.lane === lane && f.name === name && f.system === system)?.value;
  }

  /** Prints one table per lane: a row per figure name, a column per system, then "ours vs X" ratio columns. */
  printTables(ours: (lane: string) => string | undefined): void {
    const lanes = [...new Set(this.figures.map((f) => f.lane))];
    for (const lane of lanes) {
      const rows = this.figures.filter((f) => f.lane === lane);
      const systems = [...new Set(rows.map((f) => f.system))];
      const names = [...new Set(rows.map((f) => f.name))];
      const base = ours(lane);
      const others = base && systems.includes(base) ? systems.filter((s) => s !== base) : [];
      const header = ['', ...systems, ...others.map((o) => `${base} vs ${o}`)];
      const body = names.map((name) => {
        const unit = rows.find((r) => r.name === name)?.unit ?? '';
        const cells = systems.map((s) => {
          const v = rows.find((r) => r.name === name && r.system === s)?.value;
          return v === undefined ? '–' : fmt(v);
        });
        const ratios = others.map((o) => {
          const f = rows.find((r) => r.name === name && r.system === base);
          const g = rows.find((r) => r.name === name && r.system === o);
          if (!f || !g) return '–';
          return `${fmt(f.better === 'higher' ? f.value / g.value : g.value / f.value)}×`;
        });
        return [`${name} (${unit})`, ...cells, ...ratios];
      });
      const table = [header, ...body];
      const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
      log('');
      log(`== ${lane}${others.length ? '  (ratios > 1: ours is better)' : ''}`);
      for (const [i, r] of table.entries()) {
        log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
        if (i === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
      }
    }
    if (this.skipped.length) {
      log('');
      log('== skipped');
      for (const s of this.skipped) log(`${s.lane} · ${s.system}: ${s.reason}`);
    }
  }
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
