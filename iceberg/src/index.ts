/**
 * @ratatouille/iceberg: the Iceberg format as pure functions (no IO): table and view metadata, REST request schemas,
 * table/view updates and requirements, metadata file naming, and JSON that keeps 64-bit ids exact.
 */
export * from './json.ts';
export * from './errors/index.ts';
export * from './model/parts.ts';
export * from './model/schema-utils.ts';
export * from './model/fresh-ids.ts';
export * from './model/table-metadata.ts';
export * from './model/metadata-encoding.ts';
export * from './model/frozen.ts';
export * from './model/view-metadata.ts';
export * from './model/function-metadata.ts';
export * from './model/types.ts';
export * from './model/transforms.ts';
export * from './model/validate-schema.ts';
export * from './model/validate-partition-spec.ts';
export * from './model/validate-snapshot-ref.ts';
export * from './rest/requests.ts';
export * from './updates/table-update.ts';
export * from './updates/table-builder.ts';
export * from './updates/table-appliers.ts';
export * from './updates/requirements.ts';
export * from './updates/apply-table-commit.ts';
export * from './updates/same-metadata.ts';
export * from './updates/view-updates.ts';
export * from './updates/create-updates.ts';
export * from './metadata-files.ts';
export * from './avro/index.ts';
export * from './merge/index.ts';
export * from './scan/index.ts';
export * from './puffin/deletion-vector.ts';
