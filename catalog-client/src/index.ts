export * from './iceberg-client.ts';
