import { EventEmitter } from 'node:events';
import type { JobNotification, NotificationChannel, NotificationChannelState, NotificationHandler } from 'agenda';
import { MongoError, type ChangeStream, type Db, type Document } from 'mongodb';
import { isDatabaseUnreachable } from '../database/availability.js';
import type { Logger } from '../logger.js';

/** Server codes that refuse change streams for good: not supported (FerretDB, the front), no privilege, not a replica set. */
const REFUSED_CODES = new Set([13, 115, 40573]);
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** A refusal is asked again this rarely (a privilege may be granted); the poll runs meanwhile. */
const REFUSED_RETRY_MS = 10 * 60_000;

/** Only changes that can make a job due reach this process (the client-side rule is makesJobDue). */
const PIPELINE: Document[] = [
  {
    $match: {
      $or: [
        { operationType: { $in: ['insert', 'replace'] } },
        { operationType: 'update', 'updateDescription.updatedFields.nextRunAt': { $type: 'date' } },
        { operationType: 'update', 'updateDescription.removedFields': 'lockedAt' },
      ],
    },
  },
  { $project: { operationType: 1, 'fullDocument.nextRunAt': 1, 'fullDocument.disabled': 1, 'updateDescription.updatedFields.nextRunAt': 1, 'updateDescription.removedFields': 1 } },
];

/**
 * Whether a change of a job document may have made a job due before `horizon` (the next regular
 * poll looks at the rest). New jobs and jobs made due again (a retry, a requeue, a lock given
 * back by `$unset`) are; a lock taken, a run's start (`nextRunAt: null`), its result and progress
 * are not — in Agenda's channel every one of those filled the queue.
 */
export function makesJobDue(change: Document, horizon: Date): boolean {
  const due = (value: unknown) => value instanceof Date && value <= horizon;
  switch (change.operationType) {
    case 'insert':
    case 'replace':
      return due(change.fullDocument?.nextRunAt) && change.fullDocument?.disabled !== true;
    case 'update': {
      const description = (change.updateDescription ?? {}) as { updatedFields?: Document; removedFields?: string[] };
      if (description.updatedFields && 'nextRunAt' in description.updatedFields) return due(description.updatedFields.nextRunAt);
      return (description.removedFields ?? []).includes('lockedAt');
    }
    default:
      return false;
  }
}

type Phase = 'listening' | 'lost' | 'refused';

/**
 * A worker's change-stream channel for Agenda (`notificationChannel`): on a replica set a worker
 * hears of a due job at once instead of on its next poll. It replaces Agenda's
 * MongoChangeStreamNotificationChannel (agenda 6.2.6 / @agendajs/mongo-backend), which:
 * - filled the queue itself for every notification (JobProcessor.handleNotification calls
 *   jobQueueFilling directly), past the one-poll-at-a-time guard, and every lock update notified
 *   too: the lock-query pile-up again. Here a change that makes a job due asks for a poll through
 *   that guard (`onDue`); Agenda's handler is kept but never called;
 * - asked for a full-document lookup of every change (a read per change per process);
 * - could not back off: `connect()` resets its attempt counter and `watch()` fails only later,
 *   so a refusal or a lost stream was retried every 100 ms forever, with nothing logged, and its
 *   `error` events had no listener. Here: exponential backoff (1 s to 30 s, reset once a stream
 *   has lived 30 s), a refusal (no privilege, no change streams) asked again every 10 minutes,
 *   and one log line per change of state. The poll runs all along, so nothing waits on this.
 * A stream starts from now, never from a resume token: the poll covers what a gap missed, and a
 * token too old to resume (ChangeStreamHistoryLost) can't loop.
 */
export class JobChangeNotifications extends EventEmitter implements NotificationChannel {
  private current: NotificationChannelState = 'disconnected';
  private stream: ChangeStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private phase: Phase | undefined;
  private everListened = false;
  private readonly handlers = new Set<NotificationHandler>();

  constructor(
    private readonly db: Db,
    private readonly collection: string,
    private readonly log: Logger,
    /** How far ahead a due job is news (Agenda's poll interval: the poll sees the rest). */
    private readonly horizonMs: number,
    /** Asks for a poll (through the one-poll-at-a-time guard). */
    private readonly onDue: () => void,
  ) {
    super();
  }

  get state(): NotificationChannelState {
    return this.current;
  }

  /** Starts listening in the background: Agenda's start() awaits this and must not wait for the database. */
  async connect(): Promise<void> {
    if (this.current !== 'disconnected') return;
    this.setState('connecting');
    void this.listen();
  }

  async disconnect(): Promise<void> {
    this.setState('disconnected');
    clearTimeout(this.timer);
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
    this.handlers.clear();
  }

  subscribe(handler: NotificationHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** A change stream sees every write to the collection: nothing to publish. */
  async publish(_notification: JobNotification): Promise<void> {}

  private setState(state: NotificationChannelState): void {
    if (state === this.current) return;
    this.current = state;
    this.emit('stateChange', state);
  }

  private async listen(): Promise<void> {
    if (this.current === 'disconnected') return;
    const stream = this.db.collection(this.collection).watch(PIPELINE);
    this.stream = stream;
    const openedAt = Date.now();
    try {
      const first = await stream.tryNext(); // the aggregate: answered means listening
      if (this.stream !== stream) return;
      this.enter('listening');
      this.setState('connected');
      for (let change = first; this.stream === stream; change = await stream.next()) {
        if (change && makesJobDue(change, new Date(Date.now() + this.horizonMs))) this.onDue();
      }
    } catch (error) {
      if (this.stream !== stream) return; // closed on purpose
      await stream.close().catch(() => undefined);
      this.stream = undefined;
      this.retryAfter(error as Error, Date.now() - openedAt);
    }
  }

  private retryAfter(error: Error, livedMs: number): void {
    const refused = error instanceof MongoError && typeof error.code === 'number' && REFUSED_CODES.has(error.code);
    if (livedMs >= RETRY_MAX_MS) this.failures = 0;
    const delay = refused ? REFUSED_RETRY_MS : Math.min(RETRY_MIN_MS * 2 ** this.failures, RETRY_MAX_MS);
    this.failures++;
    this.enter(refused ? 'refused' : 'lost', error, delay);
    this.setState('reconnecting');
    this.timer = setTimeout(() => void this.listen(), delay);
    this.timer.unref();
  }

  /** One log line per change of state; the same state again is debug. */
  private enter(phase: Phase, error?: Error, retryMs?: number): void {
    const detail = {
      ...(error ? { error: error.message, ...(error instanceof MongoError && error.code !== undefined ? { code: error.code } : {}) } : {}),
      ...(retryMs !== undefined ? { retryInMs: retryMs } : {}),
    };
    if (phase === this.phase) {
      this.log.debug(`job change notifications still ${phase}`, detail);
      return;
    }
    const was = this.phase;
    this.phase = phase;
    if (phase === 'listening') {
      this.log.info(this.everListened ? 'job change notifications back: due jobs are heard of at once again' : 'job change notifications on: due jobs are heard of at once (the poll stays as the fallback)', detail);
      this.everListened = true;
    } else if (phase === 'refused') {
      this.log.warn('change streams refused by the server: this worker finds due jobs by polling only; asking again every 10 minutes', detail);
    } else if (isDatabaseUnreachable(error) || was === 'listening') {
      this.log.warn('job change notifications lost: polling meanwhile; reopening with backoff up to 30 s', detail);
    } else {
      this.log.warn('job change notifications failed to open: polling meanwhile; retrying with backoff up to 30 s', detail);
    }
  }
}
