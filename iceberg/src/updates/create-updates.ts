import type { CreateTableRequest, CreateViewRequest } from '../rest/requests.ts';
import type { TableUpdate } from './table-update.ts';
import type { ViewUpdate } from './view-updates.ts';
import { InvalidUpdateError } from '../errors/index.ts';
import { assignFreshIds, freshSortOrder, freshSpec } from '../model/fresh-ids.ts';
import { assertValidSchema } from '../model/validate-schema.ts';

/** Table property that picks the format version at create time (not stored as a property). */
export const FORMAT_VERSION_PROPERTY = 'format-version';
export const DEFAULT_FORMAT_VERSION = 2;

/**
 * The updates equivalent to a createTable request, so that plain create, stage-create and the create transaction
 * that follows all go through the same appliers (and produce the same metadata as a client-side create
 * transaction would). Field ids are assigned afresh from 1 and the spec and sort order follow, as every Iceberg
 * catalog does on create (see `model/fresh-ids.ts`).
 *
 * @example applyTableCommit(undefined, [], createTableUpdates(req, { uuid, location }), { now })
 */
export function createTableUpdates(req: CreateTableRequest, opts: { uuid: string; location: string }): TableUpdate[] {
  const props = { ...(req.properties ?? {}) };
  const fv = props[FORMAT_VERSION_PROPERTY];
  delete props[FORMAT_VERSION_PROPERTY];
  const formatVersion = fv === undefined ? DEFAULT_FORMAT_VERSION : Number(fv);
  if (![1, 2, 3].includes(formatVersion))
    throw new InvalidUpdateError(`Unsupported format-version "${fv}" (use 1, 2 or 3).`);
  // Checked as the client sent it: fresh ids would otherwise paper over duplicate or missing ids.
  assertValidSchema(req.schema, { formatVersion });
  const fresh = assignFreshIds(req.schema);
  return [
    { action: 'assign-uuid', uuid: opts.uuid },
    { action: 'upgrade-format-version', 'format-version': formatVersion },
    { action: 'add-schema', schema: { ...fresh.schema, 'schema-id': 0 }, 'last-column-id': fresh.lastColumnId },
    { action: 'set-current-schema', 'schema-id': -1 },
    { action: 'add-spec', spec: freshSpec(req['partition-spec'], fresh.ids) },
    { action: 'set-default-spec', 'spec-id': -1 },
    { action: 'add-sort-order', 'sort-order': freshSortOrder(req['write-order'], fresh.ids) },
    { action: 'set-default-sort-order', 'sort-order-id': -1 },
    { action: 'set-location', location: opts.location },
    { action: 'set-properties', updates: props },
  ];
}

/** The updates equivalent to a createView request. */
export function createViewUpdates(req: CreateViewRequest, opts: { uuid: string; location: string }): ViewUpdate[] {
  return [
    { action: 'assign-uuid', uuid: opts.uuid },
    { action: 'upgrade-format-version', 'format-version': 1 },
    { action: 'add-schema', schema: req.schema },
    { action: 'set-location', location: opts.location },
    { action: 'set-properties', updates: req.properties ?? {} },
    // The spec says the view version's schema id is replaced by the id assigned to the request's schema.
    { action: 'add-view-version', 'view-version': { ...req['view-version'], 'schema-id': -1 } },
    { action: 'set-current-view-version', 'view-version-id': -1 },
  ];
}
