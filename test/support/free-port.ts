import net from 'node:net';

/**
 * A loopback port that was free a moment ago, for servers that need their port on the command line (a caller that
 * loses the race to another process retries with a new one).
 *
 * @example const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
