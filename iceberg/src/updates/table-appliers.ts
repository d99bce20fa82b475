import type { TableBuilder } from './table-builder.ts';
import type { TableUpdate, TableUpdateAction, TableUpdateOf } from './table-update.ts';
import type { PartitionSpec, Schema, SnapshotRef, SortOrder } from '../model/parts.ts';
import { highestFieldId, sameSchema, sameSortOrder, sameSpec } from '../model/schema-utils.ts';
import { InvalidUpdateError, RequirementFailedError } from '../errors/index.ts';
import { assertValidSchema } from '../model/validate-schema.ts';
import { assertValidPartitionSpec, assertValidSortOrder } from '../model/validate-partition-spec.ts';
import { assertValidSnapshotRef } from '../model/validate-snapshot-ref.ts';
import { addSnapshotRowLineage } from './snapshot-row-lineage.ts';

type Applier<A extends TableUpdateAction> = (b: TableBuilder, u: TableUpdateOf<A>) => void;

/** The newest format version this catalog writes. */
export const MAX_FORMAT_VERSION = 3;

/** `-1` = the item added earlier in this commit; anything else must already exist. */
function resolveLastAdded(kind: string, id: number, lastAdded: number | undefined): number {
  if (id !== -1) return id;
  if (lastAdded === undefined)
    throw new InvalidUpdateError(`Cannot set the last added ${kind}: none was added in this commit.`);
  return lastAdded;
}

function addSchema(b: TableBuilder, u: TableUpdateOf<'add-schema'>): void {
  const md = b.md;
  assertValidSchema(u.schema, {
    formatVersion: md['format-version'],
    lastColumnId: u['last-column-id'],
  });
  const existing = md.schemas.find((s) => sameSchema(s, u.schema));
  if (existing) {
    b.lastAddedSchemaId = existing['schema-id'];
    return;
  }
  // The client's schema id is a suggestion: ids must stay unique, so a taken one gets the next free id.
  const taken = new Set(md.schemas.map((s) => s['schema-id']));
  const wanted = u.schema['schema-id'];
  const id = wanted !== undefined && wanted >= 0 && !taken.has(wanted) ? wanted : Math.max(-1, ...taken) + 1;
  const added: Schema = { ...u.schema, 'schema-id': id };
  md.schemas.push(added);
  md['last-column-id'] = Math.max(md['last-column-id'], u['last-column-id'] ?? 0, highestFieldId(added));
  b.lastAddedSchemaId = id;
}

function setCurrentSchema(b: TableBuilder, u: TableUpdateOf<'set-current-schema'>): void {
  const id = resolveLastAdded('schema', u['schema-id'], b.lastAddedSchemaId);
  if (!b.md.schemas.some((s) => s['schema-id'] === id))
    throw new InvalidUpdateError(`Schema ${id} does not exist.`, { schemaId: id });
  b.md['current-schema-id'] = id;
}

/**
 * The schema a new spec or sort order binds to: the current one, as Iceberg's writers bind them; while a table is
 * being created and no schema is current yet, the one added in this commit.
 */
function bindingSchema(b: TableBuilder): Schema | undefined {
  const { schemas } = b.md;
  return (
    schemas.find((s) => s['schema-id'] === b.md['current-schema-id']) ??
    schemas.find((s) => s['schema-id'] === b.lastAddedSchemaId)
  );
}

function addSpec(b: TableBuilder, u: TableUpdateOf<'add-spec'>): void {
  const md = b.md;
  assertValidPartitionSpec(u.spec, bindingSchema(b) ?? { fields: [] });
  let next = md['last-partition-id'] + 1;
  const fields = u.spec.fields.map((f) => ({ ...f, 'field-id': f['field-id'] ?? next++ }));
  const existing = md['partition-specs'].find((s) => sameSpec(s, { fields }));
  if (existing) {
    b.lastAddedSpecId = existing['spec-id'];
    return;
  }
  const id = Math.max(-1, ...md['partition-specs'].map((s) => s['spec-id'])) + 1;
  const spec: PartitionSpec = { ...u.spec, 'spec-id': id, fields };
  md['partition-specs'].push(spec);
  md['last-partition-id'] = Math.max(md['last-partition-id'], ...fields.map((f) => f['field-id']));
  b.lastAddedSpecId = id;
}

function setDefaultSpec(b: TableBuilder, u: TableUpdateOf<'set-default-spec'>): void {
  const id = resolveLastAdded('partition spec', u['spec-id'], b.lastAddedSpecId);
  if (!b.md['partition-specs'].some((s) => s['spec-id'] === id))
    throw new InvalidUpdateError(`Partition spec ${id} does not exist.`, { specId: id });
  b.md['default-spec-id'] = id;
}

function addSortOrder(b: TableBuilder, u: TableUpdateOf<'add-sort-order'>): void {
  const md = b.md;
  assertValidSortOrder(u['sort-order'], bindingSchema(b) ?? { fields: [] });
  const existing = md['sort-orders'].find((o) => sameSortOrder(o, u['sort-order']));
  if (existing) {
    b.lastAddedSortOrderId = existing['order-id'];
    return;
  }
  // Order id 0 is reserved for "unsorted"; a sorted order always gets an id of at least 1.
  const id = u['sort-order'].fields.length === 0 ? 0 : Math.max(0, ...md['sort-orders'].map((o) => o['order-id'])) + 1;
  const order: SortOrder = { ...u['sort-order'], 'order-id': id };
  md['sort-orders'].push(order);
  b.lastAddedSortOrderId = id;
}

function setDefaultSortOrder(b: TableBuilder, u: TableUpdateOf<'set-default-sort-order'>): void {
  const id = resolveLastAdded('sort order', u['sort-order-id'], b.lastAddedSortOrderId);
  if (!b.md['sort-orders'].some((o) => o['order-id'] === id))
    throw new InvalidUpdateError(`Sort order ${id} does not exist.`, { sortOrderId: id });
  b.md['default-sort-order-id'] = id;
}

function addSnapshot(b: TableBuilder, u: TableUpdateOf<'add-snapshot'>): void {
  const md = b.md;
  // Optional fields sent as null (PyIceberg's parent of a first snapshot) are left out, as Java writes them.
  const snap = withoutNulls(u.snapshot);
  const id = snap['snapshot-id'];
  if (md.snapshots.some((s) => s['snapshot-id'] === id)) {
    throw new RequirementFailedError(`Snapshot ${id} already exists in this table; refresh and retry.`, {
      snapshotId: id,
    });
  }
  if (md['format-version'] >= 2) {
    const seq = snap['sequence-number'] ?? 0;
    // A sequence number at or below the table's means the writer based its snapshot on stale metadata. A snapshot
    // without a parent (the first of a replace transaction) starts a new history and is accepted, as in Iceberg.
    if (seq <= md['last-sequence-number'] && snap['parent-snapshot-id'] !== undefined) {
      throw new RequirementFailedError(
        `Cannot add snapshot with sequence number ${seq}: the table's last sequence number is ${md['last-sequence-number']}. Refresh the table and retry.`,
        { sequenceNumber: seq, lastSequenceNumber: md['last-sequence-number'] },
      );
    }
    md['last-sequence-number'] = Math.max(md['last-sequence-number'], seq);
  }
  addSnapshotRowLineage(md, snap);
  md.snapshots.push(snap);
  b.addedSnapshotIds.add(id);
}

function withoutNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

function setSnapshotRef(b: TableBuilder, u: TableUpdateOf<'set-snapshot-ref'>): void {
  const md = b.md;
  const { action: _a, 'ref-name': name, ...ref } = withoutNulls(u);
  assertValidSnapshotRef(name, ref as SnapshotRef);
  const id = ref['snapshot-id'];
  const snap = md.snapshots.find((s) => s['snapshot-id'] === id);
  if (!snap)
    throw new InvalidUpdateError(`Cannot point ref "${name}" at unknown snapshot ${id}.`, {
      ref: name,
      snapshotId: id,
    });
  const previous = md.refs[name];
  if (previous && previous['snapshot-id'] === id && previous.type === ref.type) {
    md.refs[name] = ref as SnapshotRef;
    return;
  }
  md.refs[name] = ref as SnapshotRef;
  if (name === 'main') {
    if (ref.type !== 'branch') throw new InvalidUpdateError('The "main" ref must be a branch.');
    md['current-snapshot-id'] = id;
    const at = b.addedSnapshotIds.has(id) ? snap['timestamp-ms'] : b.now;
    md['snapshot-log'].push({ 'snapshot-id': id, 'timestamp-ms': at });
  }
}

function removeSnapshots(b: TableBuilder, u: TableUpdateOf<'remove-snapshots'>): void {
  const md = b.md;
  const gone = new Set(u['snapshot-ids']);
  md.snapshots = md.snapshots.filter((s) => !gone.has(s['snapshot-id']));
  for (const [name, ref] of Object.entries(md.refs)) if (gone.has(ref['snapshot-id'])) delete md.refs[name];
  if (md['current-snapshot-id'] !== null && gone.has(md['current-snapshot-id'])) md['current-snapshot-id'] = null;
  md.statistics = md.statistics.filter((s) => !gone.has(s['snapshot-id']));
  md['partition-statistics'] = md['partition-statistics'].filter((s) => !gone.has(s['snapshot-id']));
  md['snapshot-log'] = md['snapshot-log'].filter((e) => !gone.has(e['snapshot-id']));
}

function removeSnapshotRef(b: TableBuilder, u: TableUpdateOf<'remove-snapshot-ref'>): void {
  delete b.md.refs[u['ref-name']];
  if (u['ref-name'] === 'main') b.md['current-snapshot-id'] = null;
}

function upgradeFormatVersion(b: TableBuilder, u: TableUpdateOf<'upgrade-format-version'>): void {
  const v = u['format-version'];
  const md = b.md;
  if (v > MAX_FORMAT_VERSION)
    throw new InvalidUpdateError(`Format version ${v} is not supported (highest: ${MAX_FORMAT_VERSION}).`);
  if (v < md['format-version'] && !b.creating) {
    throw new InvalidUpdateError(`Cannot downgrade format version from ${md['format-version']} to ${v}.`);
  }
  md['format-version'] = v as 1 | 2 | 3;
  if (v >= 3 && md['next-row-id'] === undefined) md['next-row-id'] = 0;
}

function assignUuid(b: TableBuilder, u: TableUpdateOf<'assign-uuid'>): void {
  if (b.md['table-uuid'] && b.md['table-uuid'] !== u.uuid && !b.creating) {
    throw new InvalidUpdateError(`Cannot change the table uuid from ${b.md['table-uuid']} to ${u.uuid}.`);
  }
  b.md['table-uuid'] = u.uuid;
}

/**
 * One applier per update action. The mapped type makes a missing action a compile error, so adding an action to
 * `tableUpdateSchemas` forces an applier here.
 */
export const tableAppliers: { [A in TableUpdateAction]: Applier<A> } = {
  'assign-uuid': assignUuid,
  'upgrade-format-version': upgradeFormatVersion,
  'add-schema': addSchema,
  'set-current-schema': setCurrentSchema,
  'add-spec': addSpec,
  'set-default-spec': setDefaultSpec,
  'add-sort-order': addSortOrder,
  'set-default-sort-order': setDefaultSortOrder,
  'add-snapshot': addSnapshot,
  'set-snapshot-ref': setSnapshotRef,
  'remove-snapshots': removeSnapshots,
  'remove-snapshot-ref': removeSnapshotRef,
  'set-location': (b, u) => {
    b.md.location = u.location.replace(/\/+$/, '');
  },
  'set-properties': (b, u) => {
    Object.assign(b.md.properties, u.updates);
  },
  'remove-properties': (b, u) => {
    for (const k of u.removals) delete b.md.properties[k];
  },
  'set-statistics': (b, u) => {
    const id = u.statistics['snapshot-id'];
    b.md.statistics = [...b.md.statistics.filter((s) => s['snapshot-id'] !== id), u.statistics];
  },
  'remove-statistics': (b, u) => {
    b.md.statistics = b.md.statistics.filter((s) => s['snapshot-id'] !== u['snapshot-id']);
  },
  'set-partition-statistics': (b, u) => {
    const id = u['partition-statistics']['snapshot-id'];
    b.md['partition-statistics'] = [
      ...b.md['partition-statistics'].filter((s) => s['snapshot-id'] !== id),
      u['partition-statistics'],
    ];
  },
  'remove-partition-statistics': (b, u) => {
    b.md['partition-statistics'] = b.md['partition-statistics'].filter((s) => s['snapshot-id'] !== u['snapshot-id']);
  },
  'remove-partition-specs': (b, u) => {
    if (u['spec-ids'].includes(b.md['default-spec-id']))
      throw new InvalidUpdateError('Cannot remove the default partition spec.');
    const gone = new Set(u['spec-ids']);
    b.md['partition-specs'] = b.md['partition-specs'].filter((s) => !gone.has(s['spec-id']));
  },
  'remove-schemas': (b, u) => {
    if (u['schema-ids'].includes(b.md['current-schema-id']))
      throw new InvalidUpdateError('Cannot remove the current schema.');
    const gone = new Set(u['schema-ids']);
    b.md.schemas = b.md.schemas.filter((s) => !gone.has(s['schema-id']));
  },
  'add-encryption-key': (b, u) => {
    const keys = (b.md['encryption-keys'] ?? []).filter((k) => k['key-id'] !== u['encryption-key']['key-id']);
    b.md['encryption-keys'] = [...keys, u['encryption-key']];
  },
  'remove-encryption-key': (b, u) => {
    b.md['encryption-keys'] = (b.md['encryption-keys'] ?? []).filter((k) => k['key-id'] !== u['key-id']);
  },
};

/** Applies one update to the builder through its action's applier. */
export function applyTableUpdate(b: TableBuilder, update: TableUpdate): void {
  (tableAppliers[update.action] as Applier<TableUpdateAction>)(b, update as never);
}
