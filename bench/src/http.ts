import http from 'node:http';

/** One HTTP answer: status, headers and the raw body text (parsed only when the caller needs it). */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * The one HTTP client every lane uses, so that client cost is identical across servers: node:http with a keep-alive
 * agent (one socket per concurrent writer), JSON in, text out. Lighter than `fetch`, which matters when the figure
 * being measured is a sub-millisecond loopback round trip.
 *
 * @example const c = new BenchClient('http://127.0.0.1:8181'); const a = await c.send('GET', '/v1/config');
 */
export class BenchClient {
  readonly base: URL;
  private readonly agent: http.Agent;

  constructor(
    base: string,
    maxSockets = 64,
    /** Sent with every request (e.g. `authorization` for a catalog with auth on). */
    private readonly defaultHeaders: Record<string, string> = {},
  ) {
    this.base = new URL(base.endsWith('/') ? base : `${base}/`);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** `path` is appended to the base path (`/iceberg` + `/v1/config`). */
  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const basePath = this.base.pathname.replace(/\/$/, '');
    return new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path: basePath + path,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...this.defaultHeaders,
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like `send` but throws unless the status is 2xx, and parses the JSON body. */
  async json<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const a = await this.send(method, path, body, headers);
    if (a.status < 200 || a.status > 299) {
      throw new HttpError(method, path, a);
    }
    return (a.text ? JSON.parse(a.text) : null) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export class HttpError extends Error {
  readonly status: number;
  constructor(method: string, path: string, answer: Answer) {
    super(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 400)}`);
    this.status = answer.status;
  }
}
