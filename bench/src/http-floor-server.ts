/**
 * The loopback HTTP floor's server: express 5 with the same app settings and JSON body parser as the catalog, and
 * handlers that do nothing, at `/floor`; and at `/bare`, a `POST` answered by node:http itself before express, as the
 * catalog answers commits and loads ahead of express (decision 021): its body read and parsed, `{}` sent back. Run as
 * its own process by floor.ts; prints `listening on <url>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: '64mb' }));
app.get('/floor', (_req, res) => {
  res.json({});
});
app.post('/floor', (_req, res) => {
  res.json({});
});

function bare(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/bare') bare(req, res);
  else void app(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
