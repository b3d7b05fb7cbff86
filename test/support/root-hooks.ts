/**
 * Mocha root hooks: resolve one MongoDB for the whole run (MONGODB_URI → memory replica set →
 * FerretDB, exactly as the service does) and detect what it can prove. Every integration suite
 * uses its own database on it.
 */
import { MongoClient } from 'mongodb';
import { detectCapabilities, type ServerCapabilities } from '../../src/infra/database/capabilities.js';
import { resolveMongo, type ResolvedMongo } from '../../tools/dev-database/resolve-mongo.js';
import { logger } from '../../src/infra/logger.js';
import { testRun } from './test-run.js';

let resolved: ResolvedMongo | undefined;

async function resolveOnce(): Promise<{ uri: string; capabilities: ServerCapabilities }> {
  if (testRun.mongo) return testRun.mongo;
  // Loud about which server the run uses (and a FerretDB build); quiet for the suites after.
  logger.level = process.env.LOG_LEVEL ?? 'warn';
  // Three members where the front stands in (FerretDB): the driver runs its replica-set paths.
  resolved = await resolveMongo({ uri: process.env.MONGODB_URI || undefined, log: logger, members: 3 });
  logger.level = process.env.LOG_LEVEL ?? 'error';
  const client = await MongoClient.connect(resolved.uri);
  try {
    const capabilities = await detectCapabilities(client.db('admin'));
    testRun.mongo = { uri: resolved.uri, capabilities, description: resolved.description, ferretdbPort: resolved.ferretdb?.port };
    return testRun.mongo;
  } finally {
    await client.close();
  }
}

testRun.resolveOnce = resolveOnce;

export const mochaHooks = {
  // Once per run, before any suite: on a fresh machine this may build FerretDB (about 1.5 min).
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60_000);
    await resolveOnce();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await resolved?.stop();
  },
};
