import path from 'node:path';
import type { AppConfig } from '../../../config/index.js';
import type { Logger } from '../logger.js';
import { redactUri } from '../../shared/redact.js';

/** The MongoDB server this process talks to, and how to stop it if the process started it. */
export interface DatabaseServer {
  uri: string;
  /** 'env': MONGODB_URI; otherwise an embedded server (development, tests, benchmarks). */
  source: string;
  /** Human-readable: what server this is (for logs, /ready, test summaries). */
  description: string;
  /** For an embedded FerretDB: where its data lives. */
  ferretdb?: { backend: string; dataDir: string; postgresql?: { database: string; url: string } };
  /** Stops a server this process started; a no-op for MONGODB_URI. Idempotent. */
  stop(): Promise<void>;
}

export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
}


/**
 * MONGODB_URI when set (production always: it refuses to start without). Otherwise an embedded
 * server from the development-only module tools/dev-database — imported here and only here, and
 * only then, so the production start path never loads it (nor mongodb-memory-server).
 */
/** `keepEmbeddedData`: an embedded FerretDB keeps its data in `.data/<name>` of the project across restarts. */
export async function locateDatabase(config: AppConfig, log: Logger, keepEmbeddedData?: string): Promise<DatabaseServer> {
  if (config.mongodbUri) return { uri: config.mongodbUri, source: 'env', description: `MONGODB_URI ${redactUri(config.mongodbUri)}`, stop: async () => undefined };
  if (config.isProduction) throw new DatabaseUnavailable('MONGODB_URI is not set; NODE_ENV=production requires it (a MongoDB replica set)');
  const { resolveMongo, projectRoot } = await import('../../../tools/dev-database/resolve-mongo.js');
  const dataDir = keepEmbeddedData ? path.join(projectRoot(), '.data', keepEmbeddedData) : undefined;
  return resolveMongo({ log, dataDir, postgresqlUrl: config.ferretdbPostgresqlUrl ?? null });
}
