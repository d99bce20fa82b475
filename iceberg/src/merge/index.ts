export * from './lineage.ts';
export * from './table-fields.ts';
export * from './snapshot-replay.ts';
export * from './replay-validation.ts';
export * from './manifest-filter.ts';
export * from './replayed-metadata.ts';
export * from './table-merge.ts';
