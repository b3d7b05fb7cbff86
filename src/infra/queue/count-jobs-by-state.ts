import { computeJobState, type JobParameters, type JobsOverview } from 'agenda';
import type { Db } from 'mongodb';
import { JOBS_COLLECTION, JOB_NAMES } from './agenda.js';
import { NOT_PLAIN_COMPLETED, STATE_FIELDS } from './job-state-filters.js';

/** The job name whose finished documents make up nearly all of the collection. */
const BULK_NAME = JOB_NAMES.processCheckoutRewards;

const emptyOverview = (name: string): JobsOverview => ({ name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 });

/**
 * `agenda.getJobsOverview()` — per-name counts by state, equal to the Mongo backend's — in three
 * commands whatever the collection holds (the backend loads every job document of every name):
 * - the collection's size from its metadata (`count` without a filter);
 * - the size of every name but the rewards job's (`$group` with `$sum`, over the few documents
 *   of maintenance and reversal jobs; the index on `name` skips the rewards jobs);
 * - the documents that are not plainly completed (live work, failures, repeating jobs), only
 *   their state fields, classified with Agenda's own computeJobState.
 * The rest — the rewards job's plainly completed documents, the mass that grows with the shop —
 * is counted as `completed` without being read.
 */
export async function countJobsByState(db: Db, now = new Date()): Promise<JobsOverview[]> {
  const jobs = db.collection(JOBS_COLLECTION);
  const [all, otherTotals, live] = await Promise.all([
    jobs.estimatedDocumentCount(),
    jobs.aggregate<{ _id: string; total: number }>([{ $match: { name: { $ne: BULK_NAME } } }, { $group: { _id: '$name', total: { $sum: 1 } } }]).toArray(),
    jobs.find(NOT_PLAIN_COMPLETED, { projection: STATE_FIELDS, batchSize: 10_000 }).toArray(),
  ]);
  const byName = new Map<string, JobsOverview>();
  const of = (name: string) => byName.get(name) ?? byName.set(name, emptyOverview(name)).get(name)!;
  let others = 0;
  for (const { _id, total } of otherTotals) {
    of(_id).total = total;
    others += total;
  }
  // The metadata count and the live documents are read at slightly different moments: never below what was seen.
  const liveBulk = live.filter((d) => d.name === BULK_NAME).length;
  if (all - others > 0 || liveBulk > 0) of(BULK_NAME).total = Math.max(all - others, liveBulk);
  const notPlain = new Map<string, number>();
  for (const doc of live) {
    const overview = of(doc.name as string);
    overview[computeJobState(doc as unknown as JobParameters, now)] += 1;
    if (doc.disabled === true) overview.paused += 1;
    notPlain.set(overview.name, (notPlain.get(overview.name) ?? 0) + 1);
  }
  for (const overview of byName.values()) {
    overview.total = Math.max(overview.total, notPlain.get(overview.name) ?? 0);
    overview.completed += overview.total - (notPlain.get(overview.name) ?? 0);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
