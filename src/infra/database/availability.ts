import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type MongoClient,
  type TopologyDescription,
  type TopologyDescriptionChangedEvent,
} from 'mongodb';
import type { Logger } from '../logger.js';

/** The driver's (and mongoose's) names for "no server to talk to right now". */
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
]);

const BUSY_MESSAGE = /\bdatabase is locked\b|\bSQLITE_BUSY\b/;

/** Server codes of a node shutting down or stepping down: a replica set between primaries. */
const UNAVAILABLE_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/**
 * True when `error` (or one of its causes) says the database cannot be reached now, as opposed
 * to a bug or a bad request: while the driver sees no server, or a node is shutting down.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  return someCause(error, (e) => {
    return (
      e instanceof MongoNetworkError || // also the pool-cleared errors, which extend it
      e instanceof MongoServerSelectionError ||
      e instanceof MongoNotConnectedError ||
      e instanceof MongoTopologyClosedError ||
      e instanceof MongoServerClosedError ||
      UNAVAILABLE_NAMES.has(e.name) ||
      (e instanceof MongoError && typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code))
    );
  });
}

/**
 * FerretDB over SQLite answers a write that could not get the database file's lock within its
 * busy timeout with an internal error ("database is locked (5) (SQLITE_BUSY)"): the server is
 * reachable but too busy right now, and the same request succeeds later.
 */
export function isDatabaseBusy(error: unknown): boolean {
  return someCause(error, (e) => e instanceof MongoServerError && BUSY_MESSAGE.test(e.message));
}

/** Unreachable or busy: answered `503` with `Retry-After`, never `500`. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isDatabaseUnreachable(error) || isDatabaseBusy(error);
}

function someCause(error: unknown, test: (e: Error) => boolean): boolean {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    if (test(e)) return true;
  }
  return false;
}

export interface Availability {
  /** Whether the topology has a server that takes writes: a replica set's primary, a standalone, a mongos. */
  readonly available: boolean;
  /** When the database was lost, while it is unavailable; undefined while available. */
  readonly unavailableSince: number | undefined;
  /**
   * For errors of background work (Agenda's `error` events): a database error while the
   * database is away is logged once for the whole outage, not once per poll.
   */
  reportBackgroundError(source: string, error: Error): void;
  /** Called with each change, after it is logged (e.g. to recover work when the database is back). */
  onChange(listener: (available: boolean) => void): void;
  /** Stops watching (the process is closing its client on purpose). */
  stop(): void;
}

/** Server types that take writes. A secondary answers reads only; the rest take nothing. */
const WRITABLE_SERVER_TYPES = new Set(['RSPrimary', 'Standalone', 'Mongos', 'LoadBalancer']);

/**
 * Mongoose's own rule (its connection is "connected" on a replica set only while the topology is
 * ReplicaSetWithPrimary), for every kind of deployment: a server that takes writes. Counting any
 * known server, as this did, took a set in an election for available — secondaries answer — so a
 * worker started its recovery with no primary to write to, gave up, and never ran it when the
 * primary really came back.
 */
export function hasWritableServer(description: TopologyDescription): boolean {
  if (description.type === 'ReplicaSetNoPrimary') return false;
  return [...description.servers.values()].some((s) => WRITABLE_SERVER_TYPES.has(s.type));
}

/**
 * Watches the driver's view of the servers and logs each change of state once: "database
 * unreachable" when the topology loses its writable server, "database reachable again" when it
 * has one again — for a replica set, when a primary is elected.
 *
 * The state follows the topology only. The driver marks a server Unknown (a network error, a
 * "not primary" or "shutting down" answer) before the failed operation's error reaches anyone, so
 * an error never knows better than the topology; turning the state on an error while the topology
 * still had a primary made it flap back at the next topology event.
 */
export function watchAvailability(client: MongoClient, log: Logger): Availability {
  let available = true;
  let lostAt: number | undefined;
  let reportedDuringOutage = false;
  let stopped = false;
  const listeners: ((available: boolean) => void)[] = [];

  const setAvailable = (now: boolean, reason?: string) => {
    if (now === available || stopped) return;
    available = now;
    if (now) {
      log.info('database reachable again', { downMs: Date.now() - (lostAt ?? Date.now()) });
      lostAt = undefined;
    } else {
      lostAt = Date.now();
      reportedDuringOutage = false;
      log.error('database unreachable: requests answer 503 and jobs wait until it is back', reason ? { reason } : {});
    }
    for (const listener of listeners) {
      try {
        listener(now);
      } catch (error) {
        log.error('database availability listener failed', { error: (error as Error).message });
      }
    }
  };

  const described = (event: TopologyDescriptionChangedEvent) => {
    const servers = [...event.newDescription.servers.values()];
    const reason = servers.map((s) => s.error?.message).find((m) => m !== undefined) ?? (servers.length > 0 ? 'no primary' : undefined);
    setAvailable(hasWritableServer(event.newDescription), reason);
  };
  // The monitor watchdog closes the client to rebuild it: closed, it serves nothing until the
  // new topology finds a writable server.
  const closed = () => setAvailable(false, 'the MongoDB client was closed to be reconnected');
  client.on('topologyDescriptionChanged', described);
  client.on('topologyClosed', closed);

  return {
    get available() {
      return available;
    },
    get unavailableSince() {
      return lostAt;
    },
    reportBackgroundError(source, error) {
      // (A busy server is reachable: its errors are logged as such.)
      if (isDatabaseUnreachable(error) && !available) {
        if (reportedDuringOutage) {
          log.debug(`${source} error while the database is unreachable`, { error: error.message });
          return;
        }
        reportedDuringOutage = true;
      }
      log.error(`${source} error`, { error: error.message });
    },
    onChange(listener) {
      listeners.push(listener);
    },
    stop() {
      stopped = true;
      client.off('topologyDescriptionChanged', described);
      client.off('topologyClosed', closed);
    },
  };
}
