import { AsyncLocalStorage } from 'node:async_hooks';
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { ServiceUnavailable } from '../shared/errors.js';

export interface HttpServerSettings {
  host: string;
  port: number;
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Headers must arrive within this. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Shutdown: how long the listener keeps accepting (`/ready` answering 503) before it closes. */
  shutdownDrainDelayMs: number;
  /** Shutdown: how long requests received may take once the listener is closed; then the unanswered get 503. */
  shutdownGraceMs: number;
}

/** What shutdown had to cut short. */
export interface ShutdownReport {
  /** Requests not answered when the grace period ended: answered 503 by the server, their scope aborted. */
  abandoned: number;
  /** Connections destroyed after that (an answer already half sent, or a client that does not let go). */
  destroyed: number;
}

export interface HttpServer {
  server: Server;
  /** The address actually bound, e.g. `127.0.0.1:3000` or `[::]:3000`. */
  address: string;
  /** A URL a local client can use (a wildcard address becomes 127.0.0.1). */
  url: string;
  /**
   * Shutdown. At once `/ready` answers 503 and every answer says `Connection: close`; the listener
   * keeps accepting for the drain delay, then closes. Requests received get the grace period; then
   * each one not answered yet is answered 503 (Retry-After) and its scope's signal aborted, never
   * reset. Never waits much longer than delay + grace, whatever clients do.
   */
  close(): Promise<ShutdownReport>;
  /** Settles once the work held by requests that shutdown abandoned has settled (RequestScope.hold). */
  abandonedWork(): Promise<void>;
}

/** A request's handle on its own fate, reachable from any code its handler runs. */
export interface RequestScope {
  /** Aborted (reason: RequestAbandoned) when shutdown answers the request 503: work it started must not commit. */
  readonly signal: AbortSignal;
  /** Work the request started that must settle before the process lets go of the database. */
  hold(work: Promise<unknown>): void;
}

/** The answer shutdown gives a request its handler did not finish in time. */
export class RequestAbandoned extends ServiceUnavailable {
  constructor() {
    super(
      'The service is shutting down and did not finish this request in time; retry it (a checkout retried with the same Idempotency-Key is answered as it was made, never made twice)',
      1,
    );
  }
}

/**
 * An idle keep-alive connection may already carry a request the server has not read yet (sent
 * just before the signal, or still on its way from a busy client). Closing it at once resets
 * that request, so it lingers this long first (at most delay + grace); a request that arrives
 * meanwhile is answered, with `Connection: close`. 300 ms was measured too short on a loaded
 * machine (1 reset in a full test run).
 */
const IDLE_LINGER_MS = 1_000;

/** After the grace period: how long the 503s get to reach their clients before what is left is destroyed. */
const FLUSH_MS = 1_000;

const READINESS = /^\/ready(\?|$)/;

const scopes = new AsyncLocalStorage<Scope>();

/** The scope of the request whose handler runs the calling code, if any. */
export function currentRequest(): RequestScope | undefined {
  return scopes.getStore();
}

class Scope implements RequestScope {
  private readonly controller = new AbortController();
  readonly held = new Set<Promise<void>>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  hold(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.held.add(settled);
    void settled.then(() => this.held.delete(settled));
  }

  abandon(): void {
    this.controller.abort(new RequestAbandoned());
  }
}

interface Exchange {
  res: ServerResponse;
  scope: Scope;
}

interface ConnectionState {
  inFlight: number;
  served: number;
}

/** Starts listening; see HttpServer for how it stops. */
export async function startHttpServer(listener: RequestListener, settings: HttpServerSettings): Promise<HttpServer> {
  const connections = new Map<Socket, ConnectionState>();
  const exchanges = new Set<Exchange>();
  const abandonedScopes: Scope[] = [];
  let draining = false;
  let graceOver = false;

  const endIfIdle = (socket: Socket) => {
    const state = connections.get(socket);
    // A connection that has carried no request yet was opened to send one: the grace period decides.
    if (draining && state && state.inFlight === 0 && state.served > 0 && !socket.destroyed) socket.end();
  };

  const server = http.createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default): keep them honest.
      connectionsCheckingInterval: Math.min(1_000, settings.headersTimeoutMs),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      const state = connections.get(socket) ?? { inFlight: 0, served: 0 };
      state.inFlight += 1;
      state.served += 1;
      const exchange: Exchange = { res, scope: new Scope() };
      exchanges.add(exchange);
      res.once('close', () => {
        exchanges.delete(exchange);
        state.inFlight = Math.max(0, state.inFlight - 1);
        // A response whose headers went out before shutdown said keep-alive: end its socket now.
        setImmediate(() => endIfIdle(socket));
      });
      if (graceOver) return answerAbandoned(res);
      if (draining) {
        res.setHeader('Connection', 'close');
        if ((req.method === 'GET' || req.method === 'HEAD') && READINESS.test(req.url ?? '')) return answerShuttingDown(res);
      }
      scopes.run(exchange.scope, () => listener(req, res));
    },
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: 0, served: 0 });
    socket.once('close', () => connections.delete(socket));
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

  async function drainAndClose(): Promise<ShutdownReport> {
    draining = true;
    // Requests already being answered: their responses say `Connection: close`.
    for (const { res } of exchanges) if (!res.headersSent) res.setHeader('Connection', 'close');
    const linger = setTimeout(() => connections.forEach((_, socket) => endIfIdle(socket)), Math.min(IDLE_LINGER_MS, settings.shutdownDrainDelayMs + settings.shutdownGraceMs));

    // Closing the listener resets the connections the kernel has accepted and node has not taken
    // yet — many, when the event loop is busy (an in-process worker): keep taking them for a while.
    await new Promise((resolve) => setTimeout(resolve, settings.shutdownDrainDelayMs));
    // And once more after the poll phase: if the loop was blocked past the delay, the connections
    // queued meanwhile are taken before the close below, not reset by it.
    await new Promise((resolve) => setImmediate(resolve));
    // net's close, not http's: http's also drops idle keep-alive connections at once, which
    // resets requests they carry that the server has not read yet (see IDLE_LINGER_MS).
    const listenerClosed = new Promise<'closed'>((resolve) => net.Server.prototype.close.call(server, () => resolve('closed')));

    const done = await within(listenerClosed, settings.shutdownGraceMs);
    clearTimeout(linger);
    if (done === 'closed') return { abandoned: 0, destroyed: 0 };

    graceOver = true;
    let abandoned = 0;
    for (const { res, scope } of exchanges) {
      if (res.headersSent) continue;
      scope.abandon();
      abandonedScopes.push(scope);
      answerAbandoned(res);
      abandoned += 1;
    }
    // Connections with nothing being answered (opened and silent, or headers never finished): closed cleanly.
    for (const [socket, state] of connections) if (state.inFlight === 0 && !socket.destroyed) socket.end();
    if ((await within(listenerClosed, FLUSH_MS)) === 'closed') return { abandoned, destroyed: 0 };

    const destroyed = connections.size;
    for (const socket of connections.keys()) socket.destroy(); // also those http no longer tracks (e.g. upgraded)
    // The close callback follows once the sockets' close events ran; don't wait on it forever.
    await within(listenerClosed, FLUSH_MS);
    return { abandoned, destroyed };
  }

  let closing: Promise<ShutdownReport> | undefined;
  const close = () => (closing ??= drainAndClose());
  const abandonedWork = async () => {
    await Promise.all(abandonedScopes.flatMap((scope) => [...scope.held]));
  };
  return { server, address, url, close, abandonedWork };
}

/** `promise`'s value, or 'timeout' after `ms`; leaves no timer behind. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/ready` while draining: a load balancer stops sending here while the listener still answers. */
function answerShuttingDown(res: ServerResponse): void {
  res.statusCode = 503;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify({ success: false, data: { status: 'shutting down' } }));
}

function answerAbandoned(res: ServerResponse): void {
  const error = new RequestAbandoned();
  res.statusCode = error.status;
  res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.setHeader('Connection', 'close');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ success: false, error: { code: error.code, message: error.message } }));
  // Its handler still runs and will answer too: that answer goes nowhere, instead of throwing
  // ERR_HTTP_HEADERS_SENT (or emitting write-after-end) into code that may not expect it.
  const ignore = () => res;
  Object.assign(res, { setHeader: ignore, appendHeader: ignore, removeHeader: ignore, writeHead: ignore, flushHeaders: ignore, write: () => true, end: ignore });
}
