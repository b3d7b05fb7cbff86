import type { Db } from 'mongodb';
import { JOBS_COLLECTION } from './agenda.js';

/**
 * `every()` keeps one document per name by an upsert (findOneAndUpdate {name, type: 'single'},
 * upsert: true). Workers starting together run such upserts at once, and MongoDB may turn two of
 * them into two inserts when no unique index covers the query; the one that would (unique on
 * `name` where `type` is 'single') is a partial index, which FerretDB refuses. So each start
 * deletes every copy but the oldest — the same one for every worker, so concurrent starts agree —
 * unless it is locked (running somewhere: a later start removes it).
 */
export async function removeDuplicateSingleJobs(db: Db, names: readonly string[]): Promise<number> {
  const jobs = db.collection(JOBS_COLLECTION);
  let removed = 0;
  for (const name of names) {
    const copies = await jobs.find({ name, type: 'single' }, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray();
    if (copies.length < 2) continue;
    const extra = copies.slice(1).map((c) => c._id);
    removed += (await jobs.deleteMany({ _id: { $in: extra }, lockedAt: null })).deletedCount;
  }
  return removed;
}
