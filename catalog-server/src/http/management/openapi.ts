/**
 * The management API's OpenAPI 3.1 document (`GET /api/v2/openapi.json`), generated from the zod schemas the routes
 * validate requests with (schemas.ts, git/schemas.ts) and the response schemas (responses.ts), with zod's own JSON
 * Schema output. A unit test checks that every route of the routers is listed here; the integration suite validates
 * real responses against the document.
 */
import { z } from 'zod';
import * as s from './schemas.ts';
import * as r from './responses.ts';
import * as git from '../git/schemas.ts';

type Method = 'get' | 'post' | 'put' | 'delete';

interface Operation {
  method: Method;
  /** Relative to `/api/v2`, with `{param}` path parameters. */
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The 200 answer; absent: 204 without a body. */
  response?: z.ZodType;
}

const OPERATIONS: Operation[] = [
  { method: 'get', path: '/config', summary: 'Server configuration and API versions', response: r.config },
  {
    method: 'get',
    path: '/trees',
    summary: 'References the caller may read, branches first',
    query: s.listReferencesQuery,
    response: r.references,
  },
  {
    method: 'post',
    path: '/trees',
    summary: 'Create a branch or tag at a commit',
    query: s.createReferenceQuery,
    body: s.referenceBody,
    response: r.singleReference,
  },
  {
    method: 'get',
    path: '/trees/{ref}',
    summary: 'A reference by name',
    query: s.getReferenceQuery,
    response: r.singleReference,
  },
  {
    method: 'put',
    path: '/trees/{ref}',
    summary: 'Move a reference ({ref} = name@expected-hash) to a commit',
    query: s.typeQuery,
    body: s.referenceBody,
    response: r.singleReference,
  },
  {
    method: 'delete',
    path: '/trees/{ref}',
    summary: 'Delete a reference ({ref} = name@expected-hash)',
    query: s.typeQuery,
    response: r.singleReference,
  },
  {
    method: 'get',
    path: '/trees/{ref}/history',
    summary: 'Commit log, newest first',
    query: s.historyQuery,
    response: r.log,
  },
  {
    method: 'get',
    path: '/trees/{ref}/recent-changes',
    summary: "A reference's current and previous heads",
    query: s.recentChangesQuery,
    response: r.recentChanges,
  },
  {
    method: 'get',
    path: '/trees/{ref}/entries',
    summary: 'Keys at a reference, optionally with content and a CEL filter',
    query: s.entriesQuery,
    response: r.entries,
  },
  {
    method: 'get',
    path: '/trees/{from}/diff/{to}',
    summary: 'Keys that differ between two references',
    query: s.diffQuery,
    response: r.diff,
  },
  {
    method: 'get',
    path: '/trees/{ref}/contents/{key}',
    summary: "One key's content",
    query: s.contentsQuery,
    response: r.singleContent,
  },
  {
    method: 'get',
    path: '/trees/{ref}/contents',
    summary: 'Contents of several keys (?key=…&key=…)',
    query: s.contentsQuery,
    response: r.multipleContents,
  },
  {
    method: 'post',
    path: '/trees/{ref}/contents',
    summary: 'Contents of several keys (in the body)',
    query: s.contentsQuery,
    body: s.multipleContentsBody,
    response: r.multipleContents,
  },
  {
    method: 'post',
    path: '/trees/{ref}/history/commit',
    summary: 'Commit operations to a branch ({ref} = branch@expected-hash)',
    body: s.commitBody,
    response: r.commitResponse,
  },
  {
    method: 'post',
    path: '/trees/{ref}/history/merge',
    summary: 'Merge a reference into a branch ({ref} = branch@expected-hash)',
    body: s.mergeBody,
    response: r.mergeResponse,
  },
  {
    method: 'post',
    path: '/trees/{ref}/history/transplant',
    summary: 'Apply commits of a reference onto a branch ({ref} = branch@expected-hash)',
    body: s.transplantBody,
    response: r.mergeResponse,
  },
  {
    method: 'post',
    path: '/trees/{ref}/history/revert',
    summary: 'Undo a commit of a branch with a new commit ({ref} = branch@expected-hash; Ratatouille)',
    body: s.revertBody,
    response: r.revertResponse,
  },
  {
    method: 'get',
    path: '/rat/reflog',
    summary: 'Reference head moves, newest first',
    query: s.reflogQuery,
    response: r.reflog,
  },
  {
    method: 'post',
    path: '/rat/gc',
    summary: 'Delete (or list, with dryRun) files no kept commit reaches',
    body: s.gcBody,
    response: r.gcReport,
  },
  {
    method: 'get',
    path: '/rat/released-tables',
    summary: 'Tables unregistered to other catalogs, whose folders GC leaves alone, a page at a time',
    query: s.releasedTablesQuery,
    response: r.releasedTables,
  },
  {
    method: 'delete',
    path: '/rat/released-tables',
    summary: 'Take a release back: GC may collect the table’s files again once nothing reaches them',
    query: s.reclaimQuery,
  },
  {
    method: 'get',
    path: '/git/links/{sha}',
    summary: 'The data commit linked to a code commit',
    response: git.codeLink,
  },
  {
    method: 'put',
    path: '/git/links/{sha}',
    summary: 'Link a code commit to a data commit',
    body: git.linkBody,
    response: git.codeLink,
  },
  {
    method: 'get',
    path: '/git/links',
    summary: 'Code commits linked to a data commit, newest first, a page at a time',
    query: git.linksQuery,
    response: z.object({ ...r.paged, links: z.array(git.codeLink) }),
  },
  {
    method: 'get',
    path: '/git/pending-merges',
    summary: 'Forge merges waiting for `rat sync` (into one target branch, or all)',
    query: git.pendingQuery,
    response: z.object({ pendingMerges: z.array(git.pendingMerge) }),
  },
  {
    method: 'delete',
    path: '/git/pending-merges/{id}',
    summary: 'Forget a pending forge merge that `rat sync` finished or settled',
    query: git.clearQuery,
  },
];

/** JSON Schema of a zod schema, without the `$schema` key (the document declares the dialect once). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}

function parameters(op: Operation): unknown[] {
  const path = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !(schema as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(schema as z.ZodType, 'input'),
  }));
  return [...path, ...query];
}

function operationObject(op: Operation): Record<string, unknown> {
  const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
  return {
    summary: op.summary,
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string) => (c ?? '').toUpperCase())}`,
    parameters: parameters(op),
    ...(op.body ? { requestBody: { required: true, content: json(jsonSchema(op.body, 'input')) } } : {}),
    responses: {
      ...(op.response
        ? { '200': { description: 'OK', content: json(jsonSchema(op.response, 'output')) } }
        : { '204': { description: 'Done' } }),
      default: {
        description: 'Error (Iceberg and Nessie error models)',
        content: json({ $ref: '#/components/schemas/Error' }),
      },
    },
  };
}

let document: Record<string, unknown> | undefined;

/**
 * The OpenAPI document, built once.
 *
 * @example managementOpenApi().paths['/trees/{ref}/history'].get.responses['200']
 */
export function managementOpenApi(): Record<string, unknown> {
  if (document) return document;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  document = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Ratatouille management API',
      version: '2',
      description:
        "Branches, tags, commits, merges and contents in the shapes of Project Nessie's REST API v2, plus " +
        "Ratatouille's reflog, garbage collection and code-commit links. See docs/api/management.md.",
    },
    servers: [{ url: '/api/v2' }],
    paths,
    components: { schemas: { Error: jsonSchema(r.error, 'output') } },
  };
  return document;
}

/** `METHOD /path` of every documented operation, for the coverage check against the routers. */
export function documentedOperations(): string[] {
  return OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`);
}
