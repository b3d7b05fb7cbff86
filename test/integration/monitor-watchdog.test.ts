import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { CONNECTION_OPTIONS } from '../../src/infra/database/connection.js';
import { watchMonitors, type MonitorWatchdog } from '../../src/infra/database/monitor-watchdog.js';
import { logger } from '../../src/infra/logger.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { ReplSetFront } from '../../tools/dev-database/replset-front/front.js';
import { ownFront } from '../support/own-front.js';

/** The driver's internals the race needs to be triggered at its moment (mongodb 7.8). */
interface DriverMonitor {
  connection: { closed: boolean; socket: { destroy(): void } } | null;
  requestCheck(): void;
}
function monitorOf(client: MongoClient): DriverMonitor {
  // @ts-expect-error -- `topology` and its servers are internal; only this test reaches for them.
  const servers = client.topology.s.servers as Map<string, { monitor: DriverMonitor }>;
  return [...servers.values()][0]!.monitor;
}

async function pingWithin(client: MongoClient, ms: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    try {
      await client.db('admin').command({ ping: 1 });
      return Date.now() - started;
    } catch {
      await sleep(200);
    }
  }
  return undefined;
}

/**
 * A server that closes all its connections at once (a graceful shutdown) can leave the driver's
 * monitor of it waiting forever (see src/infra/database/monitor-watchdog.ts): the process then
 * never sees the server again, though it is back. Here the race is triggered at its exact moment —
 * the monitor's socket destroyed by Node and a check requested before its `close` event — with the
 * real driver and real sockets; a TCP relay in front of a replica-set front of this suite's own
 * (so its fault reaches no other suite) plays the outage.
 *
 * The front reports a `topologyVersion`, as every mongod >= 4.4 does, and that decides what the
 * driver does next (mongodb 7.8 `lib/sdam/server.js`, markServerUnknown): a NETWORK error on an
 * operation resets the server's monitor, dropping the stuck connection, so the driver heals by
 * itself (the first test). A mongod that shuts down answers the operations in flight
 * `ShutdownInProgress` (91) before it closes its connections: that marks the server Unknown
 * WITHOUT a reset, and the Unknown description has no `topologyVersion`, so the network errors
 * that follow reset nothing — the race is for good (the second test), and the watchdog is what
 * brings the process back (the third). FerretDB alone reports no `topologyVersion` at all: there
 * (and on these tests before the front) the network error alone was enough.
 */
describe('a stalled MongoDB monitor (driver race on a server closing its connections)', function () {
  this.timeout(60_000);
  const stallMs = 3_000;
  let front: ReplSetFront;
  let proxy: TcpProxy;
  let client: MongoClient;
  let watchdog: MonitorWatchdog | undefined;

  beforeEach(async function () {
    front = await ownFront(this, 1);
    proxy = await TcpProxy.inFrontOf(front.uri);
    client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/?directConnection=true`, {
      serverSelectionTimeoutMS: CONNECTION_OPTIONS.serverSelectionTimeoutMS,
      connectTimeoutMS: 1_000,
      // Checks only when asked (or every 10 s), so the test decides when the race happens;
      // polled, so a healthy heartbeat ends at once (a streaming monitor can't be raced: module comment).
      heartbeatFrequencyMS: 10_000,
      serverMonitoringMode: 'poll',
    });
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  });
  afterEach(async function () {
    watchdog?.stop();
    watchdog = undefined;
    await client?.close().catch(() => undefined);
    await proxy?.stop();
    await front?.stop();
  });

  /**
   * Stalls the monitor the way the race does, then takes the server away and brings it back.
   * `shutdownInProgress`: the first error an operation gets is a mongod's ShutdownInProgress
   * (injected with failCommand), as from a mongod shutting down; otherwise a network error.
   */
  async function stallThenOutage(shutdownInProgress: boolean): Promise<void> {
    if (shutdownInProgress) {
      await client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['ping'], errorCode: 91 } });
    }
    const monitor = monitorOf(client);
    await sleep(700); // past the driver's minimum interval between checks, so the check is immediate
    expect(monitor.connection, 'the monitor has its connection').to.not.equal(null);
    monitor.connection!.socket.destroy();
    monitor.requestCheck(); // same tick: Node has destroyed the socket but not yet emitted `close`
    await sleep(100);
    if (shutdownInProgress) {
      const error = await client.db('admin').command({ ping: 1 }).then(
        () => undefined,
        (e: { code?: number }) => e,
      );
      expect(error?.code, 'the shutting-down answer').to.equal(91);
    }
    proxy.cut(); // the server goes away and its connections close
    const during = await client.db('admin').command({ ping: 1 }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(during, 'a ping while the server is away').to.not.equal('answered');
    await sleep(1_000);
    proxy.restore();
  }

  it('a network error first: the driver resets the stalled monitor itself (a server that reports topologyVersion)', async function () {
    await stallThenOutage(false);
    expect(await pingWithin(client, 2 * stallMs), 'ping after the server is back').to.be.a('number');
  });

  it('ShutdownInProgress first: without the watchdog the process never sees the server again (the cause, shown)', async function () {
    await stallThenOutage(true);
    expect(await pingWithin(client, 2 * stallMs), 'ping after the server is back (if this now answers, the driver fixed its race: the watchdog may go)').to.equal(undefined);
  });

  it('the watchdog notices the stalled heartbeat and reconnects the client, which then works', async function () {
    let lines: LogLine[] = [];
    let recoveredMs: number | undefined;
    lines = await captureLogs(async () => {
      watchdog = watchMonitors(client, logger, { stallMs, checkEveryMs: 200 });
      await stallThenOutage(true);
      recoveredMs = await pingWithin(client, 3 * stallMs);
    });
    expect(recoveredMs, 'ping after the server is back').to.be.a('number');
    expect(recoveredMs!).to.be.at.most(stallMs + 3_000);
    const stalled = lines.filter((l) => l.message.includes('monitor of a server stalled'));
    expect(stalled, 'logged once').to.have.length(1);
    expect(lines.some((l) => l.message === 'MongoDB client reconnected after a stalled monitor')).to.equal(true);
    // The same client keeps working for what holds it (mongoose, Agenda's backend).
    const collection = client.db('monitor-watchdog').collection<{ n: number }>('probe');
    await collection.insertOne({ n: 1 });
    expect(await collection.countDocuments({ n: 1 })).to.be.at.least(1);
    await collection.drop();
  });

  it('leaves a healthy client alone', async function () {
    const lines = await captureLogs(async () => {
      watchdog = watchMonitors(client, logger, { stallMs: 1_000, checkEveryMs: 100 });
      for (let i = 0; i < 10; i++) {
        await client.db('admin').command({ ping: 1 });
        await sleep(250);
      }
    });
    expect(lines.filter((l) => l.message.includes('stalled'))).to.deep.equal([]);
  });
});
