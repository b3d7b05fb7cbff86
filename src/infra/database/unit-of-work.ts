import type { ClientSession, Connection } from 'mongoose';
import { MongoError, MongoErrorLabel } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommitOutcomeUnknown, ServiceUnavailable } from '../../shared/errors.js';
import { currentRequest } from '../http-server.js';

/** The unit's work: every read and write passes `session`, the unit's transaction. */
export type Work<T> = (session: ClientSession) => Promise<T>;

/**
 * The unit of work as use cases see it (src/data-access.ts): their work is handed `tx`, the
 * repositories bound to the unit's transaction, and never sees the session.
 */
export interface UnitOfWorkWith<Tx> {
  run<T>(options: RunOptions, work: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * A unit of work that could not finish within its time budget. Not a MongoError, so nothing
 * retries it further; nothing of it was committed (see `run`). HTTP answers 503 with Retry-After;
 * a job retries it with backoff.
 */
export class TransactionBudgetExceeded extends ServiceUnavailable {
  constructor(unit: string, budgetMs: number, attempts: number, cause?: unknown) {
    super(`${unit} could not commit within its ${budgetMs} ms budget (${attempts} attempt${attempts === 1 ? '' : 's'}); retry shortly`, 1);
    if (cause !== undefined) this.cause = cause;
  }
}

export interface RunOptions {
  /** Names the unit in errors and in the attempts metric. */
  name: string;
  /** Overrides the default budget (e.g. a job keeps it well below its lock lifetime). */
  budgetMs?: number;
}

const hasLabel = (error: unknown, label: string) => error instanceof MongoError && error.hasErrorLabel(label);

/** The least a commit is given, however little of the budget is left when it starts. */
const COMMIT_MIN_MS = 500;
/** How long past the budget an unknown commit outcome is resolved by retrying the commit alone. */
const COMMIT_RESOLVE_MS = 2_000;

/** The driver's own withTransaction backoff: 5 ms growing ×1.5 to 500 ms, with full jitter. */
function transientBackoffMs(attempt: number): number {
  return Math.random() * Math.min(500, 5 * 1.5 ** (attempt - 1));
}

/**
 * Runs a piece of work atomically within a time budget.
 *
 * With transactions (a replica set) the work runs in a transaction, retried on transient errors
 * (write conflicts) with the driver's backoff — so it must be re-runnable — but never past the
 * budget: the driver's own loop retries for up to 120 s, longer than a job's lock lives and than
 * any client waits. Work that ends past the deadline is aborted, not committed: "nothing changed"
 * is true only then, and for a commit the server reported aborted (TransientTransactionError).
 *
 * Once a commit is sent its outcome may be applied whatever the answer: it gets at least
 * COMMIT_MIN_MS, and an unknown result (UnknownTransactionCommitResult: a write-concern timeout,
 * MaxTimeMSExpired, a network error, a step-down) is resolved by retrying the commit alone — the
 * server answers a committed transaction's commit with ok — for up to COMMIT_RESOLVE_MS past the
 * budget; after that the unit throws CommitOutcomeUnknown. A unit so takes at most its budget,
 * plus COMMIT_MIN_MS for a late commit, plus COMMIT_RESOLVE_MS for an unknown one.
 *
 * Every server the service runs on has transactions (a replica set; the development front over
 * FerretDB): there is no other path.
 */
export class UnitOfWork {
  constructor(
    private readonly connection: Connection,
    private readonly defaultBudgetMs: number,
    /** Called once per attempt (the first included), for the transaction-attempts metric. */
    private readonly onAttempt: (name: string) => void = () => undefined,
  ) {}

  /** Sessions of units running now (with transactions). */
  private readonly inFlight = new Set<ClientSession>();

  /**
   * For a shutdown that gives up on running work: aborts the open transactions of every unit in
   * flight, so they hold nothing while the process releases its job locks (a mongod would abort
   * them anyway when the client closes and ends its sessions). Their work then fails and is
   * retried elsewhere. Returns how many were aborted.
   */
  async abortInFlight(): Promise<number> {
    let aborted = 0;
    for (const session of this.inFlight) {
      if (!session.inTransaction()) continue;
      await session.abortTransaction().then(
        () => aborted++,
        () => undefined,
      );
    }
    return aborted;
  }

  /**
   * A unit run for an HTTP request checks the request's signal when each attempt starts and when
   * its work is done, before the commit: a request the shutdown deadline answered 503 (see
   * http-server.ts, RequestScope) aborts its unit like any failed one instead of committing after
   * that answer, and the shutdown keeps the database open until it has (`hold`). A commit already
   * under way then is not taken back: that 503 tells a client to retry with the same
   * Idempotency-Key, which answers a purchase made, never makes two.
   */
  run<T>(options: RunOptions, work: Work<T>): Promise<T> {
    const request = currentRequest();
    if (!request) return this.runUnit(options, work);
    const running = this.runUnit<T>(options, async (session) => {
      request.signal.throwIfAborted();
      const result = await work(session);
      request.signal.throwIfAborted();
      return result;
    });
    request.hold(running);
    return running;
  }

  private async runUnit<T>(options: RunOptions, work: Work<T>): Promise<T> {
    const budgetMs = options.budgetMs ?? this.defaultBudgetMs;
    const deadline = Date.now() + budgetMs;
    const session = await this.connection.startSession();
    this.inFlight.add(session);
    try {
      return await this.runInTransactions(session, options.name, budgetMs, deadline, work);
    } finally {
      this.inFlight.delete(session);
      await session.endSession().catch(() => undefined);
    }
  }

  private async runInTransactions<T>(session: ClientSession, name: string, budgetMs: number, deadline: number, work: Work<T>): Promise<T> {
    const outOfTime = () => Date.now() >= deadline;
    for (let attempt = 1; ; attempt++) {
      this.onAttempt(name);
      session.startTransaction({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
      let result: T;
      try {
        result = await work(session);
        if (outOfTime()) throw new TransactionBudgetExceeded(name, budgetMs, attempt);
      } catch (error) {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        if (hasLabel(error, MongoErrorLabel.TransientTransactionError)) {
          if (outOfTime()) throw new TransactionBudgetExceeded(name, budgetMs, attempt, error);
          await sleep(Math.min(transientBackoffMs(attempt), Math.max(0, deadline - Date.now())));
          continue;
        }
        throw error;
      }
      const committed = await this.commit(session, name, deadline);
      if (committed) return result;
      // The server aborted the transaction at its commit (TransientTransactionError): nothing applied.
      if (outOfTime()) throw new TransactionBudgetExceeded(name, budgetMs, attempt);
      await sleep(Math.min(transientBackoffMs(attempt), Math.max(0, deadline - Date.now())));
    }
  }

  /** True: committed. False: the server says it aborted it (retry the whole unit). Throws CommitOutcomeUnknown past the window. */
  private async commit(session: ClientSession, name: string, deadline: number): Promise<boolean> {
    const resolveUntil = Math.max(deadline, Date.now()) + COMMIT_RESOLVE_MS;
    for (let retry = 0; ; retry++) {
      // The commit's own time limit, set as it starts: the driver (7.8, sessions.js commitTransaction)
      // reads it from the transaction's options, which startTransaction fixes too early for this.
      // Not in the driver's typings; test/http/commit-outcome.test.ts sees it on the wire.
      (session as unknown as { transaction: { options: { maxTimeMS?: number } } }).transaction.options.maxTimeMS = Math.max(COMMIT_MIN_MS, deadline - Date.now());
      try {
        await session.commitTransaction();
        return true;
      } catch (error) {
        if (hasLabel(error, MongoErrorLabel.UnknownTransactionCommitResult)) {
          if (Date.now() >= resolveUntil) {
            throw Object.assign(new CommitOutcomeUnknown(`${name}: the database did not confirm the commit in time; it may or may not have been applied`), { cause: error });
          }
          await sleep(Math.min(50 * 2 ** retry, 500));
          continue;
        }
        if (hasLabel(error, MongoErrorLabel.TransientTransactionError)) return false;
        throw error;
      }
    }
  }
}
