import { z } from 'zod';
import { properties } from './parts.ts';
import { InvalidMetadataError } from '../errors/index.ts';

/**
 * UDF metadata (Iceberg's UDF spec, format version 1): a function's self-contained metadata file, keyed by the
 * spec's JSON names. One function may hold several overloaded definitions, each with its versions; the
 * `definition-log` says which version of each was current when. Fields this version does not know are kept as read,
 * so a newer writer's file is served whole.
 */
export interface FunctionMetadata {
  'function-uuid': string;
  'format-version': 1;
  definitions: FunctionDefinition[];
  'definition-log': Array<{
    'timestamp-ms': number;
    'definition-versions': Array<{ 'definition-id': string; 'version-id': number }>;
  }>;
  location?: string;
  properties?: Record<string, string>;
  secure?: boolean;
  doc?: string;
  [extra: string]: unknown;
}

export interface FunctionDefinition {
  'definition-id': string;
  parameters: Array<{ name: string; type: FunctionDataType; doc?: string }>;
  'return-type': FunctionDataType;
  versions: Array<{
    'version-id': number;
    representations: Array<{ type: string; [field: string]: unknown }>;
    'timestamp-ms': number;
    [extra: string]: unknown;
  }>;
  'current-version-id': number;
  'function-type': 'udf' | 'udtf';
  [extra: string]: unknown;
}

/** A parameter or return type: a type string (`int`, `decimal(9,2)`), or a list, map or struct of them. */
export type FunctionDataType =
  | string
  | { type: 'list'; element: FunctionDataType }
  | { type: 'map'; key: FunctionDataType; value: FunctionDataType }
  | { type: 'struct'; fields: Array<{ name: string; type: FunctionDataType }> };

const dataType: z.ZodType<FunctionDataType> = z.lazy(() =>
  z.union([
    // The spec's type strings hold no spaces or quotes: `decimal(9,2)`, never `decimal(9, 2)`.
    z.string().regex(/^[^\s"']+$/, 'a type string without spaces or quotes'),
    z.looseObject({ type: z.literal('list'), element: dataType }),
    z.looseObject({ type: z.literal('map'), key: dataType, value: dataType }),
    z.looseObject({
      type: z.literal('struct'),
      fields: z.array(z.looseObject({ name: z.string(), type: dataType })),
    }),
  ]),
) as z.ZodType<FunctionDataType>;

const sqlRepresentation = z.looseObject({ type: z.literal('sql'), dialect: z.string().min(1), sql: z.string() });

const definition = z
  .looseObject({
    'definition-id': z.string(),
    'specific-name': z.string().optional(),
    parameters: z.array(z.looseObject({ name: z.string(), type: dataType, doc: z.string().optional() })),
    'return-type': dataType,
    'return-nullable': z.boolean().optional(),
    versions: z
      .array(
        z.looseObject({
          'version-id': z.number().int(),
          // SQL is the one representation the spec defines; another type is a newer writer's, kept as read.
          representations: z.array(
            z.union([sqlRepresentation, z.looseObject({ type: z.string().refine((t) => t !== 'sql') })]),
          ),
          deterministic: z.boolean().optional(),
          'on-null-input': z.enum(['return-null', 'call']).optional(),
          'timestamp-ms': z.number().int(),
        }),
      )
      .min(1),
    'current-version-id': z.number().int(),
    'function-type': z.enum(['udf', 'udtf']),
    doc: z.string().optional(),
  })
  .superRefine((d, ctx) => {
    if (!d.versions.some((v) => v['version-id'] === d['current-version-id'])) {
      ctx.addIssue({
        code: 'custom',
        path: ['current-version-id'],
        message: `no version ${d['current-version-id']} among the definition's versions`,
      });
    }
    // A table function returns rows: its return type is the struct of their columns.
    if (d['function-type'] === 'udtf' && (typeof d['return-type'] === 'string' || d['return-type'].type !== 'struct')) {
      ctx.addIssue({ code: 'custom', path: ['return-type'], message: 'a udtf returns a struct' });
    }
  });

const rawFunctionMetadata = z
  .looseObject({
    'function-uuid': z.string().min(1),
    'format-version': z.literal(1),
    definitions: z.array(definition),
    'definition-log': z.array(
      z.looseObject({
        'timestamp-ms': z.number().int(),
        'definition-versions': z.array(z.looseObject({ 'definition-id': z.string(), 'version-id': z.number().int() })),
      }),
    ),
    location: z.string().optional(),
    properties: properties.optional(),
    secure: z.boolean().optional(),
    doc: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    const ids = new Set<string>();
    m.definitions.forEach((d, i) => {
      if (ids.has(d['definition-id'])) {
        ctx.addIssue({
          code: 'custom',
          path: ['definitions', i, 'definition-id'],
          message: `definition "${d['definition-id']}" appears twice`,
        });
      }
      ids.add(d['definition-id']);
    });
  });

/**
 * Reads UDF metadata JSON (parsed with `parseJson`); anything that is not format version 1 UDF metadata is an
 * InvalidMetadataError naming what is wrong.
 *
 * @example parseFunctionMetadata(parseJson(await io.read(location)))['definitions'][0]['definition-id'] // 'int,int'
 */
export function parseFunctionMetadata(json: unknown): FunctionMetadata {
  const r = rawFunctionMetadata.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidMetadataError(`Not valid Iceberg UDF metadata: ${issues}`);
  }
  return r.data as FunctionMetadata;
}
