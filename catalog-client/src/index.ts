export * from './iceberg-client.ts';
export * from './management-client.ts';
export * from './auth.ts';
export * from './s3-signer.ts';
