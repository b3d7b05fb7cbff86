import { MongoError } from 'mongodb';
import type { RunOptions, UnitOfWork, Work } from './database/unit-of-work.js';
import { currentRequest } from './http-server.js';
import type { Logger } from './logger.js';

/**
 * Ctrl-C under `npm start` reaches node twice: from the terminal (to the whole process group)
 * and forwarded by npm a moment later. Within this window a repeat counts as the same signal.
 */
const REPEAT_WINDOW_MS = 1_000;

/**
 * Signals live here. The first SIGTERM/SIGINT stops gracefully; a second one (after
 * REPEAT_WINDOW_MS), or the stop taking longer than the deadline, exits at once.
 *
 * The signal must reach node: package.json's scripts `exec` node, so npm (which forwards SIGINT
 * and SIGTERM to its child) signals node itself and not a shell that would die and leave node
 * running, orphaned.
 */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>, deadlineMs: number): void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < REPEAT_WINDOW_MS) return;
      log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    firstAt = Date.now();
    log.info('shutting down', { signal });
    setTimeout(() => {
      log.error('shutdown took too long; exiting', { deadlineMs });
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        log.error('shutdown failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** Entry points call this on a start-up failure: one clear line, no stack for known causes. */
export function exitOnStartupError(log: Logger, error: unknown): never {
  const e = error as Error;
  log.error(`cannot start: ${e.message}`, e.name === 'ConfigError' || e.name === 'DatabaseUnavailable' ? {} : { stack: e.stack });
  process.exit(1);
}

/**
 * Agenda 6.2.6 gives some locks back without awaiting the write (`JobProcessor`: when the lock
 * limit is reached while filling its queue, and for a job it finds not yet due). If the database
 * fails at that moment, the rejection is unhandled, and Node's default would kill the worker in
 * the middle of an outage it is meant to ride out. A database error there loses nothing (the
 * lock expires, or the worker gives it back when the database returns): it is logged and the
 * process keeps running. Any other unhandled rejection is a bug: logged, and the process exits
 * as Node would have.
 */
export function onUnhandledRejection(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof MongoError) {
      log.warn('a database call nobody awaited failed (in a library); carrying on', { error: reason.message, name: reason.name });
      return;
    }
    const e = reason instanceof Error ? reason : new Error(String(reason));
    log.error('unhandled rejection: exiting', { error: e.message, stack: e.stack });
    process.exit(1);
  });
}

/**
 * A request the shutdown deadline gave up on has been answered 503 (HttpServer.close): the unit of
 * work it started must not commit after that answer. A unit run for a request checks the request's
 * signal when each attempt starts and when its work is done, before the commit; an abandoned one
 * throws there, so the unit aborts its transaction (or, without transactions, undoes its steps)
 * like any failed unit, and shutdown keeps the database open until it has (`hold`). A commit
 * already under way when the grace period ends is not taken back: that 503 tells a client to
 * retry a checkout with the same Idempotency-Key, which answers a purchase made, never makes two.
 *
 * Wraps the process's UnitOfWork from outside: the check belongs in UnitOfWork.run, and moves
 * there once that file is free to change.
 */
export function abortUnitsOfAbandonedRequests(unitOfWork: UnitOfWork): void {
  const run = unitOfWork.run.bind(unitOfWork);
  unitOfWork.run = <T>(options: RunOptions, work: Work<T>): Promise<T> => {
    const request = currentRequest();
    if (!request) return run(options, work);
    const running = run<T>(options, async (session, onRollback) => {
      request.signal.throwIfAborted();
      const result = await work(session, onRollback);
      request.signal.throwIfAborted();
      return result;
    });
    request.hold(running);
    return running;
  };
}
