import type {
  MongoClient,
  ServerClosedEvent,
  ServerHeartbeatFailedEvent,
  ServerHeartbeatStartedEvent,
  ServerHeartbeatSucceededEvent,
  TopologyDescriptionChangedEvent,
} from 'mongodb';
import type { Logger } from '../logger.js';

/**
 * Why this exists: the MongoDB driver (7.8 and 7.9, read from `lib/cmap/connection.js`,
 * `lib/sdam/monitor.js` and `lib/sdam/server.js`) can lose a server for good when the server
 * closes all its connections at once, as a server being shut down gracefully does.
 *
 * A check requested of a monitor that is idle with a connection writes its `hello` to that
 * connection. If the server's FIN reached it a moment before, Node has already destroyed the
 * socket but not yet emitted `close`, so the driver still thinks it open; Node's `write` on a
 * destroyed socket returns false and emits nothing — no `error`, no `drain`, and its timeout is
 * disarmed — while the driver waits for `drain` with no deadline. The monitor stays "checking"
 * forever, no new check starts, the server stays Unknown, and every operation of the process
 * fails server selection until it is restarted, although the database is back.
 *
 * When it can strike (`test/integration/monitor-watchdog.test.ts` shows each case):
 * - the monitor polls: `serverMonitoringMode: 'poll'`, a FaaS host, or a server that reports no
 *   `topologyVersion` (FerretDB v1, the development fallback; mongod before 4.4). A streaming
 *   monitor (the default on mongod >= 4.4) always has its `hello` in flight, and a check
 *   requested meanwhile is a no-op;
 * - and the first error the driver sees is not a network error on a server that reports a
 *   `topologyVersion`: for that one the driver resets the monitor, which drops the stuck
 *   connection. A mongod shutting down answers operations `ShutdownInProgress` first, which
 *   marks the server Unknown without a reset (and the Unknown description has no
 *   `topologyVersion`, so later network errors reset nothing). FerretDB's graceful stop struck
 *   it in about half of `npm run test:chaos:long`'s runs.
 *
 * The watchdog notices a heartbeat of a server still in the topology that has neither succeeded
 * nor failed within the longest time a healthy one can take, and reconnects the client
 * (`close()` then `connect()`, the driver's public API: the same MongoClient, so mongoose, Agenda
 * and every `Db` handle keep working), which builds new monitors.
 *
 * A server that LEAVES the topology is not stalled: when a primary's `hello` stops naming a host
 * (a member removed, or a seed the set does not contain), the driver closes that server after
 * removing its listeners, so the heartbeat it had started (a streaming monitor always has one)
 * never ends where the client sees it. Its `serverClosed` event forgets it; a reconnect for it
 * would cut every transaction, job and poll in flight, and with such a seed repeat forever.
 */
export interface MonitorWatchdog {
  stop(): void;
}

export interface MonitorWatchdogOptions {
  /** A heartbeat pending longer than this is stalled. */
  stallMs: number;
  /** How often pending heartbeats are looked at. */
  checkEveryMs?: number;
}

/**
 * The longest a heartbeat can take when the driver works: a new monitor connection's TCP connect
 * and its handshake each get `connectTimeoutMS`; an awaited `hello` (replica set, streaming)
 * waits up to `heartbeatFrequencyMS` for news. A margin on top.
 */
export function heartbeatStallMs(options: { connectTimeoutMS: number; heartbeatFrequencyMS: number }): number {
  return 2 * options.connectTimeoutMS + options.heartbeatFrequencyMS + 2_000;
}

export function watchMonitors(client: MongoClient, log: Logger, options: MonitorWatchdogOptions): MonitorWatchdog {
  /** Server address → when its pending heartbeat started. */
  const pending = new Map<string, number>();
  /** The addresses of the latest topology description; undefined until the first one. */
  let inTopology: Set<string> | undefined;
  let reconnecting = false;
  let stopped = false;

  const started = (event: ServerHeartbeatStartedEvent) => pending.set(event.connectionId, Date.now());
  const ended = (event: ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent) => pending.delete(event.connectionId);
  const closed = (event: ServerClosedEvent) => pending.delete(event.address);
  const described = (event: TopologyDescriptionChangedEvent) => {
    inTopology = new Set(event.newDescription.servers.keys());
    for (const address of pending.keys()) if (!inTopology.has(address)) pending.delete(address);
  };
  client.on('serverHeartbeatStarted', started);
  client.on('serverHeartbeatSucceeded', ended);
  client.on('serverHeartbeatFailed', ended);
  client.on('serverClosed', closed);
  client.on('topologyDescriptionChanged', described);

  const reconnect = async (address: string, pendingMs: number) => {
    reconnecting = true;
    log.warn("the MongoDB driver's monitor of a server stalled (a driver race when a server closes its connections); reconnecting the client", {
      server: address,
      pendingMs,
    });
    pending.clear();
    inTopology = undefined;
    try {
      await client.close();
    } catch (error) {
      log.debug('closing the stalled MongoDB client failed', { error: (error as Error).message });
    }
    // A closed client stays closed: until connect() succeeds every operation fails with
    // MongoNotConnectedError (answered 503), and only this loop connects it again. connect()
    // fails while the server is still away (server selection); each attempt builds fresh monitors.
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await client.connect();
        log.info('MongoDB client reconnected after a stalled monitor', { attempts: attempt });
        break;
      } catch (error) {
        if (attempt === 1) log.warn('MongoDB client not reconnected yet; trying every second', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
    reconnecting = false;
  };

  const timer = setInterval(() => {
    if (reconnecting || stopped) return;
    const now = Date.now();
    for (const [address, since] of pending) {
      if (inTopology && !inTopology.has(address)) {
        pending.delete(address);
        continue;
      }
      if (now - since > options.stallMs) {
        void reconnect(address, now - since);
        return;
      }
    }
  }, options.checkEveryMs ?? 1_000);
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      client.off('serverHeartbeatStarted', started);
      client.off('serverHeartbeatSucceeded', ended);
      client.off('serverHeartbeatFailed', ended);
      client.off('serverClosed', closed);
      client.off('topologyDescriptionChanged', described);
    },
  };
}
