import type { MongoClient, ServerHeartbeatFailedEvent, ServerHeartbeatStartedEvent, ServerHeartbeatSucceededEvent } from 'mongodb';
import type { Logger } from '../logger.js';

/**
 * Why this exists: the MongoDB driver (7.8 and 7.9, read from `lib/cmap/connection.js` and
 * `lib/sdam/monitor.js`) can lose a server for good when the server closes all its connections
 * at once, as a server being shut down gracefully does.
 *
 * A connection whose socket closes marks the server Unknown, and that asks the server's monitor
 * for an immediate check, in the same tick. The monitor's own connection got the same FIN; Node
 * has already destroyed its socket but not yet emitted `close`, so the driver still thinks it
 * open and writes its `hello` to it. Node's `write` on a destroyed socket returns false and emits
 * nothing — no `error`, no `drain`, and its timeout is disarmed — while the driver waits for
 * `drain` with no deadline. The monitor stays "checking" forever, no new check starts, the server
 * stays Unknown, and every operation of the process fails server selection until it is restarted,
 * although the database is back. (`test/chaos/db-outage.test.ts` under `npm run test:chaos:long`
 * hit it in about half its runs; `test/integration/monitor-watchdog.test.ts` shows the mechanism.)
 *
 * The watchdog notices a heartbeat that has neither succeeded nor failed within the longest time
 * a healthy one can take, and reconnects the client (`close()` then `connect()`, the driver's
 * public API: the same MongoClient, so mongoose, Agenda and every `Db` handle keep working), which
 * builds new monitors. Operations fail with "database unavailable" meanwhile, as they already did.
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
  let reconnecting = false;
  let stopped = false;

  const started = (event: ServerHeartbeatStartedEvent) => pending.set(event.connectionId, Date.now());
  const ended = (event: ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent) => pending.delete(event.connectionId);
  client.on('serverHeartbeatStarted', started);
  client.on('serverHeartbeatSucceeded', ended);
  client.on('serverHeartbeatFailed', ended);

  const reconnect = async (address: string, pendingMs: number) => {
    reconnecting = true;
    log.warn("the MongoDB driver's monitor of a server stalled (a driver race when a server closes its connections); reconnecting the client", {
      server: address,
      pendingMs,
    });
    pending.clear();
    try {
      await client.close();
    } catch (error) {
      log.debug('closing the stalled MongoDB client failed', { error: (error as Error).message });
    }
    // connect() fails while the server is still away (server selection); the next attempt then
    // builds fresh monitors again. An operation in between would connect the client by itself.
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
    },
  };
}
