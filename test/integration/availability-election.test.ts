import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { JOBS_COLLECTION, agendaName } from '../../src/infra/queue/agenda.js';
import { ReplSetFront } from '../../tools/dev-database/replset-front/front.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';
import { ownFront } from '../support/own-front.js';

/**
 * Issue 14, finding 3: "database available" means the topology has a writable primary (mongoose's
 * own rule), not "some server answers" — a secondary can't take a write. An election (the front's
 * `replSetStepDown: N`: no primary for N s, then another member wins) must turn the state once
 * each way, and the recovery that waits for the database (a worker releasing the job locks the
 * outage left behind, release-forgotten-locks.ts) must run when the new primary is there, not
 * before. A whole all-in-one system on a 3-member front of this suite's own.
 */
describe('database availability through an election', function () {
  this.timeout(60_000);
  let front: ReplSetFront;
  let sys: TestSystem | undefined;
  let admin: MongoClient | undefined;

  beforeEach(async function () {
    front = await ownFront(this, 3);
  });
  afterEach(async function () {
    await sys?.shutdown();
    sys = undefined;
    await admin?.close();
    await front?.stop();
  });

  it('unavailable once when the primary steps down, available once when a new one is elected; forgotten locks released then', async function () {
    sys = await startTestSystem({ worker: true, env: { MONGODB_URI: front.uri } });
    admin = await MongoClient.connect(front.uri);
    const ran: Date[] = [];
    // A job this worker had locked and started when the database went away (Agenda ignores
    // the failed save of its state): locked by this process, `nextRunAt: null`.
    sys.ctx.agenda.define('forgotten-lock-probe', async () => void ran.push(new Date()), { lockLifetime: 10 * 60_000 });
    const jobs = admin.db(sys.dbName).collection(JOBS_COLLECTION);
    const electionSeconds = 6;
    let electedAt = 0;
    const samples: boolean[] = [];
    const lines: LogLine[] = await captureLogs(async () => {
      await admin!.db('admin').command({ replSetStepDown: electionSeconds });
      const steppedDownAt = Date.now();
      // What the process believes during the election (the driver's streaming monitors learn
      // of the step-down at once): sampled every 100 ms from 300 ms on, until 500 ms before it ends.
      const sampling = (async () => {
        await sleep(300);
        while (Date.now() < steppedDownAt + electionSeconds * 1000 - 500) {
          samples.push(sys!.ctx.database.availability.available);
          await sleep(100);
        }
      })();
      await jobs.insertOne({ name: 'forgotten-lock-probe', type: 'normal', priority: 0, data: {}, nextRunAt: null, lockedAt: new Date(), lastModifiedBy: agendaName(sys!.ctx.agenda) }).catch(async () => {
        // No primary to take it: it goes in as soon as there is one, with its lock dated before.
        const lockedAt = new Date();
        await waitFor(async () => (await jobs.insertOne({ name: 'forgotten-lock-probe', type: 'normal', priority: 0, data: {}, nextRunAt: null, lockedAt, lastModifiedBy: agendaName(sys!.ctx.agenda) }).then(() => true, () => undefined)), 15_000, 200);
      });
      electedAt = steppedDownAt + electionSeconds * 1000;
      await waitFor(async () => (ran.length > 0 ? true : undefined), electionSeconds * 1000 + 10_000, 100).catch(() => undefined);
      await sampling;
      await sleep(500);
    });
    if (process.env.DEBUG_AVAILABILITY) for (const l of lines.filter((x) => x.level !== "debug" && x.level !== "silly")) console.log(l.timestamp, l.level, l.message, JSON.stringify(l).slice(0, 300));
    const unreachable = lines.filter((l) => l.message.startsWith('database unreachable'));
    const back = lines.filter((l) => l.message === 'database reachable again');
    const released = lines.filter((l) => l.message.startsWith('released job locks an outage left behind'));
    const gaveUp = lines.filter((l) => l.message.startsWith('could not release job locks'));
    console.log(`      unreachable ${unreachable.length}×, reachable again ${back.length}× (${back.map((l) => l.timestamp).join(', ')}), released ${released.length}×, gave up ${gaveUp.length}×; the locked job ran ${ran.length}× ${ran[0] ? `${ran[0].getTime() - electedAt} ms after the election` : ''}`);
    console.log(`      available during the election: ${samples.filter(Boolean).length} of ${samples.length} samples`);
    expect(samples.filter(Boolean), 'samples that say available while there is no primary').to.deep.equal([]);
    expect(unreachable, 'database unreachable').to.have.length(1);
    expect(back, 'database reachable again').to.have.length(1);
    expect(gaveUp, 'gave up releasing').to.deep.equal([]);
    expect(released, 'released the forgotten lock').to.have.length(1);
    expect(ran, 'the forgotten job ran again').to.have.length(1);
  });
});
