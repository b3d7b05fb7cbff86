import { createHash } from 'node:crypto';
import { BSON, type Db } from 'mongodb';

/** What a running Agenda may touch on its own job documents without anyone asking it to. */
const JOB_TIMESTAMPS = ['lockedAt', 'lastRunAt', 'lastFinishedAt', 'nextRunAt'];

/**
 * A hash per collection of everything in the database (documents and indexes), so a run can prove
 * that nothing changed and name what did. The jobs collection is hashed without its timestamps.
 */
export async function databaseDigest(db: Db, jobsCollection: string): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
  for (const name of collections.sort()) {
    const documents = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    if (name === jobsCollection) for (const job of documents) for (const field of JOB_TIMESTAMPS) delete job[field];
    const indexes = (await db.collection(name).indexes()).map((i) => ({ key: i.key, unique: i.unique ?? false })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    digest[name] = `${documents.length} docs ${createHash('sha256').update(BSON.EJSON.stringify({ documents, indexes })).digest('hex').slice(0, 16)}`;
  }
  return digest;
}
