import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import type { Express } from 'express';
import { loadConfig } from '../../config/index.js';
import { logger } from '../../src/infra/logger.js';
import { startSystem, type System, type SystemOptions } from '../../src/system.js';
import { migrateDatabase } from './migrate.js';
import { testMongo } from './test-run.js';

export const ADMIN = { username: 'admin', password: 'test-admin-password' };
export const adminAuth = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;

export interface TestSystem extends System {
  app: Express;
  dbName: string;
  http: ReturnType<typeof request>;
  /** Drops this suite's database and stops the system. */
  shutdown(): Promise<void>;
}

/** A whole system on the run's MongoDB, in a database of its own, listening on a free port. */
export async function startTestSystem(
  options: Partial<Pick<SystemOptions, 'worker' | 'http' | 'rewardsUseCase'>> & { env?: Record<string, string>; dbName?: string } = {},
): Promise<TestSystem> {
  const { uri } = await testMongo();
  const dbName = options.dbName ?? `test_${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    TOKEN_SECRET: 'test-token-secret-that-is-long-enough-0123456789',
    JOB_PROCESS_EVERY_MS: '100',
    JOB_BACKOFF_DELAY_MS: '100',
    JOB_BACKOFF_JITTER: '0',
    // In-process systems are stopped by the test, not by a load balancer's signal: no drain wait.
    SHUTDOWN_DRAIN_DELAY_MS: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...options.env,
  });
  logger.level = config.logLevel;
  await migrateDatabase(uri, dbName);
  const system = await startSystem(config, logger, {
    http: options.http ?? true,
    worker: options.worker ?? false,
    port: 0,
    rewardsUseCase: options.rewardsUseCase,
  });
  return {
    ...system,
    app: system.app!,
    dbName,
    http: request(system.app!),
    async shutdown() {
      await system.stop();
      const client = await MongoClient.connect(uri);
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}
