import type { Logger } from './logger.js';

/**
 * Signals live here. The first SIGTERM/SIGINT stops gracefully; a second one, or the stop
 * taking longer than the deadline, exits at once.
 */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>, deadlineMs: number): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
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
