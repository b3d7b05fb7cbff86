import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { MongoClient, ObjectId } from 'mongodb';
import { JOBS_COLLECTION, JOB_NAMES } from '../../src/infra/queue/agenda.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { testMongo } from '../support/test-run.js';

/**
 * Issue 14, item 10: Agenda's `every()` keeps one document per name by an upsert
 * (findOneAndUpdate {name, type: 'single'}, upsert). Two workers starting together run two such
 * upserts, which MongoDB may both turn into inserts when no unique index covers the query, and the
 * one that would (unique on `name` where `type` is 'single') is a partial index, which FerretDB
 * refuses. The front serializes writes, so the race can't be shown here: the test plants the two
 * copies such a race leaves, and a worker starting must leave one of each maintenance job.
 */
describe('maintenance jobs: one document per name', function () {
  this.timeout(30_000);
  let sys: TestSystem | undefined;
  afterEach(async function () {
    await sys?.shutdown();
    sys = undefined;
  });

  it('a worker starting removes the copies concurrent starts left behind (not a locked one)', async function () {
    const { uri } = await testMongo();
    const dbName = `test_${randomBytes(5).toString('hex')}`;
    const client = await MongoClient.connect(uri);
    const later = new Date(Date.now() + 3_600_000);
    const copy = (name: string, lockedAt: Date | null = null) => ({ _id: new ObjectId(), name, type: 'single', nextRunAt: later, repeatInterval: '1 hour', lockedAt, data: null, priority: 0 });
    try {
      await client.db(dbName).collection(JOBS_COLLECTION).insertMany([
        copy(JOB_NAMES.reconcileRewards),
        copy(JOB_NAMES.reconcileRewards),
        copy(JOB_NAMES.reconcileRewards),
        copy(JOB_NAMES.purgeFinishedJobs),
        copy(JOB_NAMES.purgeFinishedJobs, new Date()), // running on some worker: left for now
      ]);
      sys = await startTestSystem({ dbName, worker: true, http: true });
      const counts: Record<string, number> = {};
      for (const name of [JOB_NAMES.reconcileRewards, JOB_NAMES.purgeFinishedJobs, JOB_NAMES.expireIdempotencyKeys]) {
        counts[name] = await client.db(dbName).collection(JOBS_COLLECTION).countDocuments({ name, type: 'single' });
      }
      console.log(`      after a worker start: ${JSON.stringify(counts)}`);
      expect(counts).to.deep.equal({ [JOB_NAMES.reconcileRewards]: 1, [JOB_NAMES.purgeFinishedJobs]: 2, [JOB_NAMES.expireIdempotencyKeys]: 1 });
    } finally {
      await client.close();
    }
  });
});
