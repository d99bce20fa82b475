export * from './iceberg-client.ts';
export * from './management-client.ts';
export * from './auth.ts';
