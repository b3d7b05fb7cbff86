/**
 * `npm run migrate` (in production: `node dist/src/migrate.js`): builds the collections and
 * indexes this version needs on MONGODB_URI / MONGODB_DB — run it before the new version starts
 * (docker-compose.yml and ecosystem.config.cjs do). Safe to run again; the service only checks.
 */
import { loadConfig } from '../config/index.js';
import { openDatabase } from './infra/database/connection.js';
import { configureLogger, logger } from './infra/logger.js';
import { exitOnStartupError } from './infra/shutdown.js';

async function main() {
  const config = loadConfig();
  configureLogger(config.logLevel, config.isProduction);
  const started = Date.now();
  const database = await openDatabase(config, logger, { migrate: true });
  try {
    logger.info('migrated', { database: config.dbName, server: database.mongo.description, ms: Date.now() - started });
  } finally {
    await database.close();
  }
}

main().catch((error) => exitOnStartupError(logger, error));
