import { loadConfig } from '../config/index.js';
import { configureLogger, logger } from './infra/logger.js';
import { exitOnStartupError, onShutdownSignal, onUnhandledRejection } from './infra/shutdown.js';
import { startSystem } from './system.js';

/** `npm run worker`: an Agenda processor only. Run as many as the queue needs, anywhere. */
async function main() {
  const config = loadConfig();
  configureLogger(config.logLevel, config.isProduction);
  onUnhandledRejection(logger);
  if (!config.mongodbUri) logger.warn('MONGODB_URI not set: this worker uses its own embedded database, shared with no API (use `npm run db`)');
  const starting = startSystem(config, logger, { http: false, worker: true });
  // A signal during start-up stops the worker once it is up (see server.ts).
  onShutdownSignal(logger, async () => (await starting).stop(), config.http.shutdownDrainDelayMs + config.queue.shutdownTimeoutMs + 10_000);
  await starting;
}

main().catch((error) => exitOnStartupError(logger, error));
