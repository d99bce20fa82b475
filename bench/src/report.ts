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

/** Per lane, the [ours, theirs] system pairs that get a ratio column ("ours vs theirs", > 1 = ours is better). */
export type RatioPairs = Record<string, Array<[string, string]>>;

/** The comparisons every report prints: like for like (file warehouse vs file, S3 vs S3). */
export const RATIO_PAIRS: RatioPairs = {
  iceberg: [
    ['ours', 'reference'],
    ['ours (auth)', 'ours'],
    ['ours (s3)', 'nessie-rocksdb'],
    ['ours (s3)', 'nessie-mem'],
  ],
  'api-v2': [
    ['ours', 'nessie-rocksdb'],
    ['ours', 'nessie-mem'],
  ],
  group: [['group commit', 'one tx per commit']],
  planning: [['ours', 'ours, 64 MB manifest cache']],
};

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
  printTables(pairs: RatioPairs): void {
    for (const { lane, ratios, table } of this.tables(pairs)) {
      const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
      log('');
      log(`== ${lane}${ratios ? '  (ratios > 1: ours is better)' : ''}`);
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

  /** The same tables as Markdown, for docs/performance.md. */
  markdown(pairs: RatioPairs): string {
    const out: string[] = [];
    for (const { lane, ratios, table } of this.tables(pairs)) {
      out.push(`### ${lane}${ratios ? ' (ratios > 1: ours is better)' : ''}`, '');
      out.push(`| ${table[0].join(' | ')} |`, `|${table[0].map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
      for (const r of table.slice(1)) out.push(`| ${r.join(' | ')} |`);
      out.push('');
    }
    if (this.skipped.length) {
      out.push('Skipped:', '');
      for (const s of this.skipped) out.push(`- ${s.lane} · ${s.system}: ${s.reason}`);
      out.push('');
    }
    return out.join('\n');
  }

  private tables(pairs: RatioPairs): Array<{ lane: string; ratios: boolean; table: string[][] }> {
    const lanes = [...new Set(this.figures.map((f) => f.lane))];
    const result: Array<{ lane: string; ratios: boolean; table: string[][] }> = [];
    for (const lane of lanes) {
      const rows = this.figures.filter((f) => f.lane === lane);
      const systems = [...new Set(rows.map((f) => f.system))];
      const names = [...new Set(rows.map((f) => f.name))];
      const present = (pairs[lane] ?? []).filter(([a, b]) => systems.includes(a) && systems.includes(b));
      const header = ['', ...systems, ...present.map(([a, b]) => `${a} vs ${b}`)];
      const body = names.map((name) => {
        const unit = rows.find((r) => r.name === name)?.unit ?? '';
        const cells = systems.map((s) => {
          const v = rows.find((r) => r.name === name && r.system === s)?.value;
          return v === undefined ? '–' : fmt(v);
        });
        const ratios = present.map(([a, b]) => {
          const f = rows.find((r) => r.name === name && r.system === a);
          const g = rows.find((r) => r.name === name && r.system === b);
          if (!f || !g) return '–';
          return `${fmt(f.better === 'higher' ? f.value / g.value : g.value / f.value)}×`;
        });
        return [`${name} (${unit})`, ...cells, ...ratios];
      });
      result.push({ lane, ratios: present.length > 0, table: [header, ...body] });
    }
    return result;
  }
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
