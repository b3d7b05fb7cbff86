import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type MongoClient,
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
  /** Whether the driver currently sees a usable server. */
  readonly available: boolean;
  /**
   * For errors of background work (Agenda's `error` events): a database error while the
   * database is away is logged once for the whole outage, not once per poll.
   */
  reportBackgroundError(source: string, error: Error): void;
  /** Called with each change, after it is logged (e.g. to recover work when the database is back). */
  onChange(listener: (available: boolean) => void): void;
}

/**
 * Watches the driver's view of the servers and logs each change of state once: "database
 * unreachable" when the last usable server is lost, "database reachable again" when one is back.
 */
export function watchAvailability(client: MongoClient, log: Logger): Availability {
  let available = true;
  let lostAt = 0;
  let reportedDuringOutage = false;
  const listeners: ((available: boolean) => void)[] = [];

  const setAvailable = (now: boolean, reason?: string) => {
    if (now === available) return;
    available = now;
    if (now) {
      log.info('database reachable again', { downMs: Date.now() - lostAt });
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

  client.on('topologyDescriptionChanged', (event: TopologyDescriptionChangedEvent) => {
    const servers = [...event.newDescription.servers.values()];
    const usable = servers.some((s) => s.type !== 'Unknown' && s.type !== 'RSGhost' && s.type !== 'RSOther' && s.type !== 'PossiblePrimary');
    const reason = servers.map((s) => s.error?.message).find((m) => m !== undefined);
    setAvailable(usable, reason);
  });

  return {
    get available() {
      return available;
    },
    reportBackgroundError(source, error) {
      // (Only "unreachable" turns the state; a busy server is reachable: its errors are logged as such.)
      if (isDatabaseUnreachable(error)) {
        // The driver may fail an operation a moment before its monitor marks the server down.
        if (available) setAvailable(false, error.message);
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
  };
}
