/**
 * Zod schemas of the management API's responses, in Nessie's shapes (what serialize.ts writes). They feed the OpenAPI
 * document (`GET /api/v2/openapi.json`); the integration suite validates real responses against that document, so a
 * serializer that drifts from these fails a test. Objects are strict: a field sent but not documented is drift too.
 */
import { MERGE_CONFLICT_KINDS } from '@ratatouille/iceberg';
import { z } from 'zod';

const hash = z.string().regex(/^[0-9a-f]{64}$/);
/** A Java `long`, written exactly (a 63-bit snapshot id is a plain JSON number of 19 digits). */
const int64 = z.number().int().meta({ type: 'integer', format: 'int64' });
const key = z.object({ elements: z.array(z.string()) });

const effectiveReference = z.union([
  z.object({ type: z.enum(['BRANCH', 'TAG']), name: z.string(), hash }),
  z.object({ type: z.literal('DETACHED'), hash }),
]);

export const content = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('NAMESPACE'),
    id: z.string(),
    elements: z.array(z.string()),
    properties: z.record(z.string(), z.string()).optional(),
  }),
  z.object({
    type: z.literal('ICEBERG_TABLE'),
    id: z.string(),
    metadataLocation: z.string(),
    snapshotId: int64,
    schemaId: z.number().int(),
    specId: z.number().int(),
    sortOrderId: z.number().int(),
  }),
  z.object({
    type: z.literal('ICEBERG_VIEW'),
    id: z.string(),
    metadataLocation: z.string(),
    versionId: int64,
    schemaId: z.number().int(),
    sqlText: z.string().optional(),
    dialect: z.string().optional(),
  }),
  z.object({
    type: z.literal('UDF'),
    id: z.string(),
    metadataLocation: z.string(),
    versionId: z.string().optional(),
    signatureId: z.string().optional(),
  }),
]);

/** The paging fields of every listing (`pageJson`). */
export const paged = { token: z.string().nullable(), hasMore: z.boolean() };

export const commitMeta = z.object({
  hash,
  committer: z.string(),
  authors: z.array(z.string()),
  allSignedOffBy: z.array(z.string()),
  message: z.string(),
  commitTime: z.string(),
  authorTime: z.string(),
  allProperties: z.record(z.string(), z.array(z.string())).optional(),
  parentCommitHashes: z.array(hash),
});

const operation = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PUT'), key, content, documentation: z.null() }),
  z.object({ type: z.literal('DELETE'), key }),
]);

export const config = z.object({
  defaultBranch: z.string(),
  minSupportedApiVersion: z.number().int(),
  maxSupportedApiVersion: z.number().int(),
  actualApiVersion: z.number().int(),
  specVersion: z.string(),
  noAncestorHash: hash,
});

/** What `fetch=ALL` adds to a reference (service/management/reference-metadata.ts). */
const referenceMetadata = z.object({
  numCommitsAhead: z.number().int().nullable(),
  numCommitsBehind: z.number().int().nullable(),
  commitMetaOfHEAD: commitMeta.nullable(),
  commonAncestorHash: hash.nullable(),
  numTotalCommits: z.number().int().nullable(),
});

export const reference = z.object({
  type: z.enum(['BRANCH', 'TAG']),
  name: z.string(),
  hash,
  metadata: referenceMetadata.optional(),
});

export const references = z.object({ ...paged, references: z.array(reference) });
export const singleReference = z.object({ reference });

export const log = z.object({
  ...paged,
  logEntries: z.array(
    z.object({ commitMeta, parentCommitHash: hash.nullable(), operations: z.array(operation).nullable() }),
  ),
});

const headPointer = z.object({
  commitHash: hash,
  commitConsistency: z.literal('COMMIT_CONSISTENT'),
  meta: commitMeta.nullable(),
});

export const recentChanges = z.object({
  reference,
  current: headPointer,
  previous: z.array(headPointer),
  commitLogConsistency: z.literal('NOT_CHECKED'),
});

export const entries = z.object({
  ...paged,
  entries: z.array(
    z.object({
      type: z.enum(['NAMESPACE', 'ICEBERG_TABLE', 'ICEBERG_VIEW', 'UDF']),
      name: key,
      contentId: z.string(),
      content: content.nullable(),
    }),
  ),
  effectiveReference,
});

export const diff = z.object({
  ...paged,
  diffs: z.array(z.object({ key, from: content.nullable(), to: content.nullable() })),
  effectiveFromReference: effectiveReference,
  effectiveToReference: effectiveReference,
});

export const singleContent = z.object({ content, effectiveReference });

export const multipleContents = z.object({
  contents: z.array(z.object({ key, content })),
  effectiveReference,
});

export const commitResponse = z.object({
  targetBranch: z.object({ type: z.literal('BRANCH'), name: z.string(), hash }),
  addedContents: z.array(z.object({ key, contentId: z.string() })).nullable(),
});

/** A revert (`history/revert`): what it undid or would undo, or the keys changed since (then `to` is null). */
export const revertResponse = z.object({
  branch: z.string(),
  reverted: hash,
  parent: hash,
  from: hash,
  to: hash.nullable(),
  dryRun: z.boolean(),
  /** A PUT's content is the parent's without its content id (the key keeps its own, or a new key gets one). */
  operations: z.array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('PUT'), key, content: z.record(z.string(), z.unknown()) }),
      z.object({ type: z.literal('DELETE'), key }),
    ]),
  ),
  conflicts: z.array(z.object({ key, reason: z.enum(['changed', 'deleted', 'created', 'not-empty']) })),
});

const mergeBehavior = z.enum(['NORMAL', 'FORCE', 'DROP']);

/**
 * A content-aware merge's refusal of a key: what kind each `; `-separated part of the message is, in order. Absent on
 * the plain conflicts `conflictType` describes (created or deleted on one side, moved since the expected hash).
 * Decide on these, not on the message, which is for people and may be reworded.
 */
const conflictKinds = z.array(z.enum(MERGE_CONFLICT_KINDS)).optional();

export const mergeResponse = z.object({
  wasApplied: z.boolean(),
  wasSuccessful: z.boolean(),
  resultantTargetHash: hash,
  commonAncestor: hash.nullable(),
  targetBranch: z.string(),
  effectiveTargetHash: hash,
  expectedHash: hash.nullable(),
  details: z.array(
    z.object({
      key,
      mergeBehavior,
      conflict: z
        .object({
          conflictType: z.enum(['KEY_EXISTS', 'KEY_DOES_NOT_EXIST', 'VALUE_DIFFERS', 'UNKNOWN']),
          key,
          message: z.string(),
          kinds: conflictKinds,
        })
        .optional(),
      /** With `?rat-details=true` only: what happened to the key, and how a table changed on both sides was merged. */
      outcome: z.enum(['TAKEN', 'KEPT', 'IDENTICAL', 'RESOLVED', 'CONFLICT']).optional(),
      resolution: z.object({ summary: z.string(), stats: z.record(z.string(), z.number()).optional() }).optional(),
    }),
  ),
});

export const reflog = z.object({
  ...paged,
  logEntries: z.array(
    z.object({
      refName: z.string(),
      refType: z.enum(['BRANCH', 'TAG']),
      previousHash: hash.nullable(),
      newHash: hash.nullable(),
      operation: z.enum(['CREATE', 'COMMIT', 'ASSIGN', 'MERGE', 'TRANSPLANT', 'DELETE']),
      at: z.string(),
    }),
  ),
});

export const releasedTable = z.object({
  metadataLocation: z.string(),
  prefixes: z.array(z.string()),
  ref: z.string(),
  table: z.array(z.string()),
  releasedAt: z.string(),
});

export const releasedTables = z.object({ ...paged, releasedTables: z.array(releasedTable) });

export const gcReport = z.object({
  dryRun: z.boolean(),
  keepHistory: z.string(),
  snapshots: z.enum(['all', 'refs']),
  // An infinite grace period (`gracePeriod: "all"`) is written as null.
  graceMs: z.number().nullable(),
  keptCommits: z.number().int(),
  metadataFiles: z.number().int(),
  reachableFiles: z.number().int(),
  scannedFiles: z.number().int(),
  files: z.array(z.object({ location: z.string(), size: z.number() })),
  bytes: z.number(),
  youngFiles: z.number().int(),
  // Unreachable files left in the folders of tables released to other catalogs (unregistered).
  releasedFiles: z.number().int(),
  deleted: z.number().int(),
  foreignMetadata: z.array(z.string()),
  // Files a kept table version names that could not be read (kept, with what they would have listed): only when any.
  unreadable: z
    .array(z.object({ table: z.string(), metadata: z.string(), location: z.string(), error: z.string() }))
    .optional(),
});

/** Every error: the Iceberg error object plus Nessie's top-level fields (see http/error-handler.ts). */
export const error = z.object({
  error: z.object({ message: z.string(), type: z.string(), code: z.number().int() }),
  message: z.string(),
  status: z.number().int(),
  reason: z.string(),
  errorCode: z.string(),
  /** The catalog's own error code (`READ_ONLY_REFERENCE`, `LOCATION_NOT_ALLOWED`, …): finer than Nessie's `errorCode`. */
  catalogCode: z.string(),
  errorDetails: z
    .object({
      type: z.literal('REFERENCE_CONFLICTS'),
      conflicts: z.array(z.object({ key, conflictType: z.string(), message: z.string(), kinds: conflictKinds })),
    })
    .nullable(),
  serverStackTrace: z.null(),
});
