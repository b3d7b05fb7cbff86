import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { pointsOfUser } from '../../src/rewards/points.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import type { RewardsUseCase } from '../../jobs/process-checkout-rewards.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

/** Wraps the real use case; fails on demand, the way a database outage or a bug would. */
class FaultInjector {
  failuresLeft = 0;
  calls = 0;
  readonly useCase: RewardsUseCase = async (ctx, transactionId) => {
    this.calls++;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('injected failure: ledger unavailable');
    }
    return processCheckoutRewards(ctx, transactionId);
  };
}

describe('rewards job failures, retries and requeue from Agendash', function () {
  let sys: TestSystem;
  let shop: Shop;
  const faults = new FaultInjector();
  let referrer: Customer;

  before(async function () {
    // 3 attempts, 100 ms base backoff, no jitter: the whole retry sequence takes well under a second.
    sys = await startTestSystem({ worker: true, rewardsUseCase: faults.useCase });
    shop = new Shop(sys);
    await shop.product('ITEM', 1000);
    referrer = await shop.customer({ level: 'A' });
  });
  after(async () => sys?.shutdown());
  beforeEach(() => {
    faults.failuresLeft = 0;
  });

  async function buy(): Promise<{ buyer: Customer; transactionId: string }> {
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'ITEM', 1);
    const res = await shop.checkout(buyer);
    expect(res.status).to.equal(200);
    return { buyer, transactionId: res.body.data.transactionId };
  }

  async function purchaseWhen(buyer: Customer, transactionId: string, status: string) {
    return waitFor(async () => {
      const res = await sys.http.get(`/api/transactions/${transactionId}`).set('Authorization', buyer.auth);
      return res.body.data?.rewards?.status === status ? res.body.data : undefined;
    });
  }

  async function rewardEntries(transactionId: string) {
    return sys.ctx.database.models.Ledger.find({ purchase: transactionId }).lean();
  }

  async function referrerPoints(): Promise<number> {
    return pointsOfUser(sys.ctx.data, referrer.id);
  }

  it('completes on retry after a failure on the first attempt, and pays once', async function () {
    faults.failuresLeft = 1;
    const pointsBefore = await referrerPoints();
    const { buyer, transactionId } = await buy();
    const purchase = await purchaseWhen(buyer, transactionId, 'completed');
    expect(purchase.rewards.attempts).to.equal(2);
    expect(purchase.rewards.lastError).to.equal(null);
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
    const entries = await rewardEntries(transactionId);
    expect(entries.map((e) => e.type).sort()).to.deep.equal(['app_revenue', 'gifts_pool', 'reward']);
  });

  it('marks the purchase failed with the reason after the last attempt; Agendash lists it; a requeue completes it, paid once', async function () {
    faults.failuresLeft = 3;
    const pointsBefore = await referrerPoints();
    const { buyer, transactionId } = await buy();
    const failed = await purchaseWhen(buyer, transactionId, 'failed');
    expect(failed.rewards.attempts).to.equal(3);
    expect(failed.rewards.lastError).to.equal('injected failure: ledger unavailable');
    expect(await rewardEntries(transactionId)).to.have.length(0);
    expect(await referrerPoints()).to.equal(pointsBefore);

    const listed = await waitFor(async () => {
      const res = await sys.http
        .get('/admin/jobs/api')
        .query({ job: 'process-checkout-rewards', state: 'failed', limit: 100 })
        .set('Authorization', adminAuth);
      expect(res.status).to.equal(200);
      const job = (res.body.jobs as { job: { _id: string; data: { transactionId: string }; failReason: string; failCount: number }; failed: boolean }[]).find(
        (j) => j.job.data.transactionId === transactionId,
      );
      return job?.failed ? job : undefined;
    });
    expect(listed.job.failReason).to.equal('injected failure: ledger unavailable');
    expect(listed.job.failCount).to.equal(3);

    const requeue = await sys.http.post('/admin/jobs/api/jobs/requeue').set('Authorization', adminAuth).send({ jobIds: [listed.job._id] });
    expect(requeue.status).to.equal(200);
    expect(requeue.body.requeuedCount).to.equal(1);

    const completed = await purchaseWhen(buyer, transactionId, 'completed');
    expect(completed.rewards.attempts).to.equal(4);
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
    expect(await rewardEntries(transactionId)).to.have.length(3);

    // Requeueing a completed purchase again is harmless.
    await sys.http.post('/admin/jobs/api/jobs/requeue').set('Authorization', adminAuth).send({ jobIds: [listed.job._id] });
    await waitFor(async () => ((await sys.ctx.database.db.collection('agendaJobs').countDocuments({ 'data.transactionId': transactionId, nextRunAt: { $ne: null } })) === 0 ? true : undefined));
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
    expect(await rewardEntries(transactionId)).to.have.length(3);
  });

  it('pays once when the same purchase is enqueued twice', async function () {
    const pointsBefore = await referrerPoints();
    const { buyer, transactionId } = await buy();
    await sys.ctx.agenda.now('process-checkout-rewards', { transactionId });
    await purchaseWhen(buyer, transactionId, 'completed');
    await waitFor(async () => ((await sys.ctx.database.db.collection('agendaJobs').countDocuments({ 'data.transactionId': transactionId, lastFinishedAt: null })) === 0 ? true : undefined));
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
    expect(await rewardEntries(transactionId)).to.have.length(3);
  });

  it('pays once when the use case runs again on a completed purchase', async function () {
    const { buyer, transactionId } = await buy();
    await purchaseWhen(buyer, transactionId, 'completed');
    const pointsBefore = await referrerPoints();
    const again = await processCheckoutRewards(sys.ctx, transactionId);
    expect(again.status).to.equal('already-completed');
    expect(await referrerPoints()).to.equal(pointsBefore);
    expect(await rewardEntries(transactionId)).to.have.length(3);
  });

  it('keeps /admin/jobs behind the admin credentials', async function () {
    const anonymous = await sys.http.get('/admin/jobs/api');
    expect(anonymous.status).to.equal(401);
    const wrong = await sys.http.get('/admin/jobs/').set('Authorization', `Basic ${Buffer.from('admin:nope').toString('base64')}`);
    expect(wrong.status).to.equal(401);
    const requeue = await sys.http.post('/admin/jobs/api/jobs/requeue').send({ jobIds: [] });
    expect(requeue.status).to.equal(401);
  });

  describe('errors that cannot succeed on retry fail the job at once', function () {
    const jobs = () => sys.ctx.database.db.collection('agendaJobs');

    async function failedJob(data: Record<string, unknown>) {
      const job = await sys.ctx.agenda.now('process-checkout-rewards', data);
      const id = new ObjectId(String(job.attrs._id));
      const failed = await waitFor(async () => {
        const doc = await jobs().findOne({ _id: id });
        return doc?.failedAt ? doc : undefined;
      });
      // Three backoff delays (100, 200, 400 ms) later, a retried job would have run again.
      await new Promise((r) => setTimeout(r, 900));
      const later = await jobs().findOne({ _id: id });
      return { failed, later: later! };
    }

    it('a job for a purchase that does not exist: one run, failed in Agendash with the reason, no retry', async function () {
      const missing = '0123456789abcdef01234567';
      const { failed, later } = await failedJob({ transactionId: missing });
      expect(failed.failReason).to.match(/Purchase 0123456789abcdef01234567 does not exist/);
      expect(later.failCount).to.equal(1);
      expect(later.nextRunAt ?? null, 'no retry scheduled').to.equal(null);
    });

    it('a job with invalid data: one run, failed with the reason, no retry', async function () {
      const { failed, later } = await failedJob({ transactionId: 'not-an-id', extra: 1 });
      expect(failed.failReason).to.match(/Invalid job data/);
      expect(later.failCount).to.equal(1);
      expect(later.nextRunAt ?? null).to.equal(null);
    });

    it("a purchase whose buyer vanished says `failed` with the reason after its first attempt", async function () {
      const { buyer, transactionId } = await buy();
      await purchaseWhen(buyer, transactionId, 'completed');
      // The same purchase, not yet paid, whose buyer is gone: a state no retry can mend.
      await sys.ctx.database.models.Ledger.updateOne({ _id: transactionId }, { $set: { 'rewards.status': 'pending', 'rewards.attempts': 0, 'rewards.distribution': null } });
      await sys.ctx.database.models.Ledger.deleteMany({ purchase: transactionId });
      await sys.ctx.database.models.User.deleteOne({ _id: buyer.id });
      const { later } = await failedJob({ transactionId });
      expect(later.failCount).to.equal(1);
      const purchase = await sys.ctx.database.models.Ledger.findById(transactionId).lean();
      expect(purchase!.rewards).to.deep.include({ status: 'failed', attempts: 1 });
      expect(purchase!.rewards!.lastError).to.match(/Buyer .* does not exist/);
    });
  });
});
