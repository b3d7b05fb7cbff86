import mongoose, { type Connection } from 'mongoose';
import type { Db } from 'mongodb';
import type { AppConfig } from '../../../config/index.js';
import type { Logger } from '../logger.js';
import { detectCapabilities, type ServerCapabilities } from './capabilities.js';
import { registerModels, type Models } from './models.js';
import { resolveMongo, type ResolvedMongo } from './resolve-mongo.js';
import { UnitOfWork } from './unit-of-work.js';

/** Everything the process knows about its database. Nothing else opens connections. */
export interface Database {
  connection: Connection;
  /** The driver's Db behind mongoose, shared with Agenda so there is one pool. */
  db: Db;
  models: Models;
  capabilities: ServerCapabilities;
  unitOfWork: UnitOfWork;
  mongo: ResolvedMongo;
  close(): Promise<void>;
}

export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
}

export interface DatabaseOptions {
  /** Called once per attempt of a unit of work (the transaction-attempts metric). */
  onUnitOfWorkAttempt?: (unit: string) => void;
}

export async function openDatabase(config: AppConfig, log: Logger, options: DatabaseOptions = {}): Promise<Database> {
  const mongo = await resolveMongo({ uri: config.mongodbUri, log });
  let connection: Connection;
  try {
    connection = await mongoose
      .createConnection(mongo.uri, {
        dbName: config.dbName,
        serverSelectionTimeoutMS: 10_000,
        autoIndex: false,
        // Command events: tests and the benchmark count the round trips of each path.
        monitorCommands: true,
      })
      .asPromise();
  } catch (error) {
    await mongo.stop();
    throw new DatabaseUnavailable(`Cannot connect to MongoDB (${mongo.description}): ${(error as Error).message}`);
  }
  const db = connection.db;
  if (!db) throw new DatabaseUnavailable('MongoDB connection has no database handle');

  const capabilities = await detectCapabilities(db);
  const serverName = `${capabilities.kind} ${capabilities.version}`;
  if (!capabilities.transactions) {
    if (config.isProduction) {
      await connection.close();
      await mongo.stop();
      throw new DatabaseUnavailable(
        `${serverName} does not support transactions; NODE_ENV=production requires a MongoDB replica set`,
      );
    }
    log.warn(
      `${serverName} has no transactions: checkout and rewards run WITHOUT a transaction ` +
        '(development only; concurrency guarantees are not proven on this server)',
    );
  }

  const models = registerModels(connection);
  // Every collection exists before the first transaction: a sharded cluster refuses to create
  // one implicitly inside a cross-shard transaction. Then the indexes.
  await Promise.all(Object.values(models).map((model) => model.createCollection().catch(ignoreExisting)));
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  log.info('database ready', { server: serverName, source: mongo.source, database: config.dbName, transactions: capabilities.transactions });

  return {
    connection,
    db,
    models,
    capabilities,
    unitOfWork: new UnitOfWork(connection, capabilities, config.transactionBudgetMs, options.onUnitOfWorkAttempt),
    mongo,
    async close() {
      await connection.close();
      await mongo.stop();
    },
  };
}

/** createCollection on an existing collection: NamespaceExists (48) on MongoDB; FerretDB says so too. */
function ignoreExisting(error: unknown): void {
  const e = error as { code?: number; codeName?: string };
  if (e.code === 48 || e.codeName === 'NamespaceExists') return;
  throw error;
}
