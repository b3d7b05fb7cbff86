import type { AppContext } from '../shared/context.js';
import { JOBS_COLLECTION } from '../infra/queue/agenda.js';

/**
 * How long the database may be unusable before a process says it is not ready. A replica-set
 * election takes a few seconds (MongoDB's electionTimeoutMillis is 10 s): it hits every process
 * at once, and if they all left the load balancer there would be no endpoint left — clients would
 * get the balancer's error instead of this service's `503` with `Retry-After`, and nothing would
 * be back any faster. An outage longer than this does take the processes out.
 */
export const READY_DATABASE_GRACE_MS = 30_000;
const PROBE_TIMEOUT_MS = 2_000;

export interface ReadinessOptions {
  databaseGraceMs?: number;
}

export interface Probe {
  ok: boolean;
  error?: string;
}

/** ready: all is well; degraded: ready, but the database has been unusable for less than the grace; not ready. */
export const READINESS_STATUSES = ['ready', 'degraded', 'not ready'] as const;

export interface Readiness {
  ready: boolean;
  status: (typeof READINESS_STATUSES)[number];
  database: Probe & { unavailableForMs?: number; graceMs: number };
  queue: Probe;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

async function probe(run: () => Promise<unknown>): Promise<Probe> {
  try {
    await withTimeout(run(), PROBE_TIMEOUT_MS);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * Ready = the process can serve: it has started (the route exists only then) and its database
 * was usable — a writable primary that answers — within the last `databaseGraceMs`.
 *
 * While the topology has no writable server the answer comes from what the driver already knows,
 * at once (a ping would wait for server selection and fail). While it has one, a ping and a read
 * of the job queue must answer: a primary that stopped answering counts from its first failed
 * probe.
 */
export function readinessCheck(ctx: AppContext, options: ReadinessOptions = {}): () => Promise<Readiness> {
  const graceMs = options.databaseGraceMs ?? READY_DATABASE_GRACE_MS;
  const { availability, db } = ctx.database;
  let probesFailingSince: number | undefined;

  return async () => {
    const now = Date.now();
    let database: Probe;
    let queue: Probe;
    let downSince: number | undefined;
    if (!availability.available) {
      database = { ok: false, error: 'no writable primary' };
      queue = { ok: false, error: 'database unavailable' };
      downSince = availability.unavailableSince ?? now;
    } else {
      [database, queue] = await Promise.all([probe(() => db.command({ ping: 1 })), probe(() => db.collection(JOBS_COLLECTION).findOne({}, { projection: { _id: 1 } }))]);
      if (database.ok && queue.ok) probesFailingSince = undefined;
      else downSince = probesFailingSince ??= now;
    }
    const usable = database.ok && queue.ok;
    const unavailableForMs = downSince === undefined ? undefined : now - downSince;
    const ready = usable || unavailableForMs! < graceMs;
    return {
      ready,
      status: usable ? 'ready' : ready ? 'degraded' : 'not ready',
      database: { ...database, ...(unavailableForMs === undefined ? {} : { unavailableForMs }), graceMs },
      queue,
    };
  };
}
