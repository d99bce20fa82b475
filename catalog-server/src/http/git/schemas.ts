/** Zod schemas of the code-link endpoints (`/api/v2/git/links`). */
import { z } from 'zod';
import { paging } from '../management/schemas.ts';

const dataHash = z.string().regex(/^[0-9a-fA-F]{8,64}$/, { message: 'a data commit hash (hex)' });

export const gitSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, { message: 'a git commit sha (hex)' });

export const linkBody = z.object({
  dataRef: z.string().min(1),
  dataHash,
  codeBranch: z.string().min(1).optional(),
});

/** `dataHash` and Nessie-style paging (`max-records`, `page-token`), as the other listings take it. */
export const linksQuery = z.object({ dataHash, ...paging });

/** A recorded link, as the endpoints answer it. */
export const codeLink = z.object({
  sha: z.string(),
  dataRef: z.string(),
  dataHash: z.string(),
  codeBranch: z.string().nullish(),
  recordedAt: z.string(),
});

export const pendingQuery = z.object({ target: z.string().min(1).optional() });
export const clearQuery = z.object({ target: z.string().min(1) });
export const pendingId = z.string().regex(/^[0-9a-f]{8,64}$/, { message: 'a pending merge id (hex)' });

/** A forge merge waiting for `rat sync`, as `GET /git/pending-merges` answers it. */
export const pendingMerge = z.object({
  id: z.string(),
  sourceRef: z.string(),
  targetRef: z.string(),
  sourceHash: z.string(),
  sourceBranch: z.string(),
  targetBranch: z.string(),
  mergeSha: z.string().optional(),
  forge: z.string(),
  request: z.number().optional(),
  state: z.enum(['rebuild', 'conflict']),
  tables: z.array(z.string()),
  blocking: z.array(z.string()),
  mergedHash: z.string().optional(),
  recordedAt: z.string(),
});
