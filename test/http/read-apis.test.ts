import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

/** Issue 8: what a shopper expects to see of their account, and what support needs — paged, validated. */
describe('read APIs for customers and support', function () {
  let sys: TestSystem;
  let shop: Shop;
  let top: Customer;
  let mid: Customer;
  let buyer: Customer;
  const purchaseIds: string[] = [];

  before(async function () {
    sys = await startTestSystem({ worker: true });
    shop = new Shop(sys);
    await shop.product('RD-CUP', 1000);
    await shop.product('RD-OLD', 500);
    await sys.http.post('/api/admin/products').set('Authorization', adminAuth).send({ sku: 'RD-OLD', name: 'Retired', price: 500, active: false });
    top = await shop.customer({ name: 'Top', level: 'B' });
    mid = await shop.customer({ name: 'Mid', level: 'A', referrerId: top.id });
    buyer = await shop.customer({ name: 'Buyer', walletBalance: 10_000, referrerId: mid.id });
    await shop.customer({ name: 'Sibling', referrerId: mid.id });
    for (let i = 0; i < 3; i++) {
      await shop.addToCart(buyer, 'RD-CUP', 1);
      const res = await shop.checkout(buyer);
      expect(res.status).to.equal(200);
      purchaseIds.push(res.body.data.transactionId);
      // One at a time: on FerretDB the rewards job's level upgrade of the buyer and the buyer's next
      // debit are two whole-document writes that can lose one another (its updates are not atomic).
      await waitFor(async () => ((await sys.ctx.database.models.Ledger.countDocuments({ type: 'purchase', 'rewards.status': 'completed' })) === i + 1 ? true : undefined));
    }
  });
  after(async () => sys?.shutdown());

  const as = (who: Customer, path: string) => sys.http.get(path).set('Authorization', who.auth);
  const admin = (path: string) => sys.http.get(path).set('Authorization', adminAuth);

  /** Follows nextCursor to the end, `limit` at a time. */
  async function allPages(get: (query: string) => Promise<{ status: number; body: { data: { items: { id: string }[]; nextCursor: string | null } } }>, limit: number) {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await get(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).to.equal(200);
      expect(res.body.data.items.length).to.be.at.most(limit);
      ids.push(...res.body.data.items.map((i) => i.id));
      cursor = res.body.data.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('paging did not end');
  }

  describe('customer', function () {
    it('GET /api/purchases: own purchases only, newest first, paged without repeats', async function () {
      const ids = await allPages((q) => as(buyer, `/api/purchases?${q}`), 2);
      expect(ids).to.deep.equal([...purchaseIds].reverse());
      const first = (await as(buyer, '/api/purchases')).body.data.items[0];
      expect(first).to.include({ id: purchaseIds[2], total: 1000, itemCount: 1 });
      expect(first.rewards).to.include({ status: 'completed', totalRewardPoints: 100 });
      expect(first.rewards).to.not.have.property('lastError');
      expect((await as(mid, '/api/purchases')).body.data).to.deep.equal({ items: [], nextCursor: null });
    });

    it('GET /api/rewards: each credit with its purchase, slot, depth, amount and date; the total is the ledger sum', async function () {
      const res = await as(mid, '/api/rewards');
      expect(res.status).to.equal(200);
      expect(res.body.data.total).to.equal(15);
      expect(res.body.data.items).to.have.length(3);
      // Newest credit first: jobs may pay the three purchases in any order.
      expect(res.body.data.items.map((c: { purchaseId: string }) => c.purchaseId)).to.have.members(purchaseIds);
      const dates = res.body.data.items.map((c: { createdAt: string }) => c.createdAt);
      expect(dates).to.deep.equal([...dates].sort().reverse());
      expect(res.body.data.items[0]).to.include({ slot: 'A', depth: 1, amount: 5 });
      expect(res.body.data.items[0].createdAt).to.be.a('string');
      const me = await as(mid, '/api/me');
      expect(me.body.data.rewardPoints).to.equal(res.body.data.total);
      const topStatement = await as(top, '/api/rewards?limit=1');
      expect(topStatement.body.data).to.include({ total: 15 });
      expect(topStatement.body.data.items[0]).to.include({ slot: 'B', depth: 2 });
      expect(topStatement.body.data.nextCursor).to.be.a('string');
    });

    it('GET /api/referrals: direct referrals with name, level and joined; direct and whole-downline counts', async function () {
      const res = await as(top, '/api/referrals');
      expect(res.status).to.equal(200);
      expect(res.body.data.summary).to.deep.equal({ directCount: 1, downlineCount: 3 });
      expect(res.body.data.items).to.have.length(1);
      expect(res.body.data.items[0]).to.include({ id: mid.id, name: 'Mid', level: 'A' });
      expect(res.body.data.items[0].joined).to.be.a('string');
      const midView = await as(mid, '/api/referrals?limit=1');
      expect(midView.body.data.summary).to.deep.equal({ directCount: 2, downlineCount: 2 });
      expect(midView.body.data.items[0].name).to.equal('Sibling'); // newest first
      expect(await allPages((q) => as(mid, `/api/referrals?${q}`), 1)).to.have.length(2);
    });

    it('GET /api/products: the active catalogue only, paged', async function () {
      const res = await as(buyer, '/api/products');
      expect(res.status).to.equal(200);
      const skus = res.body.data.items.map((p: { sku: string }) => p.sku);
      expect(skus).to.include('RD-CUP');
      expect(skus).to.not.include('RD-OLD');
      expect(res.body.data.items[0]).to.have.keys('id', 'sku', 'name', 'price', 'active');
    });

    it('unknown query fields, bad limits and foreign cursors are 400; no token is 401', async function () {
      for (const path of ['/api/purchases?sort=asc', '/api/rewards?limit=0', '/api/referrals?limit=101', '/api/products?cursor=!!', '/api/purchases?cursor=bm90LWEtY3Vyc29y']) {
        const res = await as(buyer, path);
        expect(res.status, path).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      }
      for (const path of ['/api/purchases', '/api/rewards', '/api/referrals', '/api/products']) expect((await sys.http.get(path)).status, path).to.equal(401);
    });
  });

  describe('admin', function () {
    it('GET /api/admin/users/:id and ?email=: wallet, points from the ledger, level, spend', async function () {
      const byId = await admin(`/api/admin/users/${buyer.id}`);
      expect(byId.status).to.equal(200);
      expect(byId.body.data).to.include({ id: buyer.id, walletBalance: 7000, lifetimeSpend: 3000, level: 'A', rewardPoints: 0 });
      const email = byId.body.data.email as string;
      const byEmail = await admin(`/api/admin/users?email=${encodeURIComponent(email.toUpperCase())}`);
      expect(byEmail.body.data.items).to.have.length(1);
      expect(byEmail.body.data.items[0]).to.include({ id: buyer.id });
      const midByEmail = await admin(`/api/admin/users/${mid.id}`);
      expect(midByEmail.body.data.rewardPoints).to.equal(15);
      expect((await admin('/api/admin/users?email=nobody@example.test')).body.data).to.deep.equal({ items: [], nextCursor: null });
      expect((await admin('/api/admin/users/0123456789abcdef01234567')).body.error.code).to.equal('USER_NOT_FOUND');
      expect((await admin('/api/admin/users?name=x')).status).to.equal(400);
    });

    it('GET /api/admin/products: every product, inactive too, filterable', async function () {
      const all = await admin('/api/admin/products?limit=100');
      const skus = all.body.data.items.map((p: { sku: string }) => p.sku);
      expect(skus).to.include.members(['RD-CUP', 'RD-OLD']);
      const inactive = await admin('/api/admin/products?active=false');
      expect(inactive.body.data.items.map((p: { sku: string }) => p.sku)).to.deep.equal(['RD-OLD']);
    });

    it('GET /api/admin/purchases: by status and age, newest first, paged', async function () {
      // The raw collection: mongoose keeps createdAt immutable.
      const purchases = sys.ctx.database.db.collection('transactions');
      const first = { _id: new ObjectId(purchaseIds[0]) };
      await purchases.updateOne(first, { $set: { 'rewards.status': 'failed', createdAt: new Date(Date.now() - 3 * 3_600_000) } });
      const failed = await admin('/api/admin/purchases?status=failed');
      expect(failed.body.data.items.map((p: { id: string }) => p.id)).to.deep.equal([purchaseIds[0]]);
      expect((await admin('/api/admin/purchases?status=failed&olderThanMinutes=240')).body.data.items).to.have.length(0);
      expect((await admin('/api/admin/purchases?status=failed&olderThanMinutes=120')).body.data.items).to.have.length(1);
      expect(await allPages((q) => admin(`/api/admin/purchases?${q}`), 2)).to.deep.equal([purchaseIds[2], purchaseIds[1], purchaseIds[0]]);
      expect((await admin('/api/admin/purchases?status=lost')).status).to.equal(400);
      await purchases.updateOne(first, { $set: { 'rewards.status': 'completed' } });
    });

    it('GET /api/admin/purchases/stats: counts by status and p50/p95 of completedAt − createdAt', async function () {
      const res = await admin('/api/admin/purchases/stats?windowMinutes=60');
      expect(res.status).to.equal(200);
      expect(res.body.data.byStatus).to.deep.equal({ pending: 0, processing: 0, completed: 3, failed: 0, cancelled: 0, reversing: 0, reversed: 0 });
      const window = res.body.data.completedInWindow;
      expect(window).to.include({ windowMinutes: 60, count: 3, sampled: false });
      expect(window.p50Ms).to.be.a('number').and.at.least(0);
      expect(window.p95Ms).to.be.at.least(window.p50Ms);
      expect(window.maxMs).to.be.at.least(window.p95Ms);
      expect((await admin('/api/admin/purchases/stats?windowMinutes=0')).status).to.equal(400);
    });

    it('an admin route that does not exist is 404 with valid credentials, 401 without', async function () {
      const res = await admin('/api/admin/nothing-here');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('ROUTE_NOT_FOUND');
      expect((await sys.http.post('/api/admin/purchases').set('Authorization', adminAuth)).status).to.equal(404);
      expect((await sys.http.get('/api/admin/nothing-here')).status).to.equal(401);
    });
  });
});
