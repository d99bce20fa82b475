export * from './rest-content-file.ts';
export * from './delete-index.ts';
