import { expect } from 'chai';
import type { JobsOverview, JobState } from 'agenda';
import { ObjectId, type Document } from 'mongodb';
import { countJobsByState } from '../../src/infra/queue/count-jobs-by-state.js';
import { queryJobsPage } from '../../src/infra/queue/query-jobs-page.js';
import { JOBS_COLLECTION } from '../../src/infra/queue/agenda.js';
import { countCommands, total } from '../support/command-counter.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

const REWARDS = 'process-checkout-rewards';
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/** One document per state Agenda's computeJobState knows, and the corner cases between them. */
function mixedJobs(name: string): Document[] {
  const job = (fields: Document): Document => ({ name, data: { transactionId: new ObjectId().toHexString() }, type: 'normal', priority: 0, nextRunAt: null, lockedAt: null, ...fields });
  const t = minutes(-30);
  return [
    job({ lastRunAt: minutes(-40), lastFinishedAt: minutes(-39) }), // completed
    job({ lastRunAt: minutes(-40), lastFinishedAt: minutes(-38) }), // completed
    job({ lockedAt: minutes(-1), lastRunAt: minutes(-1) }), // running
    job({ failedAt: t, lastFinishedAt: t, failCount: 3, failReason: 'x' }), // failed
    job({ failedAt: t, lastFinishedAt: t, failCount: 1, nextRunAt: minutes(5) }), // failed, waiting for a retry
    job({ failedAt: minutes(-50), lastFinishedAt: t, failCount: 1 }), // failed once, completed since
    job({ failedAt: t }), // failed, never finished
    job({ nextRunAt: minutes(10) }), // scheduled
    job({ nextRunAt: minutes(-1) }), // queued
    job({ nextRunAt: minutes(-1), disabled: true }), // queued and paused
    job({ lastFinishedAt: t, disabled: true }), // completed and paused
    job({ type: 'single', repeatInterval: '1 minute', nextRunAt: minutes(1) }), // repeating
  ];
}

function finishedJobs(count: number): Document[] {
  return Array.from({ length: count }, (_, i) => ({
    name: REWARDS,
    data: { transactionId: new ObjectId().toHexString() },
    type: 'normal',
    priority: 0,
    nextRunAt: null,
    lockedAt: null,
    lastRunAt: new Date(Date.now() - i * 1000 - 20),
    lastFinishedAt: new Date(Date.now() - i * 1000),
  }));
}

const byName = (o: JobsOverview[]) => [...o].sort((a, b) => a.name.localeCompare(b.name));

describe('Agendash list: cost independent of the number of job documents', function () {
  let sys: TestSystem;

  before(async () => (sys = await startTestSystem({ worker: false })));
  after(async () => sys?.shutdown());
  beforeEach(async () => void (await sys.ctx.database.db.collection(JOBS_COLLECTION).deleteMany({})));
  const insert = (docs: Document[]) => sys.ctx.database.db.collection(JOBS_COLLECTION).insertMany(docs);

  it("the overview equals Agenda's own getJobsOverview(), state by state", async function () {
    await insert([...mixedJobs(REWARDS), ...mixedJobs('reverse-purchase-rewards'), ...mixedJobs('some-other-job'), ...finishedJobs(5)]);
    const ours = await countJobsByState(sys.ctx.database.db);
    expect(byName(ours)).to.deep.equal(byName(await sys.ctx.agenda.getJobsOverview()));
    expect(ours.find((o) => o.name === REWARDS)).to.include({ total: 17, completed: 9, failed: 3, running: 1, scheduled: 1, queued: 2, repeating: 1, paused: 2 });
  });

  it("every list — each state, one name or all, paged — holds what Agenda's own queryJobs holds", async function () {
    await insert([...mixedJobs(REWARDS), ...mixedJobs('some-other-job'), ...finishedJobs(7)]);
    const db = sys.ctx.database.db;
    const overview = await countJobsByState(db);
    const states: (JobState | undefined)[] = [undefined, 'running', 'scheduled', 'queued', 'completed', 'failed', 'repeating', 'paused'];
    for (const name of [REWARDS, undefined]) {
      for (const state of states) {
        const what = `${name ?? 'all names'} / ${state ?? 'any state'}`;
        const totalOf = async (s: JobState | undefined) => overview.filter((o) => !name || o.name === name).reduce((sum, o) => sum + o[s ?? 'total'], 0);
        const theirs = await sys.ctx.agenda.queryJobs({ name, state, sort: { nextRunAt: 'desc' } });
        const ids = (jobs: { _id?: unknown }[]) => jobs.map((j) => String(j._id)).sort();
        const all = await queryJobsPage(db, { name, state }, totalOf);
        expect(all.total, what).to.equal(theirs.total);
        expect(ids(all.jobs), what).to.deep.equal(ids(theirs.jobs));
        const pages = [];
        for (let skip = 0; skip < theirs.total; skip += 3) pages.push(...(await queryJobsPage(db, { name, state, skip, limit: 3 }, totalOf)).jobs);
        expect(ids(pages), `${what}, in pages of 3`).to.deep.equal(ids(theirs.jobs));
        const states = Object.fromEntries(theirs.jobs.map((j) => [String(j._id), j.state]));
        for (const job of all.jobs) expect(job.state, what).to.equal(states[String(job._id)]);
      }
    }
  });

  it('GET /admin/jobs/api: the same commands with 50 and with 2,000 job documents, and the same answer shape', async function () {
    this.timeout(120_000);
    const routes = [`/admin/jobs/api?job=${REWARDS}&limit=50`, `/admin/jobs/api?job=${REWARDS}&state=failed&limit=50`, '/admin/jobs/api?limit=50', `/admin/jobs/api?job=${REWARDS}&state=completed&limit=50&skip=100`];
    const measure = async () => {
      const counts: Record<string, Record<string, number>> = {};
      for (const route of routes) {
        counts[route] = await countCommands(sys, async () => expect((await sys.http.get(route).set('Authorization', adminAuth)).status).to.equal(200));
      }
      return counts;
    };
    await insert([...mixedJobs(REWARDS), ...finishedJobs(50)]);
    const small = await measure();
    await insert(finishedJobs(1950));
    const big = await measure();
    expect(big).to.deep.equal(small);
    for (const route of routes) expect(total(big[route]!), route).to.be.at.most(6);

    const list = await sys.http.get(routes[0]!).set('Authorization', adminAuth);
    expect(list.body.total).to.equal(2012);
    expect(list.body.jobs).to.have.length(50);
    expect(list.body.overview[1]).to.include({ displayName: REWARDS, total: 2012, completed: 2004, failed: 3 });
  });
});
