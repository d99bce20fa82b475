/** What is wrong with a catalog server URL, and the URL that was probably meant. */
export interface ServerUrlProblem {
  reason: string;
  /** The URL to use instead, when one can be guessed. */
  suggestion?: string;
}

// The paths the server answers below its root: a URL ending in one was copied from `rat serve`'s banner or a client
// config, and every request rat builds on it (`<url>/api/v2/…`) would 404 with a message about something else.
const API_PATH = /\/(iceberg|api\/v\d+)(\/.*)?$/;

/**
 * Why `url` cannot be the root of a catalog server, or undefined when it can. Checked wherever a URL enters (a flag,
 * `RAT_SERVER`, `catalog.url`) so that a URL without a scheme or one pointing at an API path is named with the fix,
 * instead of failing later as "Invalid URL" or a 404 about a missing branch.
 *
 * @example serverUrlProblem('127.0.0.1:8181') // { reason: 'has no http:// or https:// scheme', suggestion: 'http://127.0.0.1:8181' }
 * @example serverUrlProblem('http://h:8181/iceberg/main') // { reason: 'is the Iceberg REST URI …', suggestion: 'http://h:8181' }
 */
export function serverUrlProblem(url: string): ServerUrlProblem | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const guess = `http://${url.replace(/^\/+/, '')}`;
    return { reason: 'has no http:// or https:// scheme', suggestion: URL.canParse(guess) ? guess : undefined };
  }
  if (!/^https?:\/\//i.test(url)) return { reason: 'must start with http:// or https://' };
  if (!URL.canParse(url)) return { reason: 'is not a valid URL' };
  const parsed = new URL(url);
  const api = API_PATH.exec(parsed.pathname);
  if (api) {
    const root = `${parsed.origin}${parsed.pathname.slice(0, api.index)}`;
    const what = api[1] === 'iceberg' ? 'the Iceberg REST URI' : `the management API path /${api[1]}`;
    return { reason: `is ${what}, not the server root (rat adds /iceberg and /api/v2 itself)`, suggestion: root };
  }
  return undefined;
}

/**
 * `serverUrlProblem` as one sentence naming where the URL came from.
 *
 * @example describeServerUrlProblem('--server', '127.0.0.1:8181', p) // '--server "127.0.0.1:8181" has no … scheme: use http://127.0.0.1:8181'
 */
export function describeServerUrlProblem(source: string, url: string, problem: ServerUrlProblem): string {
  const fix = problem.suggestion ? `use ${problem.suggestion}` : 'give the server root such as http://127.0.0.1:8181';
  return `${source} "${url}" ${problem.reason}: ${fix}`;
}
