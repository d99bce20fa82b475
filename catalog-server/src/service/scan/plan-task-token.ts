import { z } from 'zod';
import { parseJson, stringifyJson } from '@ratatouille/iceberg';

/**
 * One unit of a planned scan that the client fetches with `POST …/tasks`: one data manifest of one snapshot, and the
 * scan's options, so that any replica answers it without state kept since planning. It names files, so the tasks
 * endpoint trusts none of it: the metadata file must be the table's (current or in its metadata log), the snapshot in
 * it, and the manifest in that snapshot's manifest list (fetch-scan-tasks.ts).
 */
export interface PlanTask {
  /** The table metadata file the scan was planned on. */
  metadataLocation: string;
  /** Exact decimal id of the snapshot whose manifest list holds the manifest. */
  snapshotId: string;
  manifestPath: string;
  /** Only the manifest's entries `[start, end)` (a large manifest is split over several tasks); all without it. */
  entries?: readonly [number, number] | undefined;
  /** Incremental append scans: only the entries this snapshot added, and no deletes. */
  addedOnly: boolean;
  /** The request's filter as sent (expression JSON), or undefined for none. */
  filter: unknown;
  caseSensitive: boolean;
  /** The schema the plan bound the filter and names to. */
  schemaId: number;
  /** Columns whose stats the tasks carry (the request's `stats-fields`). */
  statsFields: string[] | undefined;
}

const shape = z.object({
  v: z.literal(1),
  m: z.string().min(1),
  s: z.string().regex(/^-?\d+$/),
  p: z.string().min(1),
  r: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  a: z.boolean(),
  f: z.unknown().optional(),
  c: z.boolean(),
  i: z.number().int(),
  x: z.array(z.string()).optional(),
});

/** @example encodePlanTask(task) // 'eyJ2IjoxLCJtIjoi…' */
export function encodePlanTask(t: PlanTask): string {
  const body = {
    v: 1,
    m: t.metadataLocation,
    s: t.snapshotId,
    p: t.manifestPath,
    ...(t.entries ? { r: t.entries } : {}),
    a: t.addedOnly,
    ...(t.filter === undefined ? {} : { f: t.filter }),
    c: t.caseSensitive,
    i: t.schemaId,
    ...(t.statsFields ? { x: t.statsFields } : {}),
  };
  return Buffer.from(stringifyJson(body)).toString('base64url');
}

/** The task, or undefined for a string this server did not make (the caller answers NoSuchPlanTask). */
export function decodePlanTask(token: string): PlanTask | undefined {
  let parsed: unknown;
  try {
    parsed = parseJson(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const r = shape.safeParse(parsed);
  if (!r.success) return undefined;
  const d = r.data;
  return {
    metadataLocation: d.m,
    snapshotId: d.s,
    manifestPath: d.p,
    entries: d.r,
    addedOnly: d.a,
    filter: d.f,
    caseSensitive: d.c,
    schemaId: d.i,
    statsFields: d.x,
  };
}
