export * from './lineage.ts';
export * from './table-fields.ts';
export * from './append-replay.ts';
export * from './replayed-metadata.ts';
export * from './table-merge.ts';
