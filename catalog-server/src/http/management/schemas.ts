/**
 * Zod schemas for every request body and query of `/api/v2`, with Nessie's JSON field names and query parameter
 * names (`max-records`, `page-token`, `prefix-key`, ...). Each parsed value is what the handler passes on.
 */
import { z } from 'zod';
import { assertValidContentKey, parseContentKey } from '../../service/management/content-key.ts';
import type { ContentKey } from '../../store/types.ts';
import { storedInt64 } from '../../service/int64.ts';
import { assertKeyWithinLimits, assertPropertiesWithinLimits } from '../../limits.ts';

/** Runs a limits.ts check inside zod, so a value over a limit is a 400 naming the field like any other. */
function limitIssue(ctx: z.RefinementCtx, check: () => void, path: PropertyKey[] = []): void {
  try {
    check();
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message, path });
  }
}

const contentKey = z.object({ elements: z.array(z.string()) }).transform((k, ctx): ContentKey => {
  try {
    assertValidContentKey(k);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
  return { elements: k.elements };
});

/** A key as it appears in a query string: Nessie's path encoding (see content-key.ts). */
const keyParam = z.string().transform((s, ctx): ContentKey => {
  try {
    return parseContentKey(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** Query values may repeat (`key=a&key=b`); one value arrives as a string. */
const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/**
 * A Java `long` (Iceberg snapshot and view version ids: random 63-bit numbers, nearly all above 2^53), read from the
 * body with the lossless JSON reader (a bigint beyond 2^53) and kept exact in the store (service/int64.ts): Iceberg's
 * NessieCatalog sets a table's current snapshot from it.
 */
export const int64 = z
  .union([z.number().int({ message: 'must be an integer' }), z.bigint()])
  .transform(storedInt64)
  .meta({ type: 'integer', format: 'int64' });
const referenceType = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.enum(['BRANCH', 'TAG'], { message: "Reference type must be either 'branch' or 'tag'" }),
);

/** Refuses a field of Nessie's older inline-SQL UDFs. */
const inlineUdfSql = z
  .never({ message: 'A UDF is stored as an Iceberg UDF metadata file: send its metadataLocation.' })
  .optional();

export const contentInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('NAMESPACE'),
    id: z.string().nullish(),
    elements: z.array(z.string()).nullish(),
    properties: z
      .record(z.string(), z.string())
      .nullish()
      .superRefine((p, ctx) => limitIssue(ctx, () => assertPropertiesWithinLimits(p))),
  }),
  z.object({
    type: z.literal('ICEBERG_TABLE'),
    id: z.string().nullish(),
    metadataLocation: z.string().min(1),
    snapshotId: int64,
    schemaId: z.number().int(),
    specId: z.number().int(),
    sortOrderId: z.number().int(),
  }),
  z.object({
    type: z.literal('ICEBERG_VIEW'),
    id: z.string().nullish(),
    metadataLocation: z.string().min(1),
    versionId: int64,
    schemaId: z.number().int(),
    sqlText: z.string().nullish(),
    dialect: z.string().nullish(),
  }),
  z.object({
    type: z.literal('UDF'),
    id: z.string().nullish(),
    metadataLocation: z.string().min(1),
    versionId: z.string().nullish(),
    signatureId: z.string().nullish(),
    // Nessie's older UDFs carried their SQL in the content; here a function is its Iceberg UDF metadata file.
    sqlText: inlineUdfSql,
    dialect: inlineUdfSql,
  }),
]);

const operation = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('PUT'), key: contentKey, content: contentInput })
    // The same namespace depth as /iceberg, so a namespace put here can be used there.
    .superRefine((op, ctx) => {
      if (op.content.type === 'NAMESPACE')
        limitIssue(ctx, () => assertKeyWithinLimits(op.key.elements, 'namespace'), ['key']);
    }),
  z.object({ type: z.literal('DELETE'), key: contentKey }),
  z.object({ type: z.literal('UNCHANGED'), key: contentKey }),
]);

/** Fields the server sets; Nessie rejects them from clients with 400, so do we. */
const serverSet = {
  committer: z.null({ message: 'Cannot set the committer on the client side. It is set by the server.' }).optional(),
  commitTime: z.null({ message: 'Cannot set the commit time on the client side. It is set by the server.' }).optional(),
  hash: z.null({ message: 'Cannot set the commit hash on the client side. It is set by the server.' }).optional(),
  parentCommitHashes: z
    .array(z.string())
    .max(0, { message: 'Cannot set the parent commit hashes on the client side. It is set by the server.' })
    .nullish(),
};

export const commitMetaInput = z.object({
  message: z.string().default(''),
  author: z.string().nullish(),
  authors: z.array(z.string()).nullish(),
  authorTime: z.iso.datetime({ offset: true }).nullish(),
  signedOffBy: z.string().nullish(),
  allSignedOffBy: z.array(z.string()).nullish(),
  properties: z
    .record(z.string(), z.string())
    .nullish()
    .superRefine((p, ctx) => limitIssue(ctx, () => assertPropertiesWithinLimits(p))),
  allProperties: z.record(z.string(), z.array(z.string())).nullish(),
  ...serverSet,
});
export type CommitMetaInput = z.infer<typeof commitMetaInput>;

export const commitBody = z.object({
  commitMeta: commitMetaInput,
  operations: z.array(operation).min(1, { message: 'A commit needs at least one operation.' }),
});

/**
 * A commit id in a body, optionally followed by relative lookups (`1a2b3c4d~1`, `1a2b3c4d*2026-12-01T00:00:00Z`), as
 * Nessie's spec 2.1.1 allows; ref-path.ts checks the lookups.
 */
const hashOrRelative = (field: string) =>
  z.string().regex(/^[0-9a-fA-F]{8,64}(?:[~^*].*)?$/s, {
    message: `${field} must be 8 to 64 hex digits, optionally followed by ~N, ^N or *timestamp`,
  });

/**
 * `POST /trees` and `PUT /trees/{ref}` body: the reference (or commit) to start from or move to. `DETACHED` is how
 * Nessie's Java client names a bare commit (it sends it when no source reference is set).
 */
export const referenceBody = z.object({
  type: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.toUpperCase() : v),
      z.enum(['BRANCH', 'TAG', 'DETACHED'], { message: "Reference type must be 'branch', 'tag' or 'detached'" }),
    )
    .optional(),
  name: z.string().min(1).optional(),
  hash: hashOrRelative('hash').optional(),
});

export const createReferenceQuery = z.object({
  name: z.string({ message: 'query parameter "name" is required' }).min(1),
  type: referenceType,
});

export const typeQuery = z.object({ type: referenceType.optional() });

const mergeBehavior = z.enum(['NORMAL', 'FORCE', 'DROP']);
const keyMergeMode = z.object({ key: contentKey, mergeBehavior });

/**
 * Flags: Nessie 0.99's server reads `isDryRun`, `isReturnConflictAsResult` and `isFetchAdditionalInfo` (the names its
 * Java client sends) and silently ignores the `dryRun`-style names its OpenAPI document shows. We accept both, so
 * that a client written from the OpenAPI document gets what it asked for.
 */
const mergeFlags = {
  dryRun: z.boolean().optional(),
  isDryRun: z.boolean().optional(),
  fetchAdditionalInfo: z.boolean().optional(),
  isFetchAdditionalInfo: z.boolean().optional(),
  returnConflictAsResult: z.boolean().optional(),
  isReturnConflictAsResult: z.boolean().optional(),
  keyMergeModes: z.array(keyMergeMode).optional(),
  defaultKeyMergeMode: mergeBehavior.optional(),
};

export const mergeBody = z.object({
  fromRefName: z.string().min(1),
  fromHash: hashOrRelative('fromHash').optional(),
  message: z.string().optional(),
  commitMeta: commitMetaInput.partial({ message: true }).optional(),
  ...mergeFlags,
});

export const transplantBody = z.object({
  fromRefName: z.string().min(1),
  hashesToTransplant: z
    .array(hashOrRelative('each of hashesToTransplant'))
    .min(1, { message: 'hashesToTransplant needs at least one hash' }),
  message: z.string().optional(),
  ...mergeFlags,
});

/**
 * `POST /trees/{branch}@{hash}/history/revert`: the commit of the branch to undo. Without `returnConflictAsResult` a
 * key changed after it answers 409 (as a merge conflict does).
 */
export const revertBody = z.object({
  hash: hashOrRelative('hash'),
  commitMeta: commitMetaInput.partial({ message: true }).optional(),
  dryRun: z.boolean().default(false),
  returnConflictAsResult: z.boolean().default(false),
});

export const multipleContentsBody = z.object({
  requestedKeys: z.array(contentKey).min(1, { message: 'requestedKeys needs at least one key' }),
});

/** Nessie reads zero or a negative page size as "no limit" (the server's default page); so do we. */
const maxRecords = z.coerce
  .number()
  .int()
  .transform((n) => (n > 0 ? n : undefined))
  .optional();

/**
 * Paging as Nessie names it (`max-records`, `page-token`); the camelCase spellings are accepted too since the
 * Nessie docs and some clients use them.
 */
export const paging = {
  'max-records': maxRecords,
  maxRecords: maxRecords,
  'page-token': z.string().min(1).optional(),
  pageToken: z.string().min(1).optional(),
};

/** A CEL expression (service/management/cel-filters.ts names each listing's variables). */
const celFilter = z.string().min(1).max(4096);

export const listReferencesQuery = z.object({
  ...paging,
  fetch: z.enum(['MINIMAL', 'ALL']).optional(),
  filter: celFilter.optional(),
});

export const getReferenceQuery = z.object({ fetch: z.enum(['MINIMAL', 'ALL']).optional() });

export const historyQuery = z.object({
  ...paging,
  fetch: z.enum(['MINIMAL', 'ALL']).optional(),
  'limit-hash': z
    .string()
    .regex(/^[0-9a-fA-F]{8,64}$/)
    .optional(),
  filter: celFilter.optional(),
});

/** Keys by prefix, by range (`min-key` to `max-key`, both included) or by name; with a CEL `filter`. */
const keyRange = {
  'prefix-key': keyParam.optional(),
  'min-key': keyParam.optional(),
  'max-key': keyParam.optional(),
  key: many(keyParam),
  filter: celFilter.optional(),
};

export const entriesQuery = z.object({
  ...paging,
  ...keyRange,
  // A JAX-RS boolean, as Nessie reads it: "true" in any case is true, anything else false.
  content: z
    .string()
    .optional()
    .transform((v) => v?.toLowerCase() === 'true'),
});

export const diffQuery = z.object({ ...paging, ...keyRange });

export const contentsQuery = z.object({
  key: many(keyParam),
  'with-doc': z.string().optional(),
  'for-write': z.string().optional(),
});

export const recentChangesQuery = z.object({ 'scan-commits': z.coerce.number().int().min(1).optional() });

export const reflogQuery = z.object({ ...paging, ref: z.string().min(1).optional() });

export const releasedTablesQuery = z.object({ ...paging });

/** `DELETE /rat/released-tables`: the release to take back, by the metadata file it released. */
export const reclaimQuery = z.object({ metadataLocation: z.string().min(1).max(4096) });

/** `POST /rat/gc`: durations as `7d`, `12h`, `30m`, `0`, or `all` for keepHistory. */
export const gcBody = z
  .object({
    dryRun: z.boolean().optional(),
    keepHistory: z.string().min(1).max(32).optional(),
    gracePeriod: z.string().min(1).max(32).optional(),
    snapshots: z.enum(['all', 'refs']).optional(),
  })
  .strict();

/** The key selection of an entries or diff query, as the service takes it. */
export function keysOf(q: {
  'prefix-key'?: ContentKey;
  'min-key'?: ContentKey;
  'max-key'?: ContentKey;
  key: ContentKey[];
  filter?: string;
}) {
  return {
    prefix: q['prefix-key']?.elements,
    minKey: q['min-key']?.elements,
    maxKey: q['max-key']?.elements,
    keys: q.key,
    filter: q.filter,
  };
}

/** `maxRecords`/`pageToken` from either spelling. */
export function pageOf(q: { 'max-records'?: number; maxRecords?: number; 'page-token'?: string; pageToken?: string }): {
  maxRecords?: number;
  pageToken?: string;
} {
  return { maxRecords: q['max-records'] ?? q.maxRecords, pageToken: q['page-token'] ?? q.pageToken };
}

export type ContentInputBody = z.infer<typeof contentInput>;
