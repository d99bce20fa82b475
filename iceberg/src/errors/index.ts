export { IcebergFormatError } from './iceberg-format-error.ts';
export { RequirementFailedError } from './requirement-failed.ts';
export { InvalidUpdateError } from './invalid-update.ts';
export { InvalidArgumentError } from './invalid-argument.ts';
export { UnknownUpdateActionError } from './unknown-update-action.ts';
export { InvalidMetadataError } from './invalid-metadata.ts';
export { InvalidSchemaError } from './invalid-schema.ts';
