import { z } from 'zod';
import { BadRequestError } from '../../errors/index.ts';

/** Where the next page of a preview starts: the snapshot the first page read, and how many live rows came before. */
export interface PreviewPosition {
  /** Exact decimal snapshot id: every page reads the same snapshot, even if the table moved on meanwhile. */
  snapshotId: string;
  /** Live rows (deletes applied) already returned. */
  offset: number;
}

const position = z.object({ s: z.string().regex(/^-?\d+$/), o: z.number().int().min(0) });

/** @example encodePreviewToken({ snapshotId: '42', offset: 500 }) // 'eyJzIjoiNDIiLCJvIjo1MDB9' */
export function encodePreviewToken(p: PreviewPosition): string {
  return Buffer.from(JSON.stringify({ s: p.snapshotId, o: p.offset })).toString('base64url');
}

/** 400 for a token this server did not make. */
export function decodePreviewToken(token: string): PreviewPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = position.safeParse(parsed);
  if (!p.success) throw new BadRequestError('Invalid preview page token: pass the nextPageToken of a previous page.');
  return { snapshotId: p.data.s, offset: p.data.o };
}
