import { expect } from 'chai';
import { FaultInjector } from '../support/fault-injector.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

interface JobView {
  id: string;
  state: string;
  failCount: number;
  failReason: string | null;
  nextRunAt: string | null;
}

/** Issue 8: "what happened to purchase X, and make it pay" — without a Mongo shell. */
describe('operators: a purchase, its jobs, and the retry', function () {
  let sys: TestSystem;
  let shop: Shop;
  let referrer: Customer;
  const faults = new FaultInjector('injected failure: ledger unavailable');

  before(async function () {
    sys = await startTestSystem({ worker: true, rewardsUseCase: faults.useCase });
    shop = new Shop(sys);
    await shop.product('OPS-ITEM', 1000);
    referrer = await shop.customer({ level: 'A' });
  });
  after(async () => sys?.shutdown());
  beforeEach(() => (faults.failuresLeft = 0));

  const admin = (path: string) => sys.http.get(path).set('Authorization', adminAuth);
  const retry = (id: string) => sys.http.post(`/api/admin/purchases/${id}/rewards/retry`).set('Authorization', adminAuth);
  const jobDocs = (transactionId: string) => sys.ctx.database.db.collection('agendaJobs').find({ 'data.transactionId': transactionId }).toArray();

  async function buy(): Promise<string> {
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'OPS-ITEM', 1);
    const res = await shop.checkout(buyer);
    expect(res.status).to.equal(200);
    return res.body.data.transactionId as string;
  }

  async function detailWhen(id: string, status: string) {
    return waitFor(async () => {
      const res = await admin(`/api/admin/purchases/${id}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.data.rewards.status === status && res.body.data.jobs.every((j: JobView) => j.state !== 'running') ? res.body.data : undefined;
    });
  }

  async function failedForGood(): Promise<string> {
    faults.failuresLeft = 3;
    const id = await buy();
    await detailWhen(id, 'failed');
    return id;
  }

  it('shows a failed purchase with its attempts, last error and its one failed job, state as Agendash derives it', async function () {
    const id = await failedForGood();
    const data = await detailWhen(id, 'failed');
    expect(data).to.include({ id, total: 1000 });
    expect(data.rewards).to.include({ status: 'failed', attempts: 3, lastError: 'injected failure: ledger unavailable', totalRewardPoints: 100 });
    expect(data.jobs).to.have.length(1);
    expect(data.jobs[0]).to.include({ state: 'failed', failCount: 3, failReason: 'injected failure: ledger unavailable', nextRunAt: null });
    expect(data.jobs[0].lastRunAt).to.be.a('string');
    expect(data.jobs[0].lastFinishedAt).to.be.a('string');
  });

  it('retry makes the same failed job due again (no second job), the purchase reads pending, then completes and pays once', async function () {
    const id = await failedForGood();
    const [before] = await jobDocs(id);
    const res = await retry(id);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.body.data.outcome).to.equal('revived');
    expect(res.body.data.rewards.status).to.be.oneOf(['pending', 'processing', 'completed']);
    const completed = await detailWhen(id, 'completed');
    expect(completed.rewards.attempts).to.equal(4);
    expect(completed.jobs).to.have.length(1);
    expect(completed.jobs[0].id).to.equal(before!._id.toString());
    expect(completed.jobs[0]).to.include({ state: 'completed', failCount: 0 });
    const rewards = await sys.ctx.database.models.Ledger.countDocuments({ purchase: id, type: 'reward' });
    expect(rewards).to.equal(1);
  });

  it('retry while the purchase has a live job changes nothing and says it is waiting', async function () {
    const id = await failedForGood();
    const first = await retry(id);
    const second = await retry(id);
    expect(first.body.data.outcome).to.equal('revived');
    // Either the revived job is still waiting or running (waiting), or it already finished (409).
    if (second.status === 202) expect(second.body.data.outcome).to.equal('waiting');
    else expect(second.status).to.equal(409);
    await detailWhen(id, 'completed');
    expect(await jobDocs(id)).to.have.length(1);
  });

  it('retry of a completed purchase is 409; of an unknown one 404; a bad id 400; a body 400', async function () {
    const id = await buy();
    await detailWhen(id, 'completed');
    const done = await retry(id);
    expect(done.status).to.equal(409);
    expect(done.body.error.code).to.equal('CONFLICT');
    expect((await retry('0123456789abcdef01234567')).status).to.equal(404);
    expect((await retry('nope')).body.error.code).to.equal('VALIDATION_FAILED');
    const withBody = await sys.http.post(`/api/admin/purchases/${id}/rewards/retry`).set('Authorization', adminAuth).send({ force: true });
    expect(withBody.status).to.equal(400);
  });

  it('retry of a pending purchase whose job was lost creates exactly one', async function () {
    const id = await buy();
    await detailWhen(id, 'completed');
    // A purchase left pending without any job (a crash between commit and enqueue, then a purge).
    await sys.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.status': 'pending' } });
    await sys.ctx.database.models.Ledger.deleteMany({ purchase: id });
    await sys.ctx.database.db.collection('agendaJobs').deleteMany({ 'data.transactionId': id });
    const res = await retry(id);
    expect(res.body.data.outcome).to.equal('created');
    await detailWhen(id, 'completed');
    expect(await jobDocs(id)).to.have.length(1);
  });

  it('after Agendash\'s Requeue (a new job), the purchase shows both jobs: the new one completed, the old one still failed (docs/operating.md: Troubleshooting)', async function () {
    const id = await failedForGood();
    const [old] = await jobDocs(id);
    const requeue = await sys.http.post('/admin/jobs/api/jobs/requeue').set('Authorization', adminAuth).send({ jobIds: [old!._id.toString()] });
    expect(requeue.body.requeuedCount).to.equal(1);
    const data = await detailWhen(id, 'completed');
    expect(data.jobs.map((j: JobView) => j.state)).to.deep.equal(['completed', 'failed']);
    expect(data.jobs[1].id).to.equal(old!._id.toString());
    // The purchase, not the job list, says what is left to do.
    const failedPurchases = await admin('/api/admin/purchases?status=failed&limit=100');
    expect(failedPurchases.body.data.items.map((p: { id: string }) => p.id)).to.not.include(id);
    expect((await retry(id)).status).to.equal(409);
  });

  it('GET /api/admin/purchases/:id: 404 unknown, 400 malformed, 401 without credentials', async function () {
    expect((await admin('/api/admin/purchases/0123456789abcdef01234567')).body.error.code).to.equal('TRANSACTION_NOT_FOUND');
    expect((await admin('/api/admin/purchases/xyz')).status).to.equal(400);
    expect((await sys.http.get('/api/admin/purchases/0123456789abcdef01234567')).status).to.equal(401);
  });

  describe('Agendash finds a purchase\'s jobs by transaction id', function () {
    let failedId: string;
    let otherId: string;
    before(async function () {
      failedId = await failedForGood();
      otherId = await buy();
      await detailWhen(otherId, 'completed');
    });

    const dashboard = (query: Record<string, string>) => sys.http.get('/admin/jobs/api').query(query).set('Authorization', adminAuth);

    it('its Property/Value form (property=data.transactionId, the value in q) lists only that purchase\'s job, in Agendash\'s shape', async function () {
      const res = await dashboard({ job: 'process-checkout-rewards', property: 'data.transactionId', q: failedId, limit: '50', skip: '0' });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.keys('overview', 'jobs', 'total', 'totalPages');
      expect(res.body.total).to.equal(1);
      expect(res.body.totalPages).to.equal(1);
      expect(res.body.jobs[0].job.data.transactionId).to.equal(failedId);
      expect(res.body.jobs[0]).to.include({ failed: true, completed: false, running: false });
      expect(res.body.jobs[0].job.failReason).to.equal('injected failure: ledger unavailable');
      expect(res.body.overview[0].displayName).to.equal('All Jobs');
    });

    it('also with `value=`, with the state filter, and with a bare transaction id in q', async function () {
      const byValue = await dashboard({ property: 'data.transactionId', value: otherId });
      expect(byValue.body.jobs.map((j: { job: { data: { transactionId: string } } }) => j.job.data.transactionId)).to.deep.equal([otherId]);
      const failedOnly = await dashboard({ property: 'data.transactionId', q: otherId, state: 'failed' });
      expect(failedOnly.body.total).to.equal(0);
      const bare = await dashboard({ q: failedId });
      expect(bare.body.total).to.equal(1);
      expect(bare.body.jobs[0].job.data.transactionId).to.equal(failedId);
    });

    it('leaves Agendash\'s own list alone without a data filter', async function () {
      const all = await dashboard({ job: 'process-checkout-rewards', limit: '200' });
      expect(all.body.total).to.be.greaterThan(1);
      expect((await sys.http.get('/admin/jobs/api').query({ q: failedId })).status).to.equal(401);
    });
  });
});
