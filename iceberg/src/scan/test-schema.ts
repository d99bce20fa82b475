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

/** mulberry32: a small seeded generator, so a failure replays. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Gen = () => number;
export const pick = <T>(r: Gen, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const int = (r: Gen, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
