import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../../config/index.js';
import { createAgenda } from '../../src/infra/queue/agenda.js';
import { onePollAtATime } from '../../src/infra/queue/one-poll-at-a-time.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { testMongo } from '../support/test-run.js';

const JOB_NAMES = ['poll-a', 'poll-b', 'poll-c'];

/**
 * Agenda polls on a timer that does not wait for the previous poll; on a slow server the lock
 * queries pile up and the server drowns (see src/infra/queue/one-poll-at-a-time.ts). A TCP relay
 * holds every answer 300 ms; the worker polls every 50 ms, for three job names.
 */
describe('a worker polls its queue one poll at a time', function () {
  this.timeout(30_000);
  let proxy: TcpProxy;
  let client: MongoClient;

  beforeEach(async function () {
    const { uri } = await testMongo();
    proxy = await TcpProxy.inFrontOf(uri);
    const port = proxy.port;
    client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/?directConnection=true&retryWrites=false`, { monitorCommands: true });
  });
  afterEach(async function () {
    await client.close().catch(() => undefined);
    await proxy.stop();
  });

  /** The most lock queries in flight at once while the server answers slowly. */
  async function mostLockQueriesInFlight(guarded: boolean): Promise<number> {
    const dbName = `test_polls_${Date.now()}`;
    const { queue } = loadConfig({ NODE_ENV: 'test', JOB_PROCESS_EVERY_MS: '50' });
    const agenda = createAgenda(client.db(dbName), queue, 'worker', { changeStreams: false });
    for (const name of JOB_NAMES) agenda.define(name, async () => undefined);
    // Only lock queries sent after `counting` starts are counted: the poll Agenda starts by
    // itself at start, before any guard is in place, is not the subject.
    let counting = false;
    const open = new Set<number>();
    let most = 0;
    client.on('commandStarted', (e) => {
      if (!counting || e.commandName !== 'findAndModify') return;
      open.add(e.requestId);
      most = Math.max(most, open.size);
    });
    const done = (e: { requestId: number }) => open.delete(e.requestId);
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
    try {
      await agenda.start();
      if (guarded) onePollAtATime(agenda);
      proxy.latencyMs = 300;
      await sleep(600); // the first poll, started by Agenda before any guard, is over
      counting = true;
      await sleep(2_000);
      return most;
    } finally {
      proxy.latencyMs = 0;
      await agenda.stop();
      await client.db(dbName).dropDatabase();
      client.removeAllListeners('commandStarted');
      client.removeAllListeners('commandSucceeded');
      client.removeAllListeners('commandFailed');
    }
  }

  it('unguarded, Agenda lets its lock queries pile up (the cause, shown)', async function () {
    const most = await mostLockQueriesInFlight(false);
    console.log(`      unguarded: up to ${most} lock queries in flight`);
    expect(most).to.be.above(JOB_NAMES.length + 2);
  });

  it('guarded, a poll waits for the previous one: at most one lock query per job name in flight', async function () {
    // Three names, plus Agenda's own job names if any are defined (none here).
    const most = await mostLockQueriesInFlight(true);
    console.log(`      guarded: up to ${most} lock queries in flight`);
    expect(most).to.be.at.most(JOB_NAMES.length);
  });
});
