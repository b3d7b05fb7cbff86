import mongoose, { type Connection } from 'mongoose';
import type { Db } from 'mongodb';
import type { AppConfig } from '../../../config/index.js';
import type { Logger } from '../logger.js';
import { watchAvailability, type Availability } from './availability.js';
import { heartbeatStallMs, watchMonitors } from './monitor-watchdog.js';
import { detectCapabilities, type ServerCapabilities } from './capabilities.js';
import { migrate, missingIndexes } from './migrate.js';
import { registerModels, type Models } from './models.js';
import { DatabaseUnavailable, locateDatabase, type DatabaseServer } from './server.js';
import { UnitOfWork } from './unit-of-work.js';

/** Everything the process knows about its database. Nothing else opens connections. */
export interface Database {
  connection: Connection;
  /** The driver's Db behind mongoose, shared with Agenda so there is one pool. */
  db: Db;
  models: Models;
  capabilities: ServerCapabilities;
  unitOfWork: UnitOfWork;
  mongo: DatabaseServer;
  /** Whether the database can be reached now; logs each change once. */
  availability: Availability;
  close(): Promise<void>;
}

/**
 * How the process talks to MongoDB when it goes away (docs/spec.md §4, §10: answer 503 fast, recover
 * by itself). An operation waits at most SERVER_SELECTION_TIMEOUT_MS for a usable server, so
 * a request fails within about a second, and the error handler answers 503 with Retry-After.
 */
export const CONNECTION_OPTIONS = {
  serverSelectionTimeoutMS: 1_000,
  // A server that went away is noticed, and one that came back is found, within this much
  // (the driver checks every 500 ms while an operation waits for a server).
  heartbeatFrequencyMS: 2_000,
  connectTimeoutMS: 2_000,
  // No operation of this service takes anywhere near this long; a connection that stops
  // answering (a server hung, or shutting down with connections open) fails its operation
  // instead of holding a request or a job forever.
  socketTimeoutMS: 30_000,
  // No mongoose buffering: while disconnected it would hold each operation up to 10 s
  // (bufferTimeoutMS); the driver's server selection above fails it in 1 s instead.
  bufferCommands: false,
  autoIndex: false,
  // Command events: tests and the benchmark count the round trips of each path.
  monitorCommands: true,
} as const;

/** At start the database may still be starting (e.g. a container next to this one): retry this long. */
const INITIAL_CONNECT_MS = 10_000;

export { DatabaseUnavailable };

export interface DatabaseOptions {
  /** With no MONGODB_URI: an embedded FerretDB keeps its data in the project's `.data/<this>` across restarts; default: a temp dir. */
  keepEmbeddedData?: string;
  /** Build the schema (collections, indexes) instead of checking it: `npm run migrate`. */
  migrate?: boolean;
  /** Called once per attempt of a unit of work (the transaction-attempts metric). */
  onUnitOfWorkAttempt?: (unit: string) => void;
}

export async function openDatabase(config: AppConfig, log: Logger, options: DatabaseOptions = {}): Promise<Database> {
  const mongo = await locateDatabase(config, log, options.keepEmbeddedData);
  let connection: Connection;
  try {
    connection = await connectWithin(mongo.uri, config.dbName, INITIAL_CONNECT_MS);
  } catch (error) {
    await mongo.stop();
    throw new DatabaseUnavailable(`Cannot connect to MongoDB (${mongo.description}): ${(error as Error).message}`);
  }
  const db = connection.db;
  if (!db) throw new DatabaseUnavailable('MongoDB connection has no database handle');

  const capabilities = await detectCapabilities(db);
  const serverName = `${capabilities.kind} ${capabilities.version}`;
  if (!capabilities.transactions) {
    // One code path: every unit of work is a transaction, on every server (docs/spec.md §1).
    await connection.close();
    await mongo.stop();
    throw new DatabaseUnavailable(
      `${serverName} has no transactions; the service needs a MongoDB replica set — a single node is enough: ` +
        'start mongod with --replSet rs0 and run rs.initiate() once, then use mongodb://HOST:27017/?replicaSet=rs0 ' +
        '(or unset MONGODB_URI in development: the embedded database is one)',
    );
  }

  const models = registerModels(connection);
  // The schema is built by `npm run migrate` (migrate.ts says why); an embedded development
  // database, the process's own, is migrated here. Otherwise: check, and refuse with one line.
  if (options.migrate || mongo.source !== 'env') {
    await migrate(db, models);
  } else {
    const missing = await missingIndexes(db, models);
    if (missing.length > 0) {
      await connection.close();
      throw new DatabaseUnavailable(
        `database ${config.dbName} lacks ${missing.length} index(es) this version needs (${missing.slice(0, 3).join('; ')}${missing.length > 3 ? '; …' : ''}): ` +
          'run `npm run migrate` (node dist/src/migrate.js) with the same MONGODB_URI and MONGODB_DB before starting it',
      );
    }
  }
  log.info('database ready', { server: serverName, source: mongo.source, database: config.dbName, transactions: capabilities.transactions });

  const monitors = watchMonitors(connection.getClient(), log, { stallMs: heartbeatStallMs(CONNECTION_OPTIONS) });
  const availability = watchAvailability(connection.getClient(), log);
  return {
    connection,
    db,
    models,
    capabilities,
    unitOfWork: new UnitOfWork(connection, config.transactionBudgetMs, options.onUnitOfWorkAttempt),
    mongo,
    availability,
    async close() {
      monitors.stop();
      availability.stop();
      await connection.close();
      await mongo.stop();
    },
  };
}

async function connectWithin(uri: string, dbName: string, withinMs: number): Promise<Connection> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 1; ; attempt++) {
    const connection = mongoose.createConnection(uri, { dbName, ...CONNECTION_OPTIONS });
    try {
      return await connection.asPromise();
    } catch (error) {
      await connection.close().catch(() => undefined);
      if (Date.now() >= deadline || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

