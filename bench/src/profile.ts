import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by function, biggest first. */
  functions: Array<{ name: string; ms: number; pct: number }>;
  /** Self time by coarse area (sqlite, fs/fsync, JSON, express, hashing, idle, …). */
  areas: Array<{ area: string; ms: number; pct: number }>;
}

function area(f: ProfileNode['callFrame']): string {
  const u = f.url;
  const n = f.functionName;
  if (n === '(idle)') return 'idle (waiting on IO)';
  if (n === '(garbage collector)') return 'garbage collection';
  if (n === '(program)') return 'V8/native (program)';
  if (/better-sqlite3/.test(u) || (/^(run|get|all|exec|prepare|iterate)$/.test(n) && u === ''))
    return 'SQLite (better-sqlite3, incl. fsync)';
  if (/node:internal\/fs|fsync|writeFile|node:fs/.test(u) || /fsync|writeFile|open|close|rename/.test(n))
    return 'file IO';
  if (/stringify|parse/i.test(n) && (u === '' || /JSON/.test(u))) return 'JSON parse/stringify';
  if (/zod/.test(u)) return 'zod validation';
  if (/express|router|body-parser|raw-body|finalhandler|send/.test(u)) return 'express/HTTP framework';
  if (/node:_http|node:net|node:internal\/http|node:internal\/stream|node:stream/.test(u)) return 'node http/streams';
  if (/hash|digest|createHash/i.test(n) || /node:internal\/crypto|node:crypto/.test(u)) return 'hashing (sha256)';
  if (/aws-sdk|@smithy/.test(u)) return 'AWS SDK (S3)';
  if (/catalog-server\/src\/store/.test(u)) return 'store (trie, commits)';
  if (/catalog-server\/src|iceberg\/src/.test(u)) return 'catalog/iceberg code';
  if (/tsx|esbuild|node:internal\/modules/.test(u) || n === 'link') return 'module loading (startup)';
  if (n === 'writev' || n === 'fstat') return 'writev/fstat (socket and file writes)';
  return u.startsWith('node:') ? 'node internals (other)' : 'other JS';
}

/** Summarizes the main thread's `.cpuprofile` in `dir` (written by `node --cpu-prof`): self time by function and by area. */
export function summarizeProfile(dir: string, top = 30): ProfileSummary | undefined {
  // One file per thread (the WAL checkpointer's worker; tsx's module loader when rat runs its sources): the main
  // thread's is the biggest.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files.length) return undefined;
  const file = files[0];
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const ar = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${f.lineNumber + 1}` : 'native';
    const name = `${f.functionName || '(anonymous)'} ${where}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const a = area(f);
    ar.set(a, (ar.get(a) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ k, ms: us / 1000, pct: (100 * us) / (total || 1) }));
  return {
    file,
    totalMs: total / 1000,
    functions: rows(fn)
      .slice(0, top)
      .map((r) => ({ name: r.k, ms: r.ms, pct: r.pct })),
    areas: rows(ar).map((r) => ({ area: r.k, ms: r.ms, pct: r.pct })),
  };
}
