import { expect } from 'chai';
import { Shop } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

describe('an API process with RUN_WORKER=false', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem({ worker: false, env: { RUN_WORKER: 'false' } });
    shop = new Shop(sys);
    await shop.product('ITEM', 500);
  });
  after(async () => sys?.shutdown());

  it('serves the Agendash dashboard and its stats', async function () {
    const page = await sys.http.get('/admin/jobs/').set('Authorization', adminAuth);
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/<html/i);
    const stats = await sys.http.get('/admin/jobs/api/stats').set('Authorization', adminAuth);
    expect(stats.status, JSON.stringify(stats.body)).to.equal(200);
  });

  it('enqueues rewards jobs but runs none of them', async function () {
    const buyer = await shop.customer({ walletBalance: 500 });
    await shop.addToCart(buyer, 'ITEM', 1);
    const res = await shop.checkout(buyer);
    expect(res.status).to.equal(200);
    const id = res.body.data.transactionId;
    // Several polling intervals (100 ms in tests) pass without the job being touched.
    await new Promise((r) => setTimeout(r, 600));
    const job = await sys.ctx.database.db.collection('agendaJobs').findOne({ 'data.transactionId': id });
    expect(job, 'job enqueued').to.not.equal(null);
    expect(job!.lastRunAt ?? null, 'job never ran here').to.equal(null);
    expect(job!.lockedAt ?? null).to.equal(null);
    const purchase = await sys.http.get(`/api/transactions/${id}`).set('Authorization', buyer.auth);
    expect(purchase.body.data.rewards.status).to.equal('pending');
  });

  it('shows the backlog on /metrics: a pending purchase and its job due', async function () {
    const res = await sys.http.get('/metrics');
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/^rewards_purchases_open\{status="pending"\} [1-9]/m);
    expect(res.text).to.match(/^rewards_purchases_open\{status="failed"\} 0$/m);
    expect(res.text).to.match(/^queue_jobs\{job="process-checkout-rewards",state="due"\} [1-9]/m);
  });
});
