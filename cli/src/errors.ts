/**
 * How every `rat` command reports a failure: one line on stderr (`rat: …`), or with `--json` one object on stdout
 * (`{"error": {code, message, status, data}}`), and a non-zero exit code. One place, so that the same failure (a server
 * that is down, a URL that is not a catalog) reads the same whichever command met it.
 */
import { IcebergRestError, ManagementApiError } from '@ratatouille/catalog-client';
import { CatalogUnreachableError } from '@ratatouille/git-sync';

/** A failure as shown to the user; `--json` prints all of it with this shape (`status` null without an HTTP one). */
export interface CliError {
  code: string;
  message: string;
  /** The HTTP status of a server's refusal, else null. */
  status: number | null;
  data: unknown;
  /** 2 for a conflict (a moved branch, a data merge conflict), so scripts can retry; 1 otherwise. */
  exitCode: number;
}

/** A failure a command reports on purpose, with its code for `--json` and its exit code (2: retry or decide). */
export class RatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RatError';
  }
}

/**
 * The sentence for a server that did not answer, the same for every command.
 *
 * @example unreachableMessage('http://127.0.0.1:8181', 'ECONNREFUSED')
 */
export function unreachableMessage(server: string, cause: string): string {
  return (
    `cannot reach the catalog server at ${server} (${cause}); start one with \`rat serve\`, ` +
    'or point --server or RAT_SERVER at it'
  );
}

/** The server root a request URL was built on (`http://h:1/api/v2/trees` → `http://h:1`). */
function serverOf(url: string): string {
  const at = url.search(/\/(api\/v2|iceberg)(\/|$|\?)/);
  if (at >= 0) return url.slice(0, at);
  return URL.canParse(url) ? new URL(url).origin : url;
}

/** The path of a request URL below its server root, for naming what answered 404. */
function pathOf(url: string): string {
  return url.slice(serverOf(url).length) || '/';
}

/**
 * What to tell the user about `err`: the catalog's code and status for a server's refusal, the server named with the
 * fix for one that did not answer or that does not look like a catalog at all, the code and data of rat's own errors.
 *
 * @example describeError(new Error('boom')) // { code: 'ERROR', message: 'boom', status: null, data: {}, exitCode: 1 }
 */
export function describeError(err: unknown): CliError {
  if ((err instanceof ManagementApiError || err instanceof IcebergRestError) && err.status === 0) {
    // No answer at all: say where the command looked and how to point it elsewhere.
    const cause =
      err instanceof ManagementApiError ? String(err.cause ?? err.errorCode) : err.message.split(': ').pop();
    const server = serverOf(err.url);
    return {
      code: 'UNREACHABLE',
      message: unreachableMessage(server, cause ?? 'no answer'),
      status: null,
      data: { server, cause },
      exitCode: 1,
    };
  }
  if (err instanceof CatalogUnreachableError) {
    const { url, cause } = err.data as { url: string; cause: string };
    return {
      code: 'UNREACHABLE',
      message: unreachableMessage(url, cause),
      status: null,
      data: { server: url, cause },
      exitCode: 1,
    };
  }
  if (err instanceof ManagementApiError) {
    if (err.status === 404 && err.errorCode === 'UNKNOWN') {
      // A 404 without the catalog's error body: something answered, but not a catalog's management API at this root.
      const server = serverOf(err.url);
      return {
        code: 'NOT_A_CATALOG_SERVER',
        message:
          `the server at ${server} answered 404 Not Found for ${pathOf(err.url)}: it is not a Ratatouille catalog ` +
          'server root; point --server or RAT_SERVER at the root rat serve prints (http://host:port)',
        status: 404,
        data: { server },
        exitCode: 1,
      };
    }
    const hint = err.status === 401 ? ' (set RAT_TOKEN, or RAT_CLIENT_ID and RAT_CLIENT_SECRET)' : '';
    return {
      code: err.catalogCode ?? err.errorCode,
      message: `${stripRequest(err.message)}${hint}`,
      status: err.status,
      data: err.details ?? {},
      exitCode: err.isConflict ? 2 : 1,
    };
  }
  const e = err as { code?: unknown; message?: string; data?: unknown; status?: unknown };
  const hint = e.code === 'EADDRINUSE' ? ' (the port is taken: pick another with --port, or --port 0)' : '';
  return {
    code: typeof e.code === 'string' ? e.code : 'ERROR',
    message: `${stripRequest(e.message ?? String(err))}${hint}`,
    status: typeof e.status === 'number' ? e.status : null,
    data: e.data ?? {},
    exitCode: err instanceof RatError ? err.exitCode : 1,
  };
}

// A refusal reads `POST <url> → 400 BAD_REQUEST: <reason>`: the reason is what the user needs.
const stripRequest = (message: string) => message.replace(/^[A-Z]+ \S+ → /, '');

/**
 * A server's own sentence of a refusal, without the request, status and code its error's message starts with.
 *
 * @example serverMessage('GET http://h/api/v2/x → 422 BAD_REQUEST: Too many rows.') // 'Too many rows.'
 */
export const serverMessage = (message: string) => stripRequest(message).replace(/^\d+ \S+: /, '');

/**
 * Prints `err` as `rat: <message>` on stderr, or with `json` as `{"error": …}` on stdout, and sets the exit code.
 * RAT_DEBUG=1 adds the stack for bug reports.
 */
export function reportError(err: unknown, json: boolean): void {
  const { exitCode, ...error } = describeError(err);
  if (json) process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  else process.stderr.write(`rat: ${error.message}\n`);
  if (process.env['RAT_DEBUG'] === '1') console.error(err);
  process.exitCode = exitCode;
}

/** Whether the command line asks for JSON output (`--json` before a `--` that ends the options). */
export function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
