import { z } from 'zod';
import { tableUpdateSchemas } from './table-update.ts';
import { viewVersion, type Schema } from '../model/parts.ts';
import { canonical, sameSchema } from '../model/schema-utils.ts';
import { assertValidSchema } from '../model/validate-schema.ts';
import { emptyViewMetadata, type ViewMetadata } from '../model/view-metadata.ts';
import {
  InvalidArgumentError,
  InvalidMetadataError,
  InvalidUpdateError,
  RequirementFailedError,
  UnknownUpdateActionError,
} from '../errors/index.ts';

/** The view update actions of the REST spec; the shared ones reuse the table update schemas. */
export const viewUpdateSchemas = {
  'assign-uuid': tableUpdateSchemas['assign-uuid'],
  'upgrade-format-version': tableUpdateSchemas['upgrade-format-version'],
  'add-schema': tableUpdateSchemas['add-schema'],
  'set-location': tableUpdateSchemas['set-location'],
  'set-properties': tableUpdateSchemas['set-properties'],
  'remove-properties': tableUpdateSchemas['remove-properties'],
  'add-view-version': z.looseObject({ action: z.literal('add-view-version'), 'view-version': viewVersion }),
  'set-current-view-version': z.looseObject({
    action: z.literal('set-current-view-version'),
    'view-version-id': z.number().int(),
  }),
} as const;

export type ViewUpdateAction = keyof typeof viewUpdateSchemas;
export type ViewUpdate = { [A in ViewUpdateAction]: z.output<(typeof viewUpdateSchemas)[A]> }[ViewUpdateAction];
type ViewUpdateOf<A extends ViewUpdateAction> = Extract<ViewUpdate, { action: A }>;
export const VIEW_UPDATE_ACTIONS = Object.keys(viewUpdateSchemas) as ViewUpdateAction[];

export const viewRequirementSchemas = {
  'assert-view-uuid': z.looseObject({ type: z.literal('assert-view-uuid'), uuid: z.string() }),
} as const;
export type ViewRequirement = z.output<(typeof viewRequirementSchemas)['assert-view-uuid']>;

/** Validates one view update; an unknown action is an `UnknownUpdateActionError`. */
export function parseViewUpdate(raw: unknown): ViewUpdate {
  const action = (raw as { action?: unknown } | null)?.action;
  if (typeof action !== 'string' || !Object.hasOwn(viewUpdateSchemas, action)) {
    throw new UnknownUpdateActionError('update', action, VIEW_UPDATE_ACTIONS);
  }
  return viewUpdateSchemas[action as ViewUpdateAction].parse(raw) as ViewUpdate;
}

/** Validates one view requirement; an unknown type is an `UnknownUpdateActionError`. */
export function parseViewRequirement(raw: unknown): ViewRequirement {
  const type = (raw as { type?: unknown } | null)?.type;
  if (type !== 'assert-view-uuid') throw new UnknownUpdateActionError('requirement', type, ['assert-view-uuid']);
  return viewRequirementSchemas['assert-view-uuid'].parse(raw);
}

interface ViewBuilder {
  md: ViewMetadata;
  creating: boolean;
  lastAddedSchemaId?: number;
  lastAddedVersionId?: number;
}

type ViewApplier<A extends ViewUpdateAction> = (b: ViewBuilder, u: ViewUpdateOf<A>) => void;

/** One applier per view update action (a missing one fails to compile). */
export const viewAppliers: { [A in ViewUpdateAction]: ViewApplier<A> } = {
  'assign-uuid': (b, u) => {
    if (b.md['view-uuid'] && b.md['view-uuid'] !== u.uuid && !b.creating)
      throw new InvalidUpdateError('Cannot change the view uuid.');
    b.md['view-uuid'] = u.uuid;
  },
  'upgrade-format-version': (_b, u) => {
    if (u['format-version'] !== 1)
      throw new InvalidUpdateError(`View format version ${u['format-version']} is not supported (only 1).`);
  },
  'add-schema': (b, u) => {
    assertValidSchema(u.schema, { lastColumnId: u['last-column-id'] });
    const existing = b.md.schemas.find((s) => sameSchema(s, u.schema));
    if (existing) {
      b.lastAddedSchemaId = existing['schema-id'];
      return;
    }
    // The view numbers its schemas itself (0, 1, ...) whatever id the client sent, as every Iceberg catalog does.
    const id = Math.max(-1, ...b.md.schemas.map((s) => s['schema-id'])) + 1;
    const added: Schema = { ...u.schema, 'schema-id': id };
    b.md.schemas.push(added);
    b.lastAddedSchemaId = id;
  },
  'set-location': (b, u) => {
    b.md.location = u.location.replace(/\/+$/, '');
  },
  'set-properties': (b, u) => {
    Object.assign(b.md.properties, u.updates);
  },
  'remove-properties': (b, u) => {
    for (const k of u.removals) delete b.md.properties[k];
  },
  'add-view-version': (b, u) => {
    const v = { ...u['view-version'] };
    if (v['schema-id'] === -1) {
      if (b.lastAddedSchemaId === undefined)
        throw new InvalidUpdateError('View version uses schema -1 but no schema was added.');
      v['schema-id'] = b.lastAddedSchemaId;
    }
    if (!b.md.schemas.some((s) => s['schema-id'] === v['schema-id'])) {
      throw new InvalidUpdateError(`View version refers to unknown schema ${v['schema-id']}.`);
    }
    // A version without SQL gives engines nothing to run; Java's view builders refuse it ("Cannot create view without
    // specifying a query") on create and replace alike.
    if (v.representations.length === 0)
      throw new InvalidUpdateError(
        'Invalid view version: view-version.representations is empty. Give the view at least one SQL query.',
        { field: 'representations' },
      );
    const dialects = new Set<string>();
    for (const r of v.representations) {
      const dialect = r.dialect.toLowerCase();
      if (dialects.has(dialect))
        throw new InvalidArgumentError(
          `Invalid view version: Cannot add multiple queries for dialect ${dialect}. Give each dialect one SQL text.`,
          { dialect },
        );
      dialects.add(dialect);
    }
    const strip = (x: typeof v) => canonical({ ...x, 'version-id': 0, 'timestamp-ms': 0 });
    const same = b.md.versions.find((e) => strip(e) === strip(v));
    if (same) {
      b.lastAddedVersionId = same['version-id'];
      return;
    }
    const id = Math.max(0, ...b.md.versions.map((e) => e['version-id'])) + 1;
    b.md.versions.push({ ...v, 'version-id': id });
    b.lastAddedVersionId = id;
  },
  'set-current-view-version': (b, u) => {
    let id = u['view-version-id'];
    if (id === -1) {
      if (b.lastAddedVersionId === undefined) throw new InvalidUpdateError('No view version was added in this commit.');
      id = b.lastAddedVersionId;
    }
    const v = b.md.versions.find((e) => e['version-id'] === id);
    if (!v) throw new InvalidUpdateError(`View version ${id} does not exist.`);
    if (b.md['current-version-id'] !== id) {
      b.md['current-version-id'] = id;
      b.md['version-log'].push({ 'version-id': id, 'timestamp-ms': v['timestamp-ms'] });
    }
  },
};

/**
 * Checks view requirements against `base` and applies `updates`; a missing `base` builds a new view. Returns new
 * metadata without touching `base`.
 */
export function applyViewCommit(
  base: ViewMetadata | undefined,
  requirements: readonly ViewRequirement[],
  updates: readonly ViewUpdate[],
  opts: { defaultLocation?: string } = {},
): ViewMetadata {
  for (const r of requirements) {
    if (base && base['view-uuid'] !== r.uuid) {
      throw new RequirementFailedError(
        `Requirement failed: view UUID does not match: expected ${r.uuid} != ${base['view-uuid']}. Refresh the view and retry.`,
        {
          type: r.type,
        },
      );
    }
  }
  const b: ViewBuilder = { md: structuredClone(base ?? emptyViewMetadata()), creating: !base };
  for (const u of updates) (viewAppliers[u.action] as ViewApplier<ViewUpdateAction>)(b, u as never);
  const md = b.md;
  if (!base) {
    if (!md['view-uuid']) md['view-uuid'] = crypto.randomUUID();
    if (!md.location && opts.defaultLocation) md.location = opts.defaultLocation;
    if (!md.location) throw new InvalidMetadataError('A new view needs a location.');
  }
  if (!md.versions.some((v) => v['version-id'] === md['current-version-id'])) {
    throw new InvalidMetadataError('A view needs a current version (add-view-version and set-current-view-version).');
  }
  return md;
}
