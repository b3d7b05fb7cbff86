import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { commandLine, descendants, killAllStarted, startNode, startProcess, track, waitGone, type Proc } from '../support/processes.js';
import { SERVICE_ENV } from '../support/remote-shop.js';
import { testMongo } from '../support/test-run.js';
import { migrateDatabase } from '../support/migrate.js';

/**
 * A process manager holds the PID of the command the README gives (`npm start`, `npm run
 * worker`, `npm run db`) and signals that PID. The signal must reach node, which stops
 * gracefully, and nothing it started may be left running.
 */
describe('signals sent to the PID of the documented commands', function () {
  this.timeout(90_000);
  afterEach(killAllStarted);

  /** Signals `proc`'s PID once node runs under it; asserts the whole tree is gone in time. */
  async function signalAndExpectAllGone(proc: Proc, signal: NodeJS.Signals, expectNode: RegExp, boundMs: number): Promise<void> {
    const tree = descendants(proc.pid);
    track(tree);
    const commands = tree.map((pid) => `${pid} ${commandLine(pid)}`);
    expect(commands.join('\n'), 'node runs under npm').to.match(expectNode);
    const sentAt = Date.now();
    process.kill(proc.pid, signal);
    const left = await waitGone([proc.pid, ...tree], boundMs);
    const tookMs = Date.now() - sentAt;
    expect(
      left.map((pid) => `${pid} ${commandLine(pid)}`),
      `still running ${boundMs} ms after ${signal} to npm (pid ${proc.pid}); tree was:\n${commands.join('\n')}\n${proc.output().slice(-2000)}`,
    ).to.deep.equal([]);
    console.log(`      ${signal} → npm, node${/ferretdb/.test(commands.join()) ? ', ferretdb' : ''} all gone in ${tookMs} ms`);
  }

  it('npm run db: SIGINT stops node and its FerretDB (or mongod)', async function () {
    const db = startProcess('npm run db', 'npm', ['run', 'db', '--', '--fresh'], { LOG_LEVEL: 'info' });
    await db.waitForOutput(/^MONGODB_URI=mongodb:\/\/\S+$/m, 60_000);
    await signalAndExpectAllGone(db, 'SIGINT', /node .*tools\/dev-database\/db\.ts/, 15_000);
    // The processes are gone; their last lines may still be on their way through the pipe.
    await db.waitForOutput(/stopped/, 5_000);
  });

  it('npm start (in-process worker, embedded database): SIGTERM stops node gracefully, and its database', async function () {
    // The first run of the suite builds (prestart); later ones too, it is what `npm start` does.
    const service = startProcess('npm start', 'npm', ['start'], { ...SERVICE_ENV, RUN_WORKER: 'true' });
    await service.waitForOutput(/ started \{.*"worker":true/, 75_000);
    await signalAndExpectAllGone(service, 'SIGTERM', /node dist\/src\/server\.js/, 20_000);
    await service.waitForOutput(/shutting down \{"signal":"SIGTERM"\}[\s\S]* stopped/, 5_000);
  });

  it('npm run worker: SIGTERM stops node gracefully', async function () {
    const { uri } = await testMongo();
    const dbName = `test_signals_${randomBytes(4).toString('hex')}`;
    await migrateDatabase(uri, dbName);
    const worker = startProcess('npm run worker', 'npm', ['run', 'worker'], { ...SERVICE_ENV, MONGODB_URI: uri, MONGODB_DB: dbName });
    try {
      await worker.waitForOutput(/ started \{.*"worker":true/, 75_000);
      await signalAndExpectAllGone(worker, 'SIGTERM', /node dist\/src\/worker\.js/, 20_000);
      await worker.waitForOutput(/shutting down \{"signal":"SIGTERM"\}[\s\S]* stopped/, 5_000);
    } finally {
      const client = await MongoClient.connect(uri);
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    }
  });
  it('a signal during start-up is not lost: the worker stops gracefully once it is up (exit 0, not killed)', async function () {
    const { uri } = await testMongo();
    const dbName = `test_signals_${randomBytes(4).toString('hex')}`;
    await migrateDatabase(uri, dbName);
    const worker = startNode('worker', 'src/worker.ts', [], { ...SERVICE_ENV, MONGODB_URI: uri, MONGODB_DB: dbName });
    try {
      // Still starting: connected, the queue not yet up. Node's default would die on the spot.
      await worker.waitForOutput(/ database ready /, 60_000);
      process.kill(worker.pid, 'SIGTERM');
      const exit = await Promise.race([worker.exited, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
      expect(exit, `still running 30 s after SIGTERM:\n${worker.output().slice(-2000)}`).to.not.equal(undefined);
      expect(exit, worker.output().slice(-2000)).to.include({ code: 0, signal: null });
      await worker.waitForOutput(/shutting down \{"signal":"SIGTERM"\}[\s\S]* stopped/, 5_000);
    } finally {
      const client = await MongoClient.connect(uri);
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    }
  });
});
