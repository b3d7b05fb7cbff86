import { loadConfig } from '../config/index.js';
import { configureLogger, logger } from './infra/logger.js';
import { exitOnStartupError, onShutdownSignal, onUnhandledRejection } from './infra/shutdown.js';
import { startSystem } from './system.js';

/** `npm start`: the HTTP API, Agendash, and (unless RUN_WORKER=false) an in-process worker. */
async function main() {
  const config = loadConfig();
  configureLogger(config.logLevel, config.isProduction);
  onUnhandledRejection(logger);
  // With no MONGODB_URI, the embedded FerretDB keeps the shop across restarts, as `npm run db`
  // does (mongodb-memory-server, where it can be had, always starts empty).
  const starting = startSystem(config, logger, { http: true, worker: config.runWorker, keepEmbeddedData: 'dev' });
  // Signals are ours from here on: one that arrives while the system starts (a supervisor may
  // signal at any moment, e.g. right after the "started" line) stops it once it is up, gracefully,
  // instead of Node's default of dying on the spot.
  const { shutdownDrainDelayMs, shutdownGraceMs } = config.http;
  onShutdownSignal(logger, async () => (await starting).stop(), shutdownDrainDelayMs + shutdownGraceMs + config.queue.shutdownTimeoutMs + 10_000);
  const system = await starting;
  const embedded = system.ctx.database.mongo.ferretdb;
  if (embedded?.postgresql) {
    logger.warn(
      `development data is kept in PostgreSQL database ${embedded.postgresql.database} (${embedded.postgresql.url.replace(/\/[^/?]*(\?.*)?$/, '')}) ` +
        `across restarts; drop that database to start with an empty shop`,
    );
  } else if (embedded) {
    logger.warn(`development data is kept in ${embedded.dataDir} across restarts; delete that folder to start with an empty shop`);
  }
  if (config.admin.generated) {
    // Printed once, on stdout rather than the log stream, so log shipping never carries it.
    process.stdout.write(
      `\nAdmin credentials for this run (set ADMIN_USERNAME/ADMIN_PASSWORD to choose them):\n` +
        `  ${config.admin.username}:${config.admin.password}\n  Dashboard: ${system.url}/admin/jobs\n\n`,
    );
  }
  if (!config.metrics.public && config.metrics.port === undefined) {
    logger.warn('/metrics is served on no port of this process: set METRICS_PORT (an internal port) or PUBLIC_METRICS=true');
  }
  if (config.token.generated) logger.warn('TOKEN_SECRET not set: customer tokens are signed with a random key and die with this process');
}

main().catch((error) => exitOnStartupError(logger, error));
