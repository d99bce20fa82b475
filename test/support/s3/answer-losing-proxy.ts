import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy forwarded: S3's status, or `lost` when the proxy dropped the connection instead. */
export interface ProxiedRequest {
  method: string;
  /** The path (bucket and key, path style), without the query. */
  path: string;
  status: number | 'lost';
}

export interface AnswerLosingProxy {
  /** `http://127.0.0.1:<port>`: give it to clients as their S3 endpoint. */
  url: string;
  /** Every request so far, in the order S3 answered them. */
  log: ProxiedRequest[];
  /** Sets where requests go (the S3 server, started after the proxy when the catalog needs the proxy's URL first). */
  forwardTo(endpoint: string): void;
  /** Decides, per request, whether S3's answer is lost: the request reaches S3 and takes effect, the client hears nothing. */
  loseAnswerWhen(lose: (req: { method: string; path: string }) => boolean): void;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of S3 that can lose S3's answer after the request took effect: it forwards the whole
 * request, waits for S3's full answer, then drops the client's connection. That is the failure after which a client
 * retries a write that has in fact landed. Headers (Host included) are forwarded as sent, so signatures still match.
 *
 * @example const proxy = await startAnswerLosingProxy(); proxy.forwardTo(s3.endpoint); proxy.loseAnswerWhen((r) => r.method === 'PUT');
 */
export async function startAnswerLosingProxy(): Promise<AnswerLosingProxy> {
  let upstream: URL | undefined;
  let lose: (req: { method: string; path: string }) => boolean = () => false;
  const log: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const method = req.method!;
    const path = decodeURIComponent(new URL(req.url!, 'http://proxy').pathname);
    if (!upstream) {
      res.writeHead(502).end('no upstream');
      return;
    }
    const lost = lose({ method, path });
    // Node's server has already answered `Expect: 100-continue` itself; S3 must not wait for a second go-ahead. The
    // header is never part of a SigV4 signature.
    const { expect: _expect, ...headers } = req.headers;
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method, path: req.url, headers },
      (answer) => {
        if (lost) {
          answer.resume();
          answer.on('end', () => {
            log.push({ method, path, status: 'lost' });
            req.socket.destroy();
          });
          return;
        }
        log.push({ method, path, status: answer.statusCode! });
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => req.socket.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    forwardTo(endpoint) {
      upstream = new URL(endpoint);
    },
    loseAnswerWhen(fn) {
      lose = fn;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
