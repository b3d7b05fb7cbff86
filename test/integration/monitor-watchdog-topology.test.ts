import { setTimeout as sleep } from 'node:timers/promises';
import net from 'node:net';
import { expect } from 'chai';
import { MongoClient, type Db, type Document } from 'mongodb';
import { watchMonitors, type MonitorWatchdog } from '../../src/infra/database/monitor-watchdog.js';
import { logger } from '../../src/infra/logger.js';
import { ReplSetFront } from '../../tools/dev-database/replset-front/front.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { ownFront } from '../support/own-front.js';

/**
 * Issue 14, finding 2. In streaming mode every server of a replica set always has a heartbeat
 * "started" pending. When the primary's `hello` stops naming a host, the driver closes that
 * server (mongodb 7.8 `closeServer`: listeners removed first, then the monitor closed), so its
 * heartbeat never ends where the client can see it. The watchdog must take that for a server
 * that left, not for a stalled monitor: a reconnect closes the client under every operation in
 * flight. A 3-member front on the run's FerretDB, with the timings of CONNECTION_OPTIONS scaled
 * down (stall bound 5 s instead of 8 s).
 */
describe('the monitor watchdog and members leaving the replica set', function () {
  this.timeout(60_000);
  const options = { heartbeatFrequencyMS: 1_000, connectTimeoutMS: 1_000, serverSelectionTimeoutMS: 1_000, socketTimeoutMS: 30_000 };
  const stallMs = 2 * options.connectTimeoutMS + options.heartbeatFrequencyMS + 2_000; // heartbeatStallMs
  let front: ReplSetFront;
  let client: MongoClient | undefined;
  let watchdog: MonitorWatchdog | undefined;
  let silent: net.Server | undefined;
  const silentSockets = new Set<net.Socket>();

  beforeEach(async function () {
    front = await ownFront(this, 3, { transactionLifetimeLimitSeconds: 30 });
  });
  afterEach(async function () {
    watchdog?.stop();
    watchdog = undefined;
    await client?.close().catch(() => undefined);
    client = undefined;
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
    silent = undefined;
    await front?.stop();
  });

  /** Inserts every 100 ms until `until` settles: how many failed, and the first error. */
  async function keepWriting(coll: ReturnType<Db['collection']>, until: Promise<unknown>): Promise<{ ok: number; failed: number; error?: string }> {
    let done = false;
    void until.finally(() => (done = true));
    const result = { ok: 0, failed: 0, error: undefined as string | undefined };
    for (let i = 0; !done; i++) {
      try {
        await coll.insertOne({ i });
        result.ok++;
      } catch (error) {
        result.failed++;
        result.error ??= `${(error as Error).name}: ${(error as Error).message}`;
      }
      await sleep(100);
    }
    return result;
  }

  it('a member removed with replSetReconfig: no reconnect, operations in flight unaffected', async function () {
    const lines: LogLine[] = await captureLogs(async () => {
      client = await MongoClient.connect(front.uri, options);
      watchdog = watchMonitors(client, logger, { stallMs, checkEveryMs: 200 });
      const admin = client.db('admin');
      const coll = client.db(`watchdog_topology_${process.pid}`).collection('probe');
      await coll.insertOne({ started: true });
      await sleep(1_500); // every member's monitor streaming

      // A transaction that spans the whole stall window (the front holds the answer of a read
      // inside it): a reconnect would cut it, and nothing retries it by itself.
      await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], blockConnection: true, blockTimeMS: stallMs + 2_500 } });
      const session = client.startSession();
      const long = (async () => {
        session.startTransaction();
        await coll.insertOne({ inTransaction: true }, { session });
        await coll.findOne({ inTransaction: true }, { session });
        await session.commitTransaction();
        return 'committed';
      })()
        .catch((error: Error) => `${error.name}: ${error.message}`)
        .finally(() => session.endSession());
      await sleep(200);
      const { config } = (await admin.command({ replSetGetConfig: 1 })) as { config: Document & { members: Document[]; version: number } };
      const removed = String(config.members[2]!.host);
      await admin.command({ replSetReconfig: { ...config, version: config.version + 1, members: config.members.slice(0, 2) } });

      const writes = await keepWriting(coll, Promise.all([long, sleep(stallMs + 3_000)]));
      expect(await long, 'the transaction in flight').to.equal('committed');
      expect(writes.failed, `writes during the window (first error: ${writes.error})`).to.equal(0);
      expect([...(client as unknown as { topology: { description: { servers: Map<string, unknown> } } }).topology.description.servers.keys()]).to.not.include(removed);
      await coll.drop();
    });
    const reconnects = lines.filter((l) => l.message.includes('monitor of a server stalled'));
    console.log(`      reconnects after a member left: ${reconnects.length}`);
    expect(reconnects, 'reconnects logged').to.deep.equal([]);
  });

  it('a seed list naming a host outside the set: no reconnect, ever', async function () {
    // A host that accepts connections and never answers: its monitor's first heartbeat stays
    // pending until the driver learns from the primary that the host is not in the set.
    silent = net.createServer((socket) => {
      silentSockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const stray = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const uri = front.uri.replace('mongodb://', `mongodb://${stray},`);
    const lines = await captureLogs(async () => {
      // Watched from the first connect, as every connect after a watchdog reconnect is: the
      // stray host's first heartbeat starts, and the driver drops the host ~50 ms later.
      client = new MongoClient(uri, options);
      watchdog = watchMonitors(client, logger, { stallMs, checkEveryMs: 200 });
      await client.connect();
      const coll = client.db(`watchdog_seed_${process.pid}`).collection('probe');
      const writes = await keepWriting(coll, sleep(2 * stallMs + 2_000));
      expect(writes.failed, `writes (first error: ${writes.error})`).to.equal(0);
      await coll.drop();
    });
    const reconnects = lines.filter((l) => l.message.includes('monitor of a server stalled'));
    console.log(`      reconnects with a stray seed over ${((2 * stallMs + 2_000) / 1000).toFixed(0)} s: ${reconnects.length}`);
    expect(reconnects, 'reconnects logged').to.deep.equal([]);
  });
});
