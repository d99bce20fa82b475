/**
 * The parts of Iceberg UDF metadata the UI shows (UDF spec v1), as the REST catalog returns them, and the pure reading
 * of them: each definition's signature and its current version.
 */
import { typeText, type Id, type TypeShape } from './table-metadata.ts';
import type { ViewRepresentationView } from './view-metadata.ts';

export interface FunctionVersionView {
  'version-id': number;
  'timestamp-ms': Id;
  representations: ViewRepresentationView[];
  deterministic?: boolean;
  'on-null-input'?: string;
}

export interface FunctionDefinitionView {
  'definition-id': string;
  'specific-name'?: string;
  parameters: Array<{ name: string; type: TypeShape; doc?: string }>;
  'return-type': TypeShape;
  'return-nullable'?: boolean;
  versions: FunctionVersionView[];
  'current-version-id': number;
  'function-type': string;
  doc?: string;
}

export interface FunctionMetadataView {
  'function-uuid': string;
  'format-version': number;
  definitions: FunctionDefinitionView[];
  'definition-log': Array<{
    'timestamp-ms': Id;
    'definition-versions': Array<{ 'definition-id': string; 'version-id': number }>;
  }>;
  location?: string;
  properties?: Record<string, string>;
  secure?: boolean;
  doc?: string;
}

/**
 * How a definition is called: `name(x int, y decimal(9,2)) → int`.
 *
 * @example signatureText('add_one', md.definitions[0]) // 'add_one(x int) → int'
 */
export function signatureText(name: string, d: FunctionDefinitionView): string {
  const params = d.parameters.map((p) => `${p.name} ${typeText(p.type)}`).join(', ');
  return `${name}(${params}) → ${typeText(d['return-type'])}`;
}

/** The version `current-version-id` names; undefined only for metadata that breaks the spec. */
export function currentFunctionVersion(d: FunctionDefinitionView): FunctionVersionView | undefined {
  return d.versions.find((v) => v['version-id'] === d['current-version-id']);
}
