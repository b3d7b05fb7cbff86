/**
 * The replica-set front itself (tools/dev-database/replset-front): what the driver sees and what
 * the front promises — serial transactions with undo, retryable writes, faults through MongoDB's
 * own test commands, elections, members removed. Each test starts a front of its own on the run's
 * FerretDB, so its faults reach no other suite. Skipped with the reason where the run has no
 * FerretDB behind a front (a real mongod: these are the front's own promises).
 */
import { expect } from 'chai';
import { MongoClient, MongoServerError, type Collection, type Document } from 'mongodb';
import { ReplSetFront } from '../../tools/dev-database/replset-front/front.js';
import { ownFront } from '../support/own-front.js';

describe('the replica-set front', function () {
  this.timeout(60_000);
  let front: ReplSetFront;
  let client: MongoClient;
  let coll: Collection<Document>;

  async function open(ctx: Mocha.Context, members: number) {
    front = await ownFront(ctx, members, { transactionLifetimeLimitSeconds: 2 });
    client = await MongoClient.connect(front.uri, { serverSelectionTimeoutMS: 5_000, heartbeatFrequencyMS: 500 });
    coll = client.db(`front_${process.pid}_${Date.now()}`).collection('things');
    await coll.insertOne({ _id: 1 as never, v: 1 });
  }

  afterEach(async function () {
    await coll?.db.dropDatabase().catch(() => undefined);
    await client?.close();
    await front?.stop();
  });

  const all = () => coll.find({}, { sort: { _id: 1 } }).toArray();

  it('answers hello as a replica-set member the driver discovers (3 members, one primary)', async function () {
    await open(this, 3);
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.setName).to.equal('rs0');
    expect(hello.hosts).to.have.length(3);
    expect(hello.isWritablePrimary).to.equal(true);
    expect(hello.maxWireVersion).to.equal(21);
    const build = await client.db('admin').command({ buildInfo: 1 });
    expect(build.replSetFront.upstream).to.match(/FerretDB/);
  });

  it('undoes an aborted transaction: updates, inserts and upserts put back', async function () {
    await open(this, 1);
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll.updateOne({ _id: 1 as never }, { $inc: { v: 10 } }, { session });
      await coll.insertOne({ _id: 2 as never, v: 2 }, { session });
      await coll.updateOne({ _id: 3 as never }, { $set: { v: 3 } }, { session, upsert: true });
      await coll.findOneAndUpdate({ _id: 1 as never }, { $inc: { v: 100 } }, { session });
      expect(await coll.find({}, { session }).toArray()).to.have.length(3);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await all()).to.deep.equal([{ _id: 1, v: 1 }]);
  });

  it('aborts a transaction on a duplicate key inside it: its earlier writes are undone, later commands get NoSuchTransaction', async function () {
    await open(this, 1);
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll.updateOne({ _id: 1 as never }, { $set: { v: 5 } }, { session });
      const dup = await coll.insertOne({ _id: 1 as never }, { session }).catch((e: unknown) => e);
      expect((dup as MongoServerError).code).to.equal(11000);
      const next = await coll.updateOne({ _id: 1 as never }, { $set: { v: 6 } }, { session }).catch((e: unknown) => e);
      expect((next as MongoServerError).code).to.equal(251);
      expect((next as MongoServerError).hasErrorLabel('TransientTransactionError')).to.equal(true);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await all()).to.deep.equal([{ _id: 1, v: 1 }]);
  });

  it('is serial: a read outside waits for the open transaction, and sees only what it committed', async function () {
    await open(this, 1);
    const session = client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 2 } }, { session });
    let read: Document | null | undefined;
    const reading = coll.findOne({ _id: 1 as never }).then((doc) => (read = doc));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(read, 'no dirty read while the transaction is open').to.equal(undefined);
    await session.commitTransaction();
    await reading;
    expect(read).to.deep.equal({ _id: 1, v: 2 });
    // A repeated commit of a committed transaction answers ok, as MongoDB's does.
    await session.commitTransaction();
    await session.endSession();
  });

  it('makes findOneAndUpdate atomic: 20 racing lockers, one winner', async function () {
    await open(this, 1);
    await coll.insertOne({ _id: 'lock' as never, owner: null });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => coll.findOneAndUpdate({ _id: 'lock' as never, owner: null }, { $set: { owner: i } })));
    expect(results.filter((r) => r !== null)).to.have.length(1);
  });

  it('undoes a transaction past its lifetime limit, and one whose client connection died', async function () {
    await open(this, 1);
    const session = client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 99 } }, { session });
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // the front's limit here: 2 s
    expect(await all()).to.deep.equal([{ _id: 1, v: 1 }]);
    const late = await session.commitTransaction().catch((e: unknown) => e);
    expect((late as MongoServerError).code).to.equal(251);
    await session.endSession();

    const other = await MongoClient.connect(front.uri, { serverSelectionTimeoutMS: 5_000 });
    const s2 = other.startSession();
    s2.startTransaction();
    await other.db(coll.dbName).collection('things').insertOne({ _id: 7 as never }, { session: s2 });
    await other.close(true); // the process dies with its transaction open
    expect(await all()).to.deep.equal([{ _id: 1, v: 1 }]);
  });

  it('failCommand: times, skip, labels, blockConnection and writeConcernError (applied, then reported)', async function () {
    await open(this, 1);
    const admin = client.db('admin');
    await admin.command({ configureFailPoint: 'failCommand', mode: { skip: 1 }, data: { failCommands: ['find'], errorCode: 112 } });
    await coll.findOne({});
    const failed = await coll.findOne({}).catch((e: unknown) => e);
    expect((failed as MongoServerError).code).to.equal(112);
    await admin.command({ configureFailPoint: 'failCommand', mode: 'off' });

    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], blockConnection: true, blockTimeMS: 400 } });
    const started = Date.now();
    await coll.findOne({});
    expect(Date.now() - started).to.be.at.least(350);

    await admin.command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['commitTransaction'], writeConcernError: { code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } },
    });
    const session = client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 42 } }, { session });
    const commit = await session.commitTransaction().catch((e: unknown) => e);
    expect((commit as MongoServerError).hasErrorLabel('UnknownTransactionCommitResult')).to.equal(true);
    expect(await all(), 'the commit applied although its answer is an error').to.deep.equal([{ _id: 1, v: 42 }]);
    await session.commitTransaction(); // retrying the commit alone answers ok
    await session.endSession();
  });

  it('a retried write (same lsid and txnNumber) is applied once: frontCloseConnectionAfterApply loses the first answer', async function () {
    await open(this, 1);
    await client.db('admin').command({ configureFailPoint: 'frontCloseConnectionAfterApply', mode: { times: 1 }, data: { failCommands: ['update'] } });
    await coll.updateOne({ _id: 1 as never }, { $inc: { v: 1 } }); // retryWrites: the driver retries after the closed connection
    expect(await all()).to.deep.equal([{ _id: 1, v: 2 }]);
  });

  it('replSetStepDown: no primary for the given seconds, then a new electionId; writes wait and succeed', async function () {
    await open(this, 3);
    const before = await client.db('admin').command({ hello: 1 });
    await client.db('admin').command({ replSetStepDown: 1 });
    const during = await coll.insertOne({ _id: 9 as never }).catch((e: unknown) => e);
    const after = await client.db('admin').command({ hello: 1 });
    expect(after.primary).to.not.equal(before.primary);
    expect(after.electionId.toHexString() > before.electionId.toHexString()).to.equal(true);
    if (during instanceof Error) await coll.insertOne({ _id: 9 as never });
    expect(await coll.countDocuments({ _id: 9 as never })).to.equal(1);
  });

  it('replSetReconfig removes a member: the driver drops it from the topology', async function () {
    await open(this, 3);
    const { config } = await client.db('admin').command({ replSetGetConfig: 1 });
    const removed = config.members[2].host;
    const dropped = new Promise<void>((resolve) =>
      client.on('topologyDescriptionChanged', (event) => {
        if (!event.newDescription.servers.has(removed)) resolve();
      }),
    );
    await client.db('admin').command({ replSetReconfig: { ...config, version: config.version + 1, members: config.members.slice(0, 2) } });
    await dropped;
    expect((await client.db('admin').command({ hello: 1 })).hosts).to.not.include(removed);
  });

  it('refuses $changeStream with a clear error', async function () {
    await open(this, 1);
    const error = await coll
      .watch()
      .tryNext()
      .catch((e: unknown) => e);
    expect((error as MongoServerError).code).to.equal(115);
    expect((error as Error).message).to.match(/no change streams/);
  });
});
