import { indexSchema, type SchemaIndex } from './validate-schema.ts';
import { canTransform, parseTransform } from './transforms.ts';
import { typeText } from './types.ts';
import { InvalidSchemaError } from '../errors/index.ts';

/**
 * Partition spec and sort order validation against the schema they apply to: each field names an existing source
 * column with a transform valid for its type, and a partition field's name does not clash with another column, as
 * Iceberg readers require when they bind a spec to a schema.
 */

interface SourcedField {
  'source-id'?: unknown;
  'source-ids'?: unknown;
  transform?: unknown;
}

/** Problems of one field's source and transform; `where` prefixes each message. */
function sourceProblems(field: SourcedField, where: string, index: SchemaIndex): string[] {
  if (typeof field.transform !== 'string') return [`${where}: a transform string is required`];
  const transform = parseTransform(field.transform);
  if (typeof transform === 'string') return [`${where}: ${transform}`];
  const ids = Array.isArray(field['source-ids']) ? field['source-ids'] : [field['source-id']];
  const problems: string[] = [];
  for (const id of ids) {
    const source = typeof id === 'number' ? index.fields.get(id) : undefined;
    // A void transform may keep a dropped column's id (v1 tables replace removed partition fields by void).
    if (transform.name === 'void') continue;
    if (!source) {
      problems.push(`${where}: source column ${JSON.stringify(id)} is not in the schema`);
      continue;
    }
    if (!canTransform(transform, source.type)) {
      problems.push(
        `${where}: transform ${field.transform} cannot be applied to ${source.path} of type ${typeText(source.type)}`,
      );
    }
    const repeated = source.ancestors.find((a) => a.type.kind === 'list' || a.type.kind === 'map');
    // A column inside a list or map has no single value per row to partition or sort by.
    if (repeated) {
      problems.push(`${where}: source column ${source.path} is inside the ${repeated.type.kind} ${repeated.path}`);
    }
  }
  return problems;
}

/**
 * The problem with a partition field named like a schema column other than its source, if it is one. Readers resolve
 * partition and data columns by name in one namespace, so Java's `PartitionSpec.Builder` refuses such a spec ("Cannot
 * create identity partition sourced from different field in schema"), and a Java client could not load the table.
 * Naming a field after its own source column stays allowed (`identity` of `region` named `region`), and so does any
 * name while the source column is gone from the schema, as a historical spec may be.
 */
function nameClashProblem(field: SourcedField, name: string, where: string, index: SchemaIndex): string | undefined {
  const column = [...index.fields.values()].find((c) => c.path === name);
  if (!column) return undefined;
  const sources = (Array.isArray(field['source-ids']) ? field['source-ids'] : [field['source-id']]).filter(
    (id): id is number => typeof id === 'number' && index.fields.has(id),
  );
  if (sources.length === 0 || sources.includes(column.id)) return undefined;
  return `${where}: name ${JSON.stringify(name)} is taken by schema column ${column.path} (id ${column.id}), which is not this field's source; choose another partition field name`;
}

/**
 * Every reason a partition spec cannot be bound to `schema` (empty when it can).
 *
 * @example partitionSpecProblems({ fields: [{ 'source-id': 1, name: 'h', transform: 'hour' }] }, schemaWithDateColumn1)
 * // ['fields.0 (h): transform hour cannot be applied to d of type date']
 */
export function partitionSpecProblems(
  spec: { fields: ReadonlyArray<SourcedField & { name?: unknown; 'field-id'?: unknown }> },
  schema: unknown,
): string[] {
  const index = indexSchema(schema);
  const problems: string[] = [];
  const names = new Set<string>();
  const fieldIds = new Set<number>();
  spec.fields.forEach((f, i) => {
    const where = `fields.${i}${typeof f.name === 'string' ? ` (${f.name})` : ''}`;
    if (typeof f.name !== 'string' || f.name.length === 0) problems.push(`${where}: a partition field needs a name`);
    else if (names.has(f.name)) problems.push(`${where}: duplicate partition field name ${JSON.stringify(f.name)}`);
    else {
      names.add(f.name);
      const clash = nameClashProblem(f, f.name, where, index);
      if (clash) problems.push(clash);
    }
    const fieldId = f['field-id'];
    if (typeof fieldId === 'number') {
      if (fieldIds.has(fieldId)) problems.push(`${where}: duplicate partition field id ${fieldId}`);
      fieldIds.add(fieldId);
    }
    problems.push(...sourceProblems(f, where, index));
  });
  return problems;
}

/**
 * Every reason a sort order cannot be bound to `schema` (empty when it can).
 *
 * @example sortOrderProblems({ fields: [{ 'source-id': 9, transform: 'identity' }] }, schema) // ['fields.0: source column 9 is not in the schema']
 */
export function sortOrderProblems(order: { fields: readonly SourcedField[] }, schema: unknown): string[] {
  const index = indexSchema(schema);
  return order.fields.flatMap((f, i) => sourceProblems(f, `fields.${i}`, index));
}

/** Throws `InvalidSchemaError` listing every problem of the partition spec. */
export function assertValidPartitionSpec(spec: Parameters<typeof partitionSpecProblems>[0], schema: unknown): void {
  const problems = partitionSpecProblems(spec, schema);
  if (problems.length > 0) throw new InvalidSchemaError('partition spec', problems);
}

/** Throws `InvalidSchemaError` listing every problem of the sort order. */
export function assertValidSortOrder(order: Parameters<typeof sortOrderProblems>[0], schema: unknown): void {
  const problems = sortOrderProblems(order, schema);
  if (problems.length > 0) throw new InvalidSchemaError('sort order', problems);
}
