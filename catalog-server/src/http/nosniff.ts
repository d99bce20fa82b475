import type { RequestListener } from 'node:http';

/**
 * `X-Content-Type-Options: nosniff` on every answer of the server: the Iceberg REST and management APIs' JSON, their
 * errors, and what the front ends ahead of express answer (http/hot-reads.ts, http/hot-commits.ts). Those answers
 * echo what clients stored (names, properties, commit messages, error messages quoting the request), so a browser
 * sent to an API URL must take them for the JSON they say they are, never sniff them into HTML or script; the web UI's
 * files carry it too (http/ui/static.ts). Set before anything else runs, so no answer path can miss it; one constant
 * header, the only cost on the hot path.
 *
 * @example http.createServer(nosniff(hotReads(ctx, hotCommits(ctx, createApp(ctx)))))
 */
export function nosniff(next: RequestListener): RequestListener {
  return (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next(req, res);
  };
}
