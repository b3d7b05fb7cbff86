import { expect } from 'chai';
import { pointsOf } from '../../src/rewards/points.js';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';
import { WorkerProcess } from '../support/worker-process.js';

const JOB = 'process-checkout-rewards';
const BETWEEN_WRITES = 'failpoint rewards.afterLedgerEntries';

/**
 * docs/spec.md §10: a worker that dies mid-job loses nothing, and a graceful stop that times out leaves
 * nothing stranded. Real worker processes, killed or stopped exactly between a run's ledger
 * entries and its `completed` mark (a failpoint holds the run there).
 */
describe('worker crash and stop in the middle of a rewards run', function () {
  this.timeout(90_000);
  let api: TestSystem;
  let shop: Shop;
  let upline: Customer[];

  before(async function () {
    api = await startTestSystem({ worker: false });
    shop = new Shop(api);
    await shop.product('CRASH-ITEM', 1000);
    // A chain C → B → A, nearest first when read from the buyer: each is paid one 5-point slot.
    const a = await shop.customer({ level: 'C' });
    const b = await shop.customer({ level: 'B', referrerId: a.id });
    const c = await shop.customer({ level: 'A', referrerId: b.id });
    upline = [c, b, a];
  });
  afterEach(async () => WorkerProcess.killAll());
  after(async () => api?.shutdown());

  const db = () => api.ctx.database.models;
  const jobs = () => api.ctx.database.db.collection('agendaJobs');

  async function purchase(): Promise<string> {
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: upline[0]!.id });
    await shop.addToCart(buyer, 'CRASH-ITEM', 1);
    const res = await shop.checkout(buyer);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.data.transactionId as string;
  }

  async function completed(transactionId: string, timeoutMs: number) {
    await waitFor(async () => ((await db().Ledger.findById(transactionId).lean())?.rewards?.status === 'completed' ? true : undefined), timeoutMs);
  }

  async function expectPaidOnce(transactionId: string, pointsBefore: Map<string, number>) {
    const after = await pointsOf(api.ctx.data, upline.map((u) => u.id));
    expect(upline.map((u) => after.get(u.id)! - pointsBefore.get(u.id)!), 'each referrer paid one 5-point slot, once').to.deep.equal([5, 5, 5]);
    const entries = await db().Ledger.find({ purchase: transactionId }).lean();
    expect(entries.map((e) => e.type).sort()).to.deep.equal(['app_revenue', 'gifts_pool', 'reward', 'reward', 'reward']);
    expect(entries.reduce((sum, e) => sum + e.amount, 0), 'conservation: app + gifts + tree = 10% of 1000').to.equal(100);
    expect(await jobs().countDocuments({ name: JOB, lockedAt: { $ne: null } }), 'nothing left locked').to.equal(0);
  }

  it('a worker SIGKILLed between its ledger entries and `completed`: the next worker finishes the run and pays each point once', async function () {
    const pointsBefore = await pointsOf(api.ctx.data, upline.map((u) => u.id));
    const w1 = await WorkerProcess.start(api.dbName, { FAILPOINTS: 'rewards.afterLedgerEntries=60000', JOB_LOCK_LIFETIME_MS: '3000' });
    const id = await purchase();
    await w1.waitForOutput(BETWEEN_WRITES);
    await w1.kill();
    const killedAt = Date.now();

    // What the dead run left: nothing of its transaction (its entries were written inside it and
    // undone; on a mongod they would never have been visible), the purchase marked `processing`
    // by the run's start, outside it.
    expect(await db().Ledger.countDocuments({ purchase: id, type: 'reward' })).to.equal(0);
    expect((await db().Ledger.findById(id).lean())!.rewards!.status).to.equal('processing');

    const w2 = await WorkerProcess.start(api.dbName, { JOB_LOCK_LIFETIME_MS: '3000' });
    await completed(id, 30_000);
    const recoveryMs = Date.now() - killedAt;
    console.log(`      recovery after SIGKILL: ${recoveryMs} ms (lock lifetime 3000 ms, poll 100 ms, worker start included)`);
    expect(await w2.stop(), w2.output).to.equal(0);
    await expectPaidOnce(id, pointsBefore);
    expect((await db().Ledger.findById(id).lean())!.rewards!.attempts).to.equal(2);
  });

  it('a graceful stop that times out mid-run makes the job due again, and another worker pays it once at once', async function () {
    const pointsBefore = await pointsOf(api.ctx.data, upline.map((u) => u.id));
    // A lock lifetime of 10 minutes: only the released lock lets the second worker run it now.
    const slowRun = { FAILPOINTS: 'rewards.afterLedgerEntries=60000', JOB_LOCK_LIFETIME_MS: '600000', SHUTDOWN_TIMEOUT_MS: '300' };
    const w1 = await WorkerProcess.start(api.dbName, slowRun);
    const id = await purchase();
    await w1.waitForOutput(BETWEEN_WRITES);
    expect(await w1.stop(), w1.output).to.equal(0);
    expect(w1.output).to.match(/shutdown timeout/);

    // Before: the started one-off job lost its lock but kept `nextRunAt: null` — no worker would
    // ever run it again, Agendash showed it completed, the purchase stayed `processing` forever.
    const job = await jobs().findOne({ name: JOB, 'data.transactionId': id });
    expect(job!.lockedAt ?? null, 'lock released').to.equal(null);
    expect(job!.nextRunAt, 'due again').to.be.instanceOf(Date);

    const stoppedAt = Date.now();
    const w2 = await WorkerProcess.start(api.dbName, { JOB_LOCK_LIFETIME_MS: '600000' });
    await completed(id, 30_000);
    console.log(`      taken over after a timed-out stop in ${Date.now() - stoppedAt} ms (worker start included)`);
    expect(await w2.stop(), w2.output).to.equal(0);
    await expectPaidOnce(id, pointsBefore);
  });
});
