import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface HttpServerSettings {
  host: string;
  port: number;
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Headers must arrive within this. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Shutdown: how long requests already received may take before their connections are destroyed. */
  shutdownGraceMs: number;
}

export interface HttpServer {
  server: Server;
  /** The address actually bound, e.g. `127.0.0.1:3000` or `[::]:3000`. */
  address: string;
  /** A URL a local client can use (a wildcard address becomes 127.0.0.1). */
  url: string;
  /**
   * Stops accepting connections and lets requests already received finish, answered with
   * `Connection: close`; after the grace period destroys whatever is left. Never waits longer
   * than the grace period (plus a moment), whatever clients do. Resolves with how many
   * connections had to be destroyed.
   */
  close(): Promise<{ destroyed: number }>;
}

/**
 * An idle keep-alive connection may already carry a request the server has not read yet (sent
 * just before the signal, or still on its way from a busy client). Closing it at once resets
 * that request, so it lingers this long first (at most the grace period); a request that
 * arrives meanwhile is answered, with `Connection: close`. 300 ms was measured too short on a
 * loaded machine (1 reset in a full test run).
 */
const IDLE_LINGER_MS = 1_000;

/** Starts listening; see HttpServer for how it stops. */
export async function startHttpServer(listener: RequestListener, settings: HttpServerSettings): Promise<HttpServer> {
  const server = http.createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default): keep them honest.
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    listener,
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;

  const inFlight = new Map<Socket, number>();
  const responses = new Set<ServerResponse>();
  let closing = false;

  const endIfIdle = (socket: Socket) => {
    if (closing && !socket.destroyed && (inFlight.get(socket) ?? 0) === 0) socket.end();
  };
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  // Registered before the app's listener, so it sees every request first.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    responses.add(res);
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
      // A response whose headers went out before shutdown said keep-alive: end its socket now.
      setImmediate(() => endIfIdle(socket));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const address = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const url = `http://${wildcard ? '127.0.0.1' : bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;

  let closed: Promise<{ destroyed: number }> | undefined;
  const close = () =>
    (closed ??= new Promise((resolve) => {
      closing = true;
      let destroyed = 0;
      const timers: NodeJS.Timeout[] = [];
      const finish = () => {
        timers.forEach(clearTimeout);
        resolve({ destroyed });
      };
      // net's close, not http's: http's also drops idle keep-alive connections at once, which
      // resets requests they carry that the server has not read yet (see IDLE_LINGER_MS).
      net.Server.prototype.close.call(server, () => finish());
      // Requests already being answered: their responses say `Connection: close`.
      for (const res of responses) if (!res.headersSent) res.setHeader('Connection', 'close');
      timers.push(setTimeout(() => inFlight.forEach((_, socket) => endIfIdle(socket)), Math.min(IDLE_LINGER_MS, settings.shutdownGraceMs)));
      timers.push(setTimeout(() => {
        destroyed = inFlight.size;
        server.closeAllConnections();
        for (const socket of inFlight.keys()) socket.destroy(); // also those http no longer tracks (e.g. upgraded)
        // The close callback follows once the sockets' close events ran; don't wait on it forever.
        setTimeout(finish, 1_000).unref();
      }, settings.shutdownGraceMs));
    }));

  return { server, address, url, close };
}
