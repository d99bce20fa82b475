import { commitTableRequest } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { commitTable, tableETag, type CommitInfo } from '../../service/iceberg/index.ts';
import { BadRequestError } from '../../errors/index.ts';
import { validatedBody } from './json-io.ts';
import { commitTableResponsePieces } from './load-table-body.ts';

/** What an updateTable (commit) request asks, read from its URL, headers and body by whichever front end received it. */
export interface CommitTableQuery {
  ref: string;
  namespace: string[];
  table: string;
  /** The body, parsed with 64-bit integers kept exact; undefined when the request had none. */
  body: unknown;
  info: CommitInfo;
}

/** The answer: the new metadata's ETag, and the body as pieces (the metadata file's bytes inside its envelope). */
export interface CommitTableResponse {
  etag: string;
  pieces: ReadonlyArray<string | Buffer>;
}

/**
 * updateTable without a web framework: the express route and the front end ahead of express (http/hot-commits.ts)
 * both answer with this, so the two cannot drift apart. The body is validated here; an identifier in it must name
 * the table of the path.
 *
 * @example const r = await commitTableResponse(ctx, { ref: 'main', namespace: ['db'], table: 't', body, info: {} })
 */
export async function commitTableResponse(ctx: AppContext, q: CommitTableQuery): Promise<CommitTableResponse> {
  const body = validatedBody(commitTableRequest, q.body);
  const id = body.identifier;
  if (id && (id.name !== q.table || id.namespace.join('\u001f') !== q.namespace.join('\u001f'))) {
    throw new BadRequestError(`The body's identifier ${[...id.namespace, id.name].join('.')} does not match the path.`);
  }
  const t = await commitTable(ctx, q.ref, q.namespace, q.table, body, q.info);
  return {
    // The same tag a full load of the new metadata gets, so the client's next conditional load can be a 304.
    etag: tableETag(t.metadataLocation, 'all'),
    pieces: commitTableResponsePieces(t.metadataLocation, t.metadataBytes),
  };
}
