import { z } from 'zod';
import {
  long,
  namespace,
  partitionSpec,
  properties,
  schema,
  sortOrder,
  tableIdentifier,
  viewVersion,
} from '../model/parts.ts';
import { parseTableUpdate, rawUpdate } from '../updates/table-update.ts';
import { parseTableRequirement } from '../updates/requirements.ts';
import { parseViewRequirement, parseViewUpdate } from '../updates/view-updates.ts';

/**
 * Zod schemas of the REST catalog request bodies. Bodies are parsed with `parseJson` first so 64-bit ids survive.
 * Clients send `null` for absent optional fields (`location: null` from every client), so optionals are nullish.
 */

export const createNamespaceRequest = z.object({
  namespace: namespace.min(1),
  properties: properties.nullish(),
});
export type CreateNamespaceRequest = z.output<typeof createNamespaceRequest>;

export const updateNamespacePropertiesRequest = z.object({
  removals: z.array(z.string()).nullish(),
  updates: properties.nullish(),
});
export type UpdateNamespacePropertiesRequest = z.output<typeof updateNamespacePropertiesRequest>;

export const createTableRequest = z.object({
  name: z.string().min(1),
  location: z.string().nullish(),
  schema,
  'partition-spec': partitionSpec.nullish(),
  'write-order': sortOrder.nullish(),
  'stage-create': z.boolean().nullish(),
  properties: properties.nullish(),
});
export type CreateTableRequest = z.output<typeof createTableRequest>;

const tableRequirements = z
  .array(z.unknown())
  .nullish()
  .transform((rs, ctx) => parseEach(rs ?? [], parseTableRequirement, ctx));
const tableUpdates = z
  .array(rawUpdate)
  .nullish()
  .transform((us, ctx) => parseEach(us ?? [], parseTableUpdate, ctx));

/** Runs a named-error parser over each element; zod errors become issues at the element's path, others propagate. */
function parseEach<T>(items: unknown[], parse: (x: unknown) => T, ctx: z.RefinementCtx): T[] {
  return items.map((item, i) => {
    try {
      return parse(item);
    } catch (err) {
      if (err instanceof z.ZodError) {
        for (const issue of err.issues) ctx.addIssue({ ...issue, path: [i, ...issue.path] } as never);
        return undefined as T;
      }
      throw err;
    }
  });
}

export const commitTableRequest = z.object({
  // Java's per-table commit sends no identifier: the path names the table.
  identifier: tableIdentifier.nullish(),
  requirements: tableRequirements,
  updates: tableUpdates,
});
export type CommitTableRequest = z.output<typeof commitTableRequest>;

export const commitTransactionRequest = z.object({
  'table-changes': z.array(commitTableRequest.extend({ identifier: tableIdentifier })).min(1),
});
export type CommitTransactionRequest = z.output<typeof commitTransactionRequest>;

export const renameTableRequest = z.object({ source: tableIdentifier, destination: tableIdentifier });
export type RenameTableRequest = z.output<typeof renameTableRequest>;

export const registerTableRequest = z.object({
  name: z.string().min(1),
  'metadata-location': z.string().min(1),
  overwrite: z.boolean().nullish(),
});
export type RegisterTableRequest = z.output<typeof registerTableRequest>;

export const createViewRequest = z.object({
  name: z.string().min(1),
  location: z.string().nullish(),
  schema,
  'view-version': viewVersion,
  properties: properties.nullish(),
});
export type CreateViewRequest = z.output<typeof createViewRequest>;

export const commitViewRequest = z.object({
  identifier: tableIdentifier.nullish(),
  requirements: z
    .array(z.unknown())
    .nullish()
    .transform((rs, ctx) => parseEach(rs ?? [], parseViewRequirement, ctx)),
  updates: z
    .array(rawUpdate)
    .nullish()
    .transform((us, ctx) => parseEach(us ?? [], parseViewUpdate, ctx)),
});
export type CommitViewRequest = z.output<typeof commitViewRequest>;

export const registerViewRequest = z.object({
  name: z.string().min(1),
  'metadata-location': z.string().min(1),
});
export type RegisterViewRequest = z.output<typeof registerViewRequest>;

export const reportMetricsRequest = z.looseObject({
  'report-type': z.string().optional(),
  'table-name': z.string().optional(),
  'snapshot-id': z.unknown().optional(),
});
export type ReportMetricsRequest = z.output<typeof reportMetricsRequest>;

/**
 * A scan to plan on the server (`PlanTableScanRequest`): a point-in-time scan (`snapshot-id`, else the current
 * snapshot) or an incremental append scan (after `start-snapshot-id`, or from the first snapshot, up to
 * `end-snapshot-id` inclusive). `filter` is
 * the spec's expression JSON, checked when it is bound to the table's schema; `select` and `stats-fields` name columns.
 */
export const planTableScanRequest = z
  .object({
    'snapshot-id': long.nullish(),
    select: z.array(z.string()).nullish(),
    filter: z.unknown().optional(),
    'min-rows-requested': long.nullish(),
    'case-sensitive': z.boolean().nullish(),
    'use-snapshot-schema': z.boolean().nullish(),
    'start-snapshot-id': long.nullish(),
    'end-snapshot-id': long.nullish(),
    'stats-fields': z.array(z.string()).nullish(),
  })
  .refine((r) => r['start-snapshot-id'] == null || r['end-snapshot-id'] != null, {
    message: 'end-snapshot-id is required with start-snapshot-id',
    path: ['end-snapshot-id'],
  })
  .refine((r) => r['end-snapshot-id'] == null || r['snapshot-id'] == null, {
    message: 'snapshot-id cannot be combined with an incremental scan (end-snapshot-id)',
    path: ['snapshot-id'],
  });
export type PlanTableScanRequest = z.output<typeof planTableScanRequest>;

/** `FetchScanTasksRequest`: one plan task a completed plan handed out. */
export const fetchScanTasksRequest = z.object({ 'plan-task': z.string().min(1) });
export type FetchScanTasksRequest = z.output<typeof fetchScanTasksRequest>;

/**
 * The Iceberg S3 signer request (`s3-signer-open-api.yaml`, `S3SignRequest`): the S3 request a client's FileIO is
 * about to send, for the catalog to sign. Java's `S3V4RestSignerClient` sends `headers` as lists of values; newer
 * clients add `provider` (only `s3` exists) and `properties`. `body` is sent for multi-object deletes only.
 */
export const s3SignRequest = z.object({
  region: z.string().min(1),
  uri: z.string().min(1).max(8192),
  method: z.enum(['PUT', 'GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'OPTIONS']),
  headers: z.record(z.string(), z.array(z.string())),
  properties: z.record(z.string(), z.string()).nullish(),
  body: z.string().nullish(),
  provider: z.literal('s3').nullish(),
});
export type S3SignRequest = z.output<typeof s3SignRequest>;
