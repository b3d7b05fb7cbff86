import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import sinon from 'sinon';
import { pointsOfUser } from '../../src/rewards/points.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { reconcileRewards } from '../../src/rewards/reconcile.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

const JOB = 'process-checkout-rewards';

/**
 * The reconciler finds purchases whose rewards no job will ever run — `pending` past the grace
 * period, or `processing` past the lock lifetime plus the grace period — and gives each a job that
 * will run: the same job made due, or a new one if none exists; never a second live one.
 */
describe('reconciling purchases stuck in processing', function () {
  let api: TestSystem;
  let shop: Shop;
  let referrer: Customer;
  let logWarn: sinon.SinonSpy;

  before(async function () {
    api = await startTestSystem({ worker: false, env: { RECONCILE_GRACE_MS: '1000', JOB_LOCK_LIFETIME_MS: '2000' } });
    shop = new Shop(api);
    await shop.product('REC-ITEM', 1000);
    referrer = await shop.customer({ level: 'A' });
  });
  beforeEach(() => {
    logWarn = sinon.spy(api.ctx.log, 'warn');
  });
  afterEach(() => logWarn.restore());
  after(async () => api?.shutdown());

  const jobs = () => api.ctx.database.db.collection('agendaJobs');
  const longAgo = () => new Date(Date.now() - 60_000);

  /** A purchase whose run started long ago (the purchase says `processing`), its job as `job` says. */
  async function stuckPurchase(job: Record<string, unknown> | 'deleted'): Promise<string> {
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'REC-ITEM', 1);
    const res = await shop.checkout(buyer);
    const id = res.body.data.transactionId as string;
    await api.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.status': 'processing', 'rewards.attemptedAt': longAgo() }, $inc: { 'rewards.attempts': 1 } });
    if (job === 'deleted') await jobs().deleteMany({ name: JOB, 'data.transactionId': id });
    else await jobs().updateOne({ name: JOB, 'data.transactionId': id }, { $set: { lastRunAt: longAgo(), lastModifiedBy: 'worker@gone:1', ...job } });
    return id;
  }

  const jobsOf = (id: string) => jobs().find({ name: JOB, 'data.transactionId': id }).toArray();

  it('looks a purchase\'s job up by an index on the transaction id', async function () {
    const indexes = await jobs().listIndexes().toArray();
    expect(indexes.map((i) => i.key)).to.deep.include({ name: 1, 'data.transactionId': 1 });
  });

  it('makes the same job due again when it had started and lost its lock (nothing would run it), and it gets paid once', async function () {
    // What the old graceful stop left: started (nextRunAt null), lock removed.
    const id = await stuckPurchase({ nextRunAt: null, lockedAt: null });
    const counts = await reconcileRewards(api.ctx);
    expect(counts.revived).to.equal(1);
    expect(logWarn.calledWithMatch(/would never run again/, { transactionId: id })).to.equal(true);
    const [job, ...others] = await jobsOf(id);
    expect(others, 'no second job').to.have.length(0);
    expect(job!.nextRunAt).to.be.instanceOf(Date);

    const pointsBefore = await pointsOfUser(api.ctx.data, referrer.id);
    const worker = await startTestSystem({ worker: true, http: false, dbName: api.dbName });
    try {
      await waitFor(async () => ((await api.ctx.database.models.Ledger.findById(id).lean())!.rewards!.status === 'completed' ? true : undefined));
    } finally {
      await worker.stop();
    }
    expect(await pointsOfUser(api.ctx.data, referrer.id)).to.equal(pointsBefore + 5);
  });

  it('enqueues a new job when the purchase has none, and says the job was missing', async function () {
    const id = await stuckPurchase('deleted');
    const counts = await reconcileRewards(api.ctx);
    expect(counts.created).to.equal(1);
    expect(logWarn.calledWithMatch(/missing/, { transactionId: id, status: 'processing' })).to.equal(true);
    expect(await jobsOf(id)).to.have.length(1);
    await api.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.status': 'completed' } }); // keep later tests clean
  });

  it('leaves a purchase alone whose job is locked by a run (its lock may still expire and be taken), and logs no warning', async function () {
    const id = await stuckPurchase({ nextRunAt: null, lockedAt: new Date() });
    const before = await jobsOf(id);
    const counts = await reconcileRewards(api.ctx);
    expect(counts.waiting).to.be.at.least(1);
    expect(counts.revived + counts.created).to.equal(0);
    expect(logWarn.calledWithMatch(sinon.match.string, { transactionId: id })).to.equal(false);
    expect(await jobsOf(id)).to.deep.equal(before);
    await api.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.status': 'completed' } });
  });

  it('leaves a purchase alone while its last run started less than the lock lifetime plus the grace period ago', async function () {
    const id = await stuckPurchase({ nextRunAt: null, lockedAt: null });
    await api.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.attemptedAt': new Date() } });
    const counts = await reconcileRewards(api.ctx);
    expect(counts.revived + counts.created).to.equal(0);
    const [job] = await jobsOf(id);
    expect(job!.nextRunAt ?? null).to.equal(null);
    await api.ctx.database.models.Ledger.updateOne({ _id: new ObjectId(id) }, { $set: { 'rewards.status': 'completed' } });
  });

  it('gives a refunded purchase whose reversal job was lost a new one, and the reversal completes', async function () {
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'REC-ITEM', 1);
    const id = (await shop.checkout(buyer)).body.data.transactionId as string;
    await processCheckoutRewards(api.ctx, id);
    const refunded = await api.http.post(`/api/admin/purchases/${id}/refund`).set('Authorization', adminAuth).send({});
    expect(refunded.body.data.rewardsStatus).to.equal('reversing');
    // The crash between the refund's commit and its enqueue, and the grace period is over.
    await jobs().deleteMany({ name: 'reverse-purchase-rewards', 'data.transactionId': id });
    await api.ctx.database.db.collection('transactions').updateOne({ _id: new ObjectId(id) }, { $set: { 'refund.refundedAt': longAgo() } });

    const counts = await reconcileRewards(api.ctx);
    expect(counts.created).to.be.at.least(1);
    expect(logWarn.calledWithMatch(/reverse-purchase-rewards job missing/, { transactionId: id, status: 'reversing' })).to.equal(true);
    const worker = await startTestSystem({ worker: true, http: false, dbName: api.dbName });
    try {
      await waitFor(async () => ((await api.ctx.database.models.Ledger.findById(id).lean())!.rewards!.status === 'reversed' ? true : undefined));
    } finally {
      await worker.stop();
    }
    expect(await api.ctx.database.models.Ledger.countDocuments({ purchase: id, type: 'reversal' })).to.equal(3);
  });
});
