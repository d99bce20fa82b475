import { appendCommit, APPEND_SCHEMA, newTableState, type AppendState } from '../../test/support/iceberg-appends.ts';
import { BenchClient } from './http.ts';
import { summarize, timeOnce } from './measure.ts';
import type { Recorder } from './report.ts';
import { startOurs } from './servers.ts';

export interface MergeWorkload {
  /** Tables both branches append to. */
  tables: number;
  /** Merges measured per kind. */
  reps: number;
}

export const FULL_MERGE: MergeWorkload = { tables: 100, reps: 5 };
export const QUICK_MERGE: MergeWorkload = { tables: 100, reps: 2 };

const NS = 'mb';

const key = (ref: string, table: string) => `${ref}\u0000${table}`;

/**
 * Content-aware merge over HTTP on our server: a branch that appended one snapshot to each of 100 tables merges into
 * a target that appended to the same 100 tables (every table replayed: manifest lists read and written, one metadata
 * file per table, one catalog commit), beside the plain merge of the same branch into a target that did not touch
 * them. Appends are real: a manifest and a manifest list per commit (the data files they name are never read).
 */
export async function runMergeLane(w: MergeWorkload, rec: Recorder): Promise<void> {
  const ours = await startOurs();
  const ice = new BenchClient(`${ours.url}/iceberg`);
  const api = new BenchClient(`${ours.url}/api/v2`);
  const state = new Map<string, AppendState>();
  const tables = Array.from({ length: w.tables }, (_, i) => `t${i}`);
  const head = async (ref: string) => (await api.json('GET', `/trees/${ref}`)).reference.hash as string;
  const branch = async (name: string) => {
    await api.json('POST', `/trees?name=${name}&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: await head('main'),
    });
    for (const t of tables) state.set(key(name, t), { ...state.get(key('main', t))! });
  };
  const appendAll = async (ref: string) => {
    for (const t of tables) await append(ice, ref, t, state.get(key(ref, t))!);
  };
  const merge = (from: string, into: string) =>
    (async () =>
      // rat-details: per-key outcomes, to check that every table was replayed.
      api.json('POST', `/trees/${into}@${await head(into)}/history/merge?rat-details=true`, {
        fromRefName: from,
        fromHash: await head(from),
      }))();
  try {
    await ice.json('POST', '/main/v1/namespaces', { namespace: [NS] });
    for (const t of tables) {
      const r = await ice.json('POST', `/main/v1/namespaces/${NS}/tables`, { name: t, schema: APPEND_SCHEMA });
      state.set(key('main', t), newTableState(r.metadata.location));
    }
    await appendAll('main');
    const plain: number[] = [];
    const replayed: number[] = [];
    for (let r = 0; r < w.reps; r++) {
      for (const b of [`src${r}`, `plain${r}`, `moved${r}`]) await branch(b);
      await appendAll(`src${r}`);
      await appendAll(`moved${r}`);
      plain.push((await timeOnce(() => merge(`src${r}`, `plain${r}`))).ms);
      const m = await timeOnce(() => merge(`src${r}`, `moved${r}`));
      const resolved = (m.value.details as Array<{ outcome?: string }>).filter((d) => d.outcome === 'RESOLVED');
      if (resolved.length !== w.tables) throw new Error(`expected ${w.tables} replayed tables, got ${resolved.length}`);
      replayed.push(m.ms);
    }
    const add = (name: string, samples: number[]) => {
      const s = summarize(samples);
      rec.add({ lane: 'merge', name, system: 'ours', value: s.p50, unit: 'ms', better: 'lower', detail: { n: s.n } });
    };
    add(`merge, ${w.tables} tables appended on the source only p50`, plain);
    add(`merge, ${w.tables} tables appended on both sides (replayed) p50`, replayed);
  } finally {
    ice.close();
    api.close();
    await ours.stop();
  }
}

/** One append as a writer does it: a manifest with one new data file, a manifest list, an `add-snapshot` commit. */
async function append(ice: BenchClient, ref: string, table: string, t: AppendState): Promise<void> {
  const { body, next } = appendCommit(t);
  await ice.json('POST', `/${ref}/v1/namespaces/${NS}/tables/${table}`, body);
  Object.assign(t, next);
}
