import { randomBytes } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { loadConfig } from '../../config/index.js';
import { migrateDatabaseAt } from '../../src/infra/database/migrate.js';
import { logger } from '../../src/infra/logger.js';
import { startSystem, type System, type SystemOptions } from '../../src/system.js';
import { SETTINGS } from './settings.js';

export const clientOf = (system: System): MongoClient => system.ctx.database.connection.getClient();

/**
 * Starts systems the way the entry points do, at the service's default settings (the bench only
 * names its database and credentials; JOB_PROCESS_EVERY_MS and the rest come from the
 * environment or config/defaults.ts). The first system finds the database server (and owns it
 * if it started one); the others join it. Every data level gets a database of its own, dropped
 * at the end.
 */
export class Lab {
  readonly prefix = `bench_${randomBytes(3).toString('hex')}`;
  readonly admin = { username: 'bench', password: randomBytes(12).toString('hex') };
  private readonly tokenSecret = randomBytes(32).toString('hex');
  private owner: System | undefined;
  private readonly running: System[] = [];
  private readonly databases = new Set<string>();

  dbName(database: string): string {
    return `${this.prefix}_${database}`;
  }

  async start(database: string, options: Pick<SystemOptions, 'http' | 'worker' | 'rewardsUseCase'>): Promise<System> {
    const dbName = this.dbName(database);
    this.databases.add(dbName);
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      MONGODB_URI: this.owner?.ctx.database.mongo.uri ?? process.env.MONGODB_URI,
      MONGODB_DB: dbName,
      ADMIN_USERNAME: this.admin.username,
      ADMIN_PASSWORD: this.admin.password,
      TOKEN_SECRET: this.tokenSecret,
      ...(SETTINGS.processEveryMs ? { JOB_PROCESS_EVERY_MS: SETTINGS.processEveryMs } : {}),
      // The bench leaves purchases pending on purpose (it enqueues them itself, timed); the
      // reconciler must not enqueue them in the middle of a measurement.
      RECONCILE_GRACE_MS: String(60 * 60_000),
    });
    // The first system's embedded database migrates itself; the others' databases, as a deploy would.
    if (config.mongodbUri) await migrateDatabaseAt(config.mongodbUri, dbName);
    const system = await startSystem(config, logger, { ...options, port: 0 });
    this.owner ??= system;
    this.running.push(system);
    return system;
  }

  /** Stops a system before the end (not the owner: it holds the database server). */
  async stop(system: System): Promise<void> {
    if (system === this.owner) return;
    this.running.splice(this.running.indexOf(system), 1);
    await system.stop();
  }

  /** Workers and other systems first, then the bench databases are dropped, then the owner. */
  async close(): Promise<void> {
    const report = (what: string) => (error: Error) => logger.error(`bench: ${what} failed: ${error.message}`);
    for (const system of this.running.filter((s) => s !== this.owner).reverse()) await system.stop().catch(report('stopping a system'));
    if (!this.owner) return;
    const client = clientOf(this.owner);
    for (const name of this.databases) await client.db(name).dropDatabase().catch(report(`dropping ${name}`));
    await this.owner.stop().catch(report('stopping the first system'));
  }
}
