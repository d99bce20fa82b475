/**
 * Server-side scan planning logic: filter expressions parsed from the REST `plan` request, bound to a schema, and
 * evaluated inclusively against data file metrics, partition tuples and manifest partition summaries.
 */
export {
  parseExpression,
  UNARY_OPS,
  COMPARISON_OPS,
  SET_OPS,
  type Expression,
  type UnboundTerm,
  type ColumnRef,
  type JsonLiteral,
  type UnaryOp,
  type ComparisonOp,
  type SetOp,
} from './expression.ts';
export {
  bindExpression,
  columnFieldId,
  findFieldById,
  type BoundExpression,
  type BoundTerm,
  type BoundField,
  type SchemaJson,
} from './bind.ts';
export { literalFor } from './literals.ts';
export { rewriteNot, negate } from './rewrite-not.ts';
export { compareValues } from './compare.ts';
export { fileMayMatch } from './metrics-evaluator.ts';
export { partitionFields, projectToPartition, type PartitionFieldInfo } from './projection.ts';
export { partitionMayMatch, manifestMayMatch, type PartitionTuple } from './partition-evaluator.ts';
export { residualFor, residualJson } from './residual.ts';
export {
  applyTransform,
  bucketHash,
  bucketValue,
  murmur3Hash,
  partitionResultType,
  temporalTransform,
  truncateValue,
} from './transform-values.ts';
export * from './rest-content-file.ts';
export * from './rest-values.ts';
export * from './delete-index.ts';
export {
  equalityDeleteMayApply,
  equalityDeleteMayMatchFilter,
  equalityFields,
  type EqualityField,
  type EqualityFields,
  type FileMetrics,
} from './equality-overlap.ts';
