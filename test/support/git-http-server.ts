import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A git server over HTTP on port 0: git's own `http-backend`, run for each request as a web server runs it. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`: a repository `<root>/x.git` is `<url>/x.git`. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves the repositories under `root` read-only over git's smart HTTP protocol, as a forge does, so that clients
 * fetch them as they fetch from one; with `credential` (`user:password`), only to requests that give it.
 *
 * @example const s = await startGitHttpServer('/tmp/repos'); await git.clone({ url: `${s.url}/dates.git`, … })
 */
export async function startGitHttpServer(root: string, o: { credential?: string } = {}): Promise<GitHttpServer> {
  const expected = o.credential && `Basic ${Buffer.from(o.credential).toString('base64')}`;
  const server = http.createServer((req, res) => {
    // A private repository: every request carries the credential, as a forge asks with a 401.
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on('data', (b: Buffer) => out.push(b));
    cgi.on('close', () => {
      const all = Buffer.concat(out);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, Math.max(end, 0)).toString('latin1');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').filter(Boolean)) {
        const [k, ...v] = line.split(':');
        if (k!.toLowerCase() === 'status') status = Number.parseInt(v.join(':').trim(), 10);
        else headers[k!] = v.join(':').trim();
      }
      res.writeHead(end < 0 ? 500 : status, headers);
      res.end(end < 0 ? all : all.subarray(end + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
