export * from './ocf.ts';
export * from './single-value.ts';
export * from './manifest.ts';
export * from './manifest-list.ts';
export * from './partition-summary.ts';
export * from './live-entries.ts';
