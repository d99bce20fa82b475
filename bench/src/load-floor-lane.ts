import { BenchClient } from './http.ts';
import { IcebergRest } from './iceberg-lane.ts';
import { summarize } from './measure.ts';
import type { Recorder } from './report.ts';
import { startFloorServer } from './floor.ts';

export interface LoadFloorWorkload {
  /** Commits on the measured table before measuring (its metadata grows with each). */
  history: number;
  /** Rounds; each round times one loadTable, one parsed loadTable and one conditional loadTable, each after a floor GET. */
  rounds: number;
}

export const FULL_LOAD_FLOOR: LoadFloorWorkload = { history: 40, rounds: 3000 };
export const QUICK_LOAD_FLOOR: LoadFloorWorkload = { history: 40, rounds: 1000 };

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * loadTable against the empty-handler floor, interleaved request by request so that both see the same machine load
 * (the Iceberg lane measures them minutes apart). Each round: a GET of the floor's empty handler, a loadTable read as
 * bytes (the server's part), the same parsed as JSON (what a client pays), and a conditional load answered 304. Records
 * the p50s and their ratios to the floor; `catalogUrl` is a running catalog (file or S3 warehouse).
 */
export async function runLoadFloorLane(
  lane: string,
  system: string,
  catalogUrl: string,
  w: LoadFloorWorkload,
  rec: Recorder,
): Promise<void> {
  const floor = await startFloorServer();
  const floorClient = new BenchClient(floor.url);
  const cat = new IcebergRest({ system, baseUrl: `${catalogUrl}/iceberg` });
  try {
    await cat.init();
    const ns = `lf${Date.now().toString(36)}`;
    await cat.createNamespace(ns);
    const t = await cat.createTable(ns, 'hot');
    for (let i = 0; i < w.history; i++) await cat.commit(t, false);
    const first = await cat.client.send('GET', t.path);
    const etag = String(first.headers.etag);
    for (let i = 0; i < 300; i++) {
      await floorClient.send('GET', '/floor');
      await cat.client.send('GET', t.path);
    }
    const floorMs: number[] = [];
    const bytesMs: number[] = [];
    const parsedMs: number[] = [];
    const notModifiedMs: number[] = [];
    // Every request to the catalog follows one to the floor, so each server sits idle for one request of the other's
    // between its own: a server that waits longer wakes up slower, and with one floor request per three loads (as
    // this lane did until 2026-12-03) the floor read 10-15% slower than it is, in the catalog's favour.
    for (let i = 0; i < w.rounds; i++) {
      floorMs.push(await timed(() => floorClient.send('GET', '/floor')));
      bytesMs.push(await timed(() => cat.client.send('GET', t.path)));
      floorMs.push(await timed(() => floorClient.send('GET', '/floor')));
      parsedMs.push(await timed(() => cat.client.json('GET', t.path)));
      floorMs.push(await timed(() => floorClient.send('GET', '/floor')));
      notModifiedMs.push(await timed(() => cat.client.send('GET', t.path, undefined, { 'if-none-match': etag })));
    }
    const f = summarize(floorMs).p50;
    const add = (name: string, samples: number[]) => {
      const s = summarize(samples);
      rec.add({
        lane,
        name: `${name} p50`,
        system,
        value: s.p50,
        unit: 'ms',
        better: 'lower',
        detail: { p99ms: s.p99 },
      });
      rec.add({ lane, name: `${name} ÷ floor`, system, value: s.p50 / f, unit: '×', better: 'lower' });
    };
    rec.add({ lane, name: 'empty handler p50', system, value: f, unit: 'ms', better: 'lower' });
    add('loadTable', bytesMs);
    add('loadTable parsed', parsedMs);
    add('loadTable 304', notModifiedMs);
    rec.notes.push(`${lane} · ${system}: loadTable body ${first.text.length} bytes after ${w.history} commits`);
  } finally {
    floorClient.close();
    cat.client.close();
    floor.stop();
  }
}
