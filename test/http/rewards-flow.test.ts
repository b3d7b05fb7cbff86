import { expect } from 'chai';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

describe('rewards flow: checkout → worker pays the referral tree', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem({ worker: true });
    shop = new Shop(sys);
    await shop.product('GADGET', 1000);
  });
  after(async () => sys?.shutdown());

  async function completedPurchase(buyer: Customer, transactionId: string) {
    return waitFor(async () => {
      const res = await sys.http.get(`/api/transactions/${transactionId}`).set('Authorization', buyer.auth);
      return res.body.data?.rewards?.status === 'completed' ? res.body.data : undefined;
    });
  }

  async function points(customer: Customer): Promise<number> {
    const res = await sys.http.get('/api/me').set('Authorization', customer.auth);
    return res.body.data.rewardPoints;
  }

  it('pays a tree with skips, a duplicate level and a J group exactly, and upgrades the buyer', async function () {
    // Built from the top down: each member refers the next; the buyer is at the bottom.
    const j2 = await shop.customer({ level: 'J' });
    const j1 = await shop.customer({ level: 'J', referrerId: j2.id });
    const c = await shop.customer({ level: 'C', referrerId: j1.id });
    const bDuplicate = await shop.customer({ level: 'B', referrerId: c.id });
    const noLevel = await shop.customer({ level: null, referrerId: bDuplicate.id });
    const unverified = await shop.customer({ level: 'D', isVerified: false, referrerId: noLevel.id });
    const inactive = await shop.customer({ level: 'E', isActive: false, referrerId: unverified.id });
    const a = await shop.customer({ level: 'A', referrerId: inactive.id });
    const b = await shop.customer({ level: 'B', referrerId: a.id });
    const buyer = await shop.customer({ walletBalance: 20_000, referrerId: b.id });

    await shop.addToCart(buyer, 'GADGET', 10); // 10 000 → 1 000 reward points, slot 50, tree 350
    const res = await shop.checkout(buyer);
    expect(res.status).to.equal(200);
    const purchase = await completedPurchase(buyer, res.body.data.transactionId);

    const d = purchase.rewards.distribution;
    expect(d.totalRewardPoints).to.equal(1000);
    expect(d.appRevenue).to.equal(500);
    // B, A, C paid a slot each (150); J1 and J2 share one slot (25 each); 350 - 200 = 150 unused.
    expect(d.treePaid).to.equal(200);
    expect(d.giftsPool).to.equal(150 + 150);
    expect(await points(b)).to.equal(50);
    expect(await points(a)).to.equal(50);
    expect(await points(c)).to.equal(50);
    expect(await points(j1)).to.equal(25);
    expect(await points(j2)).to.equal(25);
    for (const skipped of [bDuplicate, noLevel, unverified, inactive]) expect(await points(skipped)).to.equal(0);

    const pools = await sys.http.get('/api/admin/pools').set('Authorization', adminAuth);
    expect(pools.body.data.appRevenue).to.be.at.least(500);

    const me = await sys.http.get('/api/me').set('Authorization', buyer.auth);
    expect(me.body.data.level).to.equal('C'); // lifetimeSpend 10 000 ≥ C's threshold
  });
});
