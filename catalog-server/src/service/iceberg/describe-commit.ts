import type { TableUpdate } from '@ratatouille/iceberg';

const OPERATION_VERBS: Record<string, string> = {
  append: 'append to',
  overwrite: 'overwrite',
  delete: 'delete from',
  replace: 'rewrite files of',
};

/**
 * The derived commit message of a table change, shaped like git's one-liners: "append to db.t", "create table db.t",
 * "update schema of db.t", "update db.t (set-properties)".
 */
export function describeTableChange(name: string, updates: readonly TableUpdate[], created: boolean): string {
  if (created) return `create table ${name}`;
  const snap = updates.find((u) => u.action === 'add-snapshot');
  if (snap) {
    const op = String(snap.snapshot.summary['operation'] ?? 'append');
    return `${OPERATION_VERBS[op] ?? `${op} on`} ${name}`;
  }
  if (updates.some((u) => u.action === 'add-schema' || u.action === 'set-current-schema'))
    return `update schema of ${name}`;
  if (updates.some((u) => u.action === 'add-spec' || u.action === 'set-default-spec'))
    return `update partitioning of ${name}`;
  const actions = [...new Set(updates.map((u) => u.action))];
  return actions.length > 0 ? `update ${name} (${actions.join(', ')})` : `update ${name}`;
}
