import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long a shutdown waits for requests in flight before it closes the connections still open. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** A kept-alive connection idle this long while draining is closed (its client is not about to send on it). */
const DRAIN_IDLE_MS = 500;

/**
 * Lets a server stop while clients keep it busy. `server.close()` only stops accepting connections and closes the
 * ones idle at that moment; a keep-alive client (fetch, Java's and Python's HTTP clients, a load balancer's upstream
 * pool) sending request after request on its connection kept it open, so a rolling restart hung until it was killed,
 * cutting the requests then in flight; and a connection closed at the instant its client sent the next request on it
 * resets that request. Once draining, every response says `Connection: close` (the client sends its next request on
 * a new connection, which finds this process no longer listening and goes elsewhere); a connection whose response was
 * already sent is ended after it; a connection idle for `DRAIN_IDLE_MS` is closed; whatever is still open after
 * `timeoutMs` is closed.
 *
 * @example const d = drainable(handler); const server = http.createServer(d.handler); d.track(server); await d.drain(server)
 */
export function drainable(handler: RequestListener): {
  handler: RequestListener;
  track(server: Server): void;
  drain(server: Server, timeoutMs?: number): Promise<void>;
} {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  /** Each open connection, and since when it is idle (undefined while a request on it runs). */
  const idleSince = new Map<Socket, number | undefined>();
  const wrapped: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    idleSince.set(req.socket, undefined);
    res.once('close', () => {
      inFlight.delete(res);
      if (idleSince.has(req.socket)) idleSince.set(req.socket, Date.now());
    });
    handler(req, res);
  };
  return {
    handler: wrapped,
    track(server) {
      server.on('connection', (socket: Socket) => {
        idleSince.set(socket, Date.now());
        socket.once('close', () => idleSince.delete(socket));
      });
    },
    async drain(server, timeoutMs = DRAIN_TIMEOUT_MS) {
      draining = true;
      // Responses already under way end their connection too: by header when theirs is not out yet, else once sent.
      for (const res of inFlight) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
        else res.once('finish', () => res.socket?.end());
      }
      // Stops listening without http.Server.close()'s closing of every idle connection at once (see above).
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      const sweep = setInterval(() => {
        const now = Date.now();
        for (const [socket, since] of idleSince) if (since !== undefined && now - since >= DRAIN_IDLE_MS) socket.end();
      }, 100);
      const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
        clearTimeout(deadline);
      }
    },
  };
}
