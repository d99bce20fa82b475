import type { FunctionMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { NoSuchFunctionError, NoSuchNamespaceError } from '../../errors/index.ts';
import { readRef } from './refs.ts';
import { displayName, objectKey } from './keys.ts';
import { readFunctionMetadata, requireMetadataFile } from './metadata-io.ts';
import { findNamespace } from './namespaces.ts';
import type { PageParams } from './paging.ts';
import { listObjects } from './table-reads.ts';

/*
 * Functions (UDFs) as the Iceberg REST API serves them: listed and loaded on any reference. A function is a `UDF`
 * content whose metadata file (Iceberg's UDF format) lies in the catalog's storage; writers record it through the
 * management API (Nessie's `UDF` content), as the REST API defines no write of its own for functions.
 */

type Ctx = Pick<AppContext, 'store' | 'locations'>;

export interface LoadedFunction {
  metadataLocation: string;
  metadata: FunctionMetadata;
}

/**
 * The functions directly in namespace `ns` at `ref`, a page at a time, as the spec's catalog object identifiers
 * (`[...namespace, name]`).
 *
 * @example (await listFunctions(ctx, 'main', ['db'], {})).identifiers // [['db', 'add_one']]
 */
export async function listFunctions(
  ctx: Ctx,
  ref: string,
  ns: string[],
  page: PageParams,
): Promise<{ identifiers: string[][]; next?: string }> {
  const listed = await listObjects(ctx, ref, ns, 'UDF', page);
  return { identifiers: listed.identifiers.map((id) => [...id.namespace, id.name]), next: listed.next };
}

/**
 * Function `name` of namespace `ns` at `ref`, with every overloaded definition its metadata file holds. A name that is
 * no function there is NoSuchFunction (or NoSuchNamespace when its namespace is missing too); a function whose file
 * vanished is reported, as a table's load does.
 *
 * @example (await loadFunction(ctx, 'main', ['db'], 'add_one')).metadata.definitions.length // 2
 */
export async function loadFunction(ctx: Ctx, ref: string, ns: string[], name: string): Promise<LoadedFunction> {
  const at = await readRef(ctx.store, ref);
  const content = await ctx.store.getContent(at.hash, objectKey(ns, name));
  if (content?.type !== 'UDF') {
    if (!(await findNamespace(ctx.store, at.hash, ns))) throw new NoSuchNamespaceError(ns, ref);
    throw new NoSuchFunctionError(displayName(ns, name), ref);
  }
  await requireMetadataFile(ctx, content.metadataLocation);
  return {
    metadataLocation: content.metadataLocation,
    metadata: await readFunctionMetadata(ctx, content.metadataLocation),
  };
}
