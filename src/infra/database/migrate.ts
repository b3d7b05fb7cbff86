import type { Db, Document } from 'mongodb';
import { JOBS_COLLECTION } from '../queue/agenda.js';
import { QUEUE_INDEXES } from '../queue/queue-indexes.js';
import mongoose from 'mongoose';
import { registerModels, type Models } from './models.js';
import { DatabaseUnavailable } from './server.js';

/**
 * The database's schema: every collection and index this version needs. Built by an explicit
 * step (`npm run migrate`, which deploy files run before a new version starts), never by the
 * service's start: an index build on a big collection can take longer than any start-up may, and
 * every process of a release would exit and restart until it finished. At start the service
 * only checks (missingIndexes) and refuses with one line when something is missing.
 */
export async function migrate(db: Db, models: Models): Promise<{ collections: number; indexes: number }> {
  // Every collection exists before the first transaction: a sharded cluster refuses to create
  // one implicitly inside a cross-shard transaction.
  for (const model of Object.values(models)) await model.createCollection().catch(ignoreExisting);
  await db.createCollection(JOBS_COLLECTION).catch(ignoreExisting);
  for (const model of Object.values(models)) await model.createIndexes().catch(refused(model.collection.collectionName));
  for (const { key, options } of QUEUE_INDEXES) await db.collection(JOBS_COLLECTION).createIndex(key, options).catch(refused(JOBS_COLLECTION));
  const indexes = expected(models).length;
  return { collections: Object.keys(models).length + 1, indexes };
}

/** `npm run migrate` for the database `dbName` at `uri`, on a connection of its own (tests, the bench). */
export async function migrateDatabaseAt(uri: string, dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(uri, { dbName, autoIndex: false }).asPromise();
  try {
    await migrate(connection.db!, registerModels(connection));
  } finally {
    await connection.close();
  }
}

/** `collection: {key}` of every index this version needs that the database lacks (compared by keys). */
export async function missingIndexes(db: Db, models: Models): Promise<string[]> {
  const existing = new Map<string, Set<string>>();
  const missing: string[] = [];
  for (const { collection, key } of expected(models)) {
    if (!existing.has(collection)) {
      const listed = await db.collection(collection).listIndexes().toArray().catch((error: unknown) => {
        if ((error as { code?: number }).code === 26) return [] as Document[]; // NamespaceNotFound
        throw error;
      });
      existing.set(collection, new Set(listed.map((i) => JSON.stringify(i.key))));
    }
    if (!existing.get(collection)!.has(JSON.stringify(key))) missing.push(`${collection}: ${JSON.stringify(key)}`);
  }
  return missing;
}

function expected(models: Models): { collection: string; key: Document }[] {
  const fromModels = Object.values(models).flatMap((model) =>
    model.schema.indexes().map(([fields]: [unknown, unknown]) => ({ collection: model.collection.collectionName, key: fields as Document })),
  );
  return [...fromModels, ...QUEUE_INDEXES.map(({ key }) => ({ collection: JOBS_COLLECTION, key: key as Document }))];
}

/** An index the server refuses to build (e.g. one of that name with other keys): one line, no stack. */
const refused = (collection: string) => (error: Error) => {
  throw new DatabaseUnavailable(`cannot build the indexes of ${collection}: ${error.message}`);
};

/** createCollection on an existing collection: NamespaceExists (48) on MongoDB; FerretDB says so too. */
function ignoreExisting(error: unknown): void {
  const e = error as { code?: number; codeName?: string };
  if (e.code === 48 || e.codeName === 'NamespaceExists') return;
  throw error;
}
