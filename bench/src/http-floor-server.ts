/**
 * The loopback HTTP floor's server: express 5 with the same app settings and JSON body parser as the catalog, and
 * handlers that do nothing. Run as its own process by floor.ts; prints `listening on <url>`.
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
const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
