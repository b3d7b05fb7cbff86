import type { ClientSession, Connection } from 'mongoose';
import type { ServerCapabilities } from './capabilities.js';

/** Registers an undo step; used only when the server has no transactions. */
export type OnRollback = (undo: () => Promise<unknown>) => void;

/**
 * Runs a piece of work atomically. On a server with transactions (a replica set) the function
 * runs inside `withTransaction`, which retries it on transient errors — so it must be
 * re-runnable. Without transactions (FerretDB, development only; production refuses to start)
 * it runs once with `session` undefined; if it throws, the undo steps it registered run in
 * reverse order. That is best effort, not atomicity: concurrency guarantees need a replica set.
 */
export class UnitOfWork {
  constructor(
    private readonly connection: Connection,
    readonly capabilities: ServerCapabilities,
  ) {}

  get transactional(): boolean {
    return this.capabilities.transactions;
  }

  async run<T>(work: (session: ClientSession | undefined, onRollback: OnRollback) => Promise<T>): Promise<T> {
    if (!this.capabilities.transactions) return this.runWithCompensation(work);
    const session = await this.connection.startSession();
    try {
      return await session.withTransaction(() => work(session, () => undefined), {
        readConcern: { level: 'snapshot' },
        writeConcern: { w: 'majority' },
      });
    } finally {
      await session.endSession();
    }
  }

  private async runWithCompensation<T>(work: (session: undefined, onRollback: OnRollback) => Promise<T>): Promise<T> {
    const undo: (() => Promise<unknown>)[] = [];
    try {
      return await work(undefined, (step) => undo.push(step));
    } catch (error) {
      for (const step of undo.reverse()) await step();
      throw error;
    }
  }
}
