import { bindExpression, type BoundExpression } from './bind.ts';
import { parseExpression } from './expression.ts';

/** A table schema for the scan tests: one column of every primitive type, a nested struct and a list. */
export const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
    { id: 3, name: 'ts', type: 'timestamp', required: false },
    { id: 4, name: 'tstz', type: 'timestamptz', required: false },
    { id: 5, name: 'd', type: 'date', required: false },
    { id: 6, name: 'price', type: 'decimal(10, 2)', required: false },
    { id: 7, name: 'score', type: 'double', required: false },
    { id: 8, name: 'ratio', type: 'float', required: false },
    { id: 9, name: 'n', type: 'int', required: false },
    { id: 10, name: 'u', type: 'uuid', required: false },
    { id: 11, name: 'bin', type: 'binary', required: false },
    { id: 12, name: 'fx', type: 'fixed[2]', required: false },
    {
      id: 13,
      name: 'location',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 14, name: 'city', type: 'string', required: false },
          { id: 15, name: 'Zip', type: 'int', required: false },
        ],
      },
    },
    {
      id: 16,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 17, element: 'string', 'element-required': false },
    },
    { id: 18, name: 'flag', type: 'boolean', required: false },
    { id: 19, name: 't', type: 'time', required: false },
    { id: 20, name: 'tsns', type: 'timestamp_ns', required: false },
  ],
};

/** Parses and binds a JSON filter against SCHEMA. */
export const bindJson = (json: unknown, caseSensitive = true): BoundExpression =>
  bindExpression(parseExpression(json), SCHEMA, caseSensitive);
