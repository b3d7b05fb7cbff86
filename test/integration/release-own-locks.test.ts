import { expect } from 'chai';
import { MongoClient, ObjectId } from 'mongodb';
import { JOBS_COLLECTION } from '../../src/infra/queue/agenda.js';
import { releaseOwnLocks } from '../../src/infra/queue/release-own-locks.js';
import { ReplSetFront } from '../../tools/dev-database/replset-front/front.js';
import { ownFront } from '../support/own-front.js';

/**
 * Issue 14, item 10: releaseOwnLocks (shutdown, and recovery after an outage) is two
 * `updateMany`s, which the driver never retries (multi-document writes are not retryable
 * writes). A shutdown during an election then failed outright: its locks stayed until they
 * expired, and the stop itself threw before closing the database. Both updates are idempotent
 * (a released job no longer matches), so the whole release is retried while the database is
 * unreachable, within a bound. A 3-member front of this suite's own, `replSetStepDown: 2`.
 */
describe('releasing this process\'s job locks during an election', function () {
  this.timeout(30_000);
  let front: ReplSetFront;
  let client: MongoClient;

  beforeEach(async function () {
    front = await ownFront(this, 3);
    client = await MongoClient.connect(front.uri, { serverSelectionTimeoutMS: 1_000, heartbeatFrequencyMS: 2_000 });
  });
  afterEach(async function () {
    await client?.db(`release_${process.pid}`).dropDatabase().catch(() => undefined);
    await client?.close();
    await front?.stop();
  });

  it('waits out the election and releases every lock', async function () {
    const db = client.db(`release_${process.pid}`);
    const jobs = db.collection(JOBS_COLLECTION);
    const me = 'worker@test:1:abc';
    const lockedAt = new Date(Date.now() - 1_000);
    await jobs.insertMany([
      { _id: new ObjectId(), name: 'x', nextRunAt: null, lockedAt, lastModifiedBy: me }, // started
      { _id: new ObjectId(), name: 'x', nextRunAt: new Date(), lockedAt, lastModifiedBy: me }, // locked ahead
      { _id: new ObjectId(), name: 'x', nextRunAt: new Date(), lockedAt, lastModifiedBy: 'someone-else' },
    ]);
    await client.db('admin').command({ replSetStepDown: 2 });
    const started = Date.now();
    const released = await releaseOwnLocks(db, me).then(
      (r) => r,
      (error: Error) => `${error.name}: ${error.message}`,
    );
    console.log(`      releaseOwnLocks during a 2 s election: ${JSON.stringify(released)} after ${Date.now() - started} ms`);
    expect(released).to.deep.equal({ requeued: 1, unlocked: 1 });
    expect(await jobs.countDocuments({ lastModifiedBy: me, lockedAt: { $ne: null } })).to.equal(0);
    expect(await jobs.countDocuments({ lastModifiedBy: 'someone-else', lockedAt: { $ne: null } })).to.equal(1);
  });
});
