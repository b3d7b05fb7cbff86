import { setTimeout as sleep } from 'node:timers/promises';
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { MongoClient, ObjectId, type Collection, type Db, type Document } from 'mongodb';
import type { Agenda } from 'agenda';
import { loadConfig } from '../../config/index.js';
import { createAgenda } from '../../src/infra/queue/agenda.js';
import { onePollAtATime } from '../../src/infra/queue/one-poll-at-a-time.js';
import { captureLogs } from '../support/log-capture.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { testMongo } from '../support/test-run.js';
import { ownFront } from '../support/own-front.js';

const JOB_NAMES = ['notify-a', 'notify-b', 'notify-c'];

/**
 * A change stream the test feeds, standing in for the server's: the front, like FerretDB behind
 * it, has no change streams. It replaces only `collection.watch` of a real `Db` (the seam the
 * driver offers: Agenda's channel and ours both call it); every other call, the lock queries
 * included, goes to the real database. It speaks both of the driver's APIs: the iterator
 * (`tryNext()` answers once the aggregate would have, then `next()`) and the emitter (`init`,
 * `change`), and `close()`.
 */
class FakeChangeStream extends EventEmitter {
  private queued: Document[] = [];
  private waiting: { resolve: (d: Document) => void; reject: (e: Error) => void } | undefined;
  closed = false;

  async tryNext(): Promise<Document | null> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.queued.shift() ?? null;
  }

  next(): Promise<Document> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(new Error('ChangeStream is closed'));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting?.reject(new Error('ChangeStream is closed'));
    this.waiting = undefined;
    this.emit('close');
  }

  push(change: Document): void {
    if (this.waiting) {
      this.waiting.resolve(change);
      this.waiting = undefined;
    } else if (this.listenerCount('change') > 0) this.emit('change', change);
    else this.queued.push(change);
  }
}

class FakeChangeStreams {
  opened = 0;
  private current: FakeChangeStream | undefined;

  wrap(db: Db): Db {
    const open = () => {
      this.opened++;
      const stream = new FakeChangeStream();
      this.current = stream;
      setImmediate(() => stream.emit('init', {}));
      return stream;
    };
    const bind = <T extends object>(target: T, override: (prop: string | symbol) => unknown): T =>
      new Proxy(target, {
        get(t, prop) {
          const replaced = override(prop);
          if (replaced !== undefined) return replaced;
          const value = Reflect.get(t, prop, t) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
        },
      });
    return bind(db, (prop) =>
      prop === 'collection' ? (name: string, options?: Document) => bind(db.collection(name, options) as Collection, (p) => (p === 'watch' ? open : undefined)) : undefined,
    );
  }

  push(change: Document): void {
    if (!this.current || this.current.closed) throw new Error('no change stream open');
    this.current.push(change);
  }
}

/** A job inserted due now, as the change stream reports it. */
const inserted = (name: string): Document => {
  const _id = new ObjectId();
  return { _id: { _data: _id.toHexString() }, operationType: 'insert', documentKey: { _id }, fullDocument: { _id, name, nextRunAt: new Date(), priority: 0, lockedAt: null } };
};
/** Agenda taking a lock (findOneAndUpdate $set lockedAt), as reported with or without a full-document lookup. */
const locked = (name: string): Document => {
  const _id = new ObjectId();
  return {
    _id: { _data: _id.toHexString() },
    operationType: 'update',
    documentKey: { _id },
    updateDescription: { updatedFields: { lockedAt: new Date(), lastModifiedBy: 'worker@x' }, removedFields: [] },
    fullDocument: { _id, name, nextRunAt: new Date(), priority: 0, lockedAt: new Date() },
  };
};

/**
 * Issue 14, findings 6 and 7: Agenda's job-change notifications (its change-stream channel).
 * Worker processes only; every notification goes through the one-poll-at-a-time guard; a store
 * that refuses change streams is tried rarely and said once.
 */
describe('job change notifications', function () {
  this.timeout(30_000);
  let proxy: TcpProxy;
  let client: MongoClient;
  let agenda: Agenda | undefined;
  const dbName = `test_notify_${process.pid}`;

  beforeEach(async function () {
    const { uri } = await testMongo();
    proxy = await TcpProxy.inFrontOf(uri);
    client = await MongoClient.connect(`mongodb://127.0.0.1:${proxy.port}/?directConnection=true`, { monitorCommands: true });
  });
  afterEach(async function () {
    await agenda?.stop();
    agenda = undefined;
    await client.db(dbName).dropDatabase();
    await client.close();
    await proxy.stop();
  });

  /** Counts the commands sent while `counting` is on. */
  function commandCounter() {
    const counter = { counting: false, changeStreams: 0, lockQueries: 0, mostLockQueriesInFlight: 0 };
    const open = new Set<number>();
    client.on('commandStarted', (e) => {
      if (!counter.counting) return;
      if (e.commandName === 'aggregate' && (e.command.pipeline as Document[] | undefined)?.some((s) => '$changeStream' in s)) counter.changeStreams++;
      if (e.commandName === 'findAndModify') {
        counter.lockQueries++;
        open.add(e.requestId);
        counter.mostLockQueriesInFlight = Math.max(counter.mostLockQueriesInFlight, open.size);
      }
    });
    client.on('commandSucceeded', (e) => open.delete(e.requestId));
    client.on('commandFailed', (e) => open.delete(e.requestId));
    return counter;
  }

  const queueConfig = (processEveryMs: number) => loadConfig({ NODE_ENV: 'test', JOB_PROCESS_EVERY_MS: String(processEveryMs) }).queue;

  it('a store that refuses change streams (the front: code 115): tried once, said once, polling goes on', async function () {
    const counter = commandCounter();
    const seconds = 3;
    let polls = 0;
    const lines = await captureLogs(async () => {
      counter.counting = true;
      // A server that says it has change streams, then refuses them (as a MongoDB user without
      // the changeStream privilege is refused): the front refuses $changeStream for real.
      agenda = createAgenda(client.db(dbName), queueConfig(200), 'worker', { changeStreams: true });
      agenda.define(JOB_NAMES[0]!, async () => undefined);
      agenda.on('error', () => undefined);
      await agenda.start();
      onePollAtATime(agenda);
      const before = counter.lockQueries;
      await sleep(seconds * 1000);
      polls = counter.lockQueries - before;
    });
    const said = lines.filter((l) => /change stream|notification/i.test(l.message) && l.level !== 'debug' && l.level !== 'silly');
    console.log(`      over ${seconds} s: ${counter.changeStreams} change-stream attempts, ${said.length} log line(s) about it, ${polls} lock queries (the poll)`);
    for (const l of said) console.log(`        ${l.level}: ${l.message}`);
    expect(counter.changeStreams, 'change-stream attempts').to.be.at.most(2);
    expect(said, 'log lines about the refused change stream').to.have.length(1);
    expect(said[0]!.level).to.equal('warn');
    expect(polls, 'the poll keeps looking for jobs').to.be.at.least(seconds * 2);
  });

  it('a change stream that fails to open (not a refusal): bounded backoff, said once', async function () {
    // A front of this test's own, so its fault reaches no other suite: every aggregate fails.
    const front = await ownFront(this, 1);
    const own = await MongoClient.connect(front.uri, { monitorCommands: true });
    let attempts = 0;
    own.on('commandStarted', (e) => {
      if (e.commandName === 'aggregate' && (e.command.pipeline as Document[] | undefined)?.some((st) => '$changeStream' in st)) attempts++;
    });
    const seconds = 4;
    try {
      await own.db('admin').command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['aggregate'], errorCode: 2, errmsg: 'injected' } });
      const lines = await captureLogs(async () => {
        agenda = createAgenda(own.db(dbName), queueConfig(200), 'worker', { changeStreams: true });
        agenda.define(JOB_NAMES[0]!, async () => undefined);
        agenda.on('error', () => undefined);
        await agenda.start();
        onePollAtATime(agenda);
        await sleep(seconds * 1000);
        await agenda.stop();
        agenda = undefined;
      });
      const said = lines.filter((l) => /change stream|notification/i.test(l.message) && l.level !== 'debug' && l.level !== 'silly');
      console.log(`      over ${seconds} s: ${attempts} change-stream attempts (backoff 1, 2, 4 s…), ${said.length} log line(s): ${said.map((l) => l.message).join(' | ')}`);
      expect(attempts, 'change-stream attempts').to.be.within(2, 3);
      expect(said, 'log lines').to.have.length(1);
    } finally {
      await own.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' }).catch(() => undefined);
      await own.db(dbName).dropDatabase().catch(() => undefined);
      await own.close();
      await front.stop();
    }
  });

  it('an API-only process opens no change stream', async function () {
    const counter = commandCounter();
    const streams = new FakeChangeStreams();
    counter.counting = true;
    agenda = createAgenda(streams.wrap(client.db(dbName)), queueConfig(200), 'api', { changeStreams: true });
    await agenda.start();
    onePollAtATime(agenda);
    await sleep(500);
    expect(agenda.hasNotificationChannel(), 'a notification channel').to.equal(false);
    expect(streams.opened + counter.changeStreams, 'change streams opened').to.equal(0);
  });

  /** Starts a worker on a fake change stream and a slow server (answers held 300 ms), polling every 10 s. */
  async function slowWorker(streams: FakeChangeStreams, counter: ReturnType<typeof commandCounter>): Promise<void> {
    agenda = createAgenda(streams.wrap(client.db(dbName)), queueConfig(10_000), 'worker', { changeStreams: true });
    for (const name of JOB_NAMES) agenda.define(name, async () => undefined);
    agenda.on('error', () => undefined);
    await agenda.start();
    onePollAtATime(agenda);
    await sleep(300); // the poll Agenda starts with is over
    expect(streams.opened, 'change stream opened').to.equal(1);
    proxy.latencyMs = 300;
    counter.counting = true;
  }

  it('a burst of notifications goes through the one-poll-at-a-time guard', async function () {
    const streams = new FakeChangeStreams();
    const counter = commandCounter();
    await slowWorker(streams, counter);
    for (let i = 0; i < 30; i++) {
      streams.push(inserted(JOB_NAMES[i % JOB_NAMES.length]!));
      await sleep(3);
    }
    await sleep(2_000);
    proxy.latencyMs = 0;
    console.log(`      30 notifications: ${counter.lockQueries} lock queries, up to ${counter.mostLockQueriesInFlight} in flight`);
    expect(counter.mostLockQueriesInFlight, 'lock queries in flight').to.be.at.most(JOB_NAMES.length);
    // One poll for the first notification, and one more after it for all the others.
    expect(counter.lockQueries, 'lock queries').to.be.at.most(2 * JOB_NAMES.length);
    expect(counter.lockQueries, 'lock queries: the notifications were heard').to.be.at.least(JOB_NAMES.length);
  });

  it('a lock taken is no news: no poll', async function () {
    const streams = new FakeChangeStreams();
    const counter = commandCounter();
    await slowWorker(streams, counter);
    for (let i = 0; i < 10; i++) streams.push(locked(JOB_NAMES[i % JOB_NAMES.length]!));
    await sleep(1_000);
    proxy.latencyMs = 0;
    console.log(`      10 lock updates: ${counter.lockQueries} lock queries`);
    expect(counter.lockQueries).to.equal(0);
  });
});
