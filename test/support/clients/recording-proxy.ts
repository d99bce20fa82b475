import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedExchange {
  method: string;
  url: string;
  status: number;
  /** Request body (truncated) for failed exchanges, to report exactly what a client sent. */
  requestBody?: string;
  /** Response body (truncated) for failed exchanges. */
  responseBody?: string;
}

export interface RecordingProxy {
  /** Base URL to give clients instead of the server's (same paths). */
  url: string;
  /** Every exchange, in order. */
  exchanges: RecordedExchange[];
  /** Exchanges answered with a status >= `min` (default 500). */
  failures(min?: number): RecordedExchange[];
  close(): Promise<void>;
}

const KEEP = 4000;

/**
 * A pass-through HTTP proxy on 127.0.0.1 (free port) in front of `target` that records each request's method,
 * path and status (and the bodies of failed ones). Tests point real clients at it to assert that a whole client
 * session caused no 5xx, and to report the exact request behind a failure.
 *
 * @example const proxy = await startRecordingProxy(server.url); ...; assert.deepEqual(proxy.failures(), []);
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: RecordedExchange[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const resChunks: Buffer[] = [];
          up.on('data', (c: Buffer) => resChunks.push(c));
          up.on('end', () => {
            const resBody = Buffer.concat(resChunks);
            const status = up.statusCode ?? 0;
            exchanges.push({
              method: req.method ?? '',
              url: req.url ?? '',
              status,
              ...(status >= 400
                ? {
                    requestBody: body.toString('utf8').slice(0, KEEP),
                    responseBody: resBody.toString('utf8').slice(0, KEEP),
                  }
                : {}),
            });
            res.writeHead(status, up.headers);
            res.end(resBody);
          });
        },
      );
      out.on('error', (err) => {
        exchanges.push({ method: req.method ?? '', url: req.url ?? '', status: 502, responseBody: String(err) });
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    failures: (min = 500) => exchanges.filter((e) => e.status >= min),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
