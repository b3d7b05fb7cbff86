import type { ClientSession, Connection } from 'mongoose';
import { MongoError, MongoErrorLabel } from 'mongodb';
import { ServiceUnavailable } from '../../shared/errors.js';
import type { ServerCapabilities } from './capabilities.js';

/** Registers an undo step; used only when the server has no transactions. */
export type OnRollback = (undo: () => Promise<unknown>) => void;

export type Work<T> = (session: ClientSession | undefined, onRollback: OnRollback) => Promise<T>;

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

/**
 * Runs a piece of work atomically within a time budget.
 *
 * With transactions (a replica set) the work runs in a transaction, retried on transient errors
 * (write conflicts) like the driver's `withTransaction` — so it must be re-runnable — but never
 * past the budget: the driver's own loop retries for up to 120 s, longer than a job's lock lives
 * and than any client waits. Work that ends past the deadline is aborted, not committed.
 *
 * Without transactions (FerretDB, development only; production refuses to start) it runs once
 * with `session` undefined; if it throws, or ends past its deadline, the undo steps it registered
 * run in reverse order (work with none to undo is kept). That is best effort, not atomicity: concurrency guarantees need a replica set.
 */
export class UnitOfWork {
  constructor(
    private readonly connection: Connection,
    readonly capabilities: ServerCapabilities,
    private readonly defaultBudgetMs: number,
    /** Called once per attempt (the first included), for the transaction-attempts metric. */
    private readonly onAttempt: (name: string) => void = () => undefined,
  ) {}

  get transactional(): boolean {
    return this.capabilities.transactions;
  }

  async run<T>(options: RunOptions, work: Work<T>): Promise<T> {
    const budgetMs = options.budgetMs ?? this.defaultBudgetMs;
    const deadline = Date.now() + budgetMs;
    if (!this.capabilities.transactions) return this.runWithCompensation(options.name, budgetMs, deadline, work);
    const session = await this.connection.startSession();
    try {
      return await this.runInTransactions(session, options.name, budgetMs, deadline, work);
    } finally {
      await session.endSession();
    }
  }

  private async runInTransactions<T>(session: ClientSession, name: string, budgetMs: number, deadline: number, work: Work<T>): Promise<T> {
    const outOfTime = () => Date.now() >= deadline;
    for (let attempt = 1; ; attempt++) {
      this.onAttempt(name);
      session.startTransaction({
        readConcern: { level: 'snapshot' },
        writeConcern: { w: 'majority' },
        maxCommitTimeMS: Math.max(1, deadline - Date.now()),
      });
      let result: T;
      try {
        result = await work(session, () => undefined);
        if (outOfTime()) throw new TransactionBudgetExceeded(name, budgetMs, attempt);
      } catch (error) {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        if (hasLabel(error, MongoErrorLabel.TransientTransactionError)) {
          if (outOfTime()) throw new TransactionBudgetExceeded(name, budgetMs, attempt, error);
          continue;
        }
        throw error;
      }
      for (;;) {
        try {
          await session.commitTransaction();
          return result;
        } catch (error) {
          const unknownResult = hasLabel(error, MongoErrorLabel.UnknownTransactionCommitResult);
          const transient = hasLabel(error, MongoErrorLabel.TransientTransactionError);
          if ((unknownResult || transient) && outOfTime()) throw new TransactionBudgetExceeded(name, budgetMs, attempt, error);
          if (unknownResult && (error as MongoError).code !== 50 /* MaxTimeMSExpired */) continue;
          if (transient) break;
          throw error;
        }
      }
    }
  }

  private async runWithCompensation<T>(name: string, budgetMs: number, deadline: number, work: Work<T>): Promise<T> {
    this.onAttempt(name);
    const undo: (() => Promise<unknown>)[] = [];
    try {
      const result = await work(undefined, (step) => undo.push(step));
      // Past the deadline, work that can be undone is undone (as a transaction would be aborted);
      // work that registered no undo step (a rewards run, which only goes forward) is kept.
      if (Date.now() >= deadline && undo.length > 0) throw new TransactionBudgetExceeded(name, budgetMs, 1);
      return result;
    } catch (error) {
      for (const step of undo.reverse()) await step();
      throw error;
    }
  }
}
