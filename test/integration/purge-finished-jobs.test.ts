import { expect } from 'chai';
import { MongoClient, type Db } from 'mongodb';
import { JOBS_COLLECTION } from '../../src/infra/queue/agenda.js';
import { purgeFinishedJobs } from '../../src/infra/queue/purge-finished-jobs.js';
import { testMongo } from '../support/test-run.js';

describe('purging finished jobs', function () {
  let client: MongoClient;
  let db: Db;
  const hourAgo = new Date(Date.now() - 3_600_000);
  const minuteAgo = new Date(Date.now() - 60_000);
  const cutoff = new Date(Date.now() - 30 * 60_000);

  before(async function () {
    client = await MongoClient.connect((await testMongo()).uri);
    db = client.db(`test_purge_${Date.now()}`);
  });
  after(async function () {
    await db.dropDatabase();
    await client.close();
  });

  it('removes rewards and reversal jobs that succeeded before the cutoff and keeps everything an operator may need', async function () {
    const base = { name: 'process-checkout-rewards', type: 'normal', data: { transactionId: 'x' }, nextRunAt: null, lockedAt: null };
    await db.collection(JOBS_COLLECTION).insertMany([
      { ...base, note: 'old success', lastFinishedAt: hourAgo },
      { ...base, note: 'old success after a retry', lastFinishedAt: hourAgo, failCount: 0, failedAt: hourAgo },
      { ...base, note: 'recent success', lastFinishedAt: minuteAgo },
      { ...base, note: 'old reversal success', name: 'reverse-purchase-rewards', lastFinishedAt: hourAgo },
      { ...base, note: 'failed reversal', name: 'reverse-purchase-rewards', lastFinishedAt: hourAgo, failCount: 3, failedAt: hourAgo },
      { ...base, note: 'failed for good', lastFinishedAt: hourAgo, failCount: 3, failedAt: hourAgo, failReason: 'boom' },
      { ...base, note: 'waiting for a retry', lastFinishedAt: hourAgo, failCount: 1, nextRunAt: new Date() },
      { ...base, note: 'running', lastFinishedAt: hourAgo, lockedAt: new Date() },
      { ...base, note: 'maintenance job', name: 'reconcile-pending-rewards', type: 'single', lastFinishedAt: hourAgo },
    ]);
    expect(await purgeFinishedJobs(db, cutoff)).to.equal(3);
    const left = (await db.collection(JOBS_COLLECTION).find().toArray()).map((j) => j.note).sort();
    expect(left).to.deep.equal(['failed for good', 'failed reversal', 'maintenance job', 'recent success', 'running', 'waiting for a retry']);
  });
});
