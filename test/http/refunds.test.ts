import { expect } from 'chai';
import { pointsOfUser } from '../../src/rewards/points.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import type { RewardsUseCase } from '../../jobs/process-checkout-rewards.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

/** docs/spec.md §11 over HTTP: a refund gives the money back and leaves nothing of the purchase's rewards. */
describe('refunds', function () {
  let sys: TestSystem;
  let shop: Shop;
  let referrer: Customer;
  const hold = { paused: false };
  // The real use case, held back on demand so a purchase can be refunded before it is paid.
  const holdable: RewardsUseCase = async (ctx, transactionId, options) => {
    if (hold.paused) throw new Error('held by the test');
    return processCheckoutRewards(ctx, transactionId, options);
  };

  before(async function () {
    sys = await startTestSystem({ worker: true, rewardsUseCase: holdable, env: { JOB_MAX_ATTEMPTS: '1' } });
    shop = new Shop(sys);
    await shop.product('REFUND-ITEM', 1000);
    referrer = await shop.customer({ level: 'A' });
  });
  afterEach(() => (hold.paused = false));
  after(async () => sys?.shutdown());

  const m = () => sys.ctx.database.models;
  const refund = (id: string, key?: string, body: object = { reason: 'goods returned' }) => {
    const req = sys.http.post(`/api/admin/purchases/${id}/refund`).set('Authorization', adminAuth).send(body);
    return key ? req.set('Idempotency-Key', key) : req;
  };
  const statusOf = async (id: string) => (await m().Ledger.findById(id).lean())!.rewards!.status;
  const entrySum = async (id: string) => (await m().Ledger.find({ purchase: id, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal'] } }).lean()).reduce((s, e) => s + e.amount, 0);

  async function buy(): Promise<{ buyer: Customer; id: string }> {
    const buyer = await shop.customer({ walletBalance: 1500, referrerId: referrer.id });
    await shop.addToCart(buyer, 'REFUND-ITEM', 1);
    const res = await shop.checkout(buyer);
    expect(res.status).to.equal(200);
    return { buyer, id: res.body.data.transactionId };
  }
  const until = (id: string, status: string) => waitFor(async () => ((await statusOf(id)) === status ? true : undefined));

  it('a paid purchase: wallet and spend back, level kept, every reward entry reversed, points back; the customer sees it', async function () {
    const pointsBefore = await pointsOfUser(sys.ctx.data, referrer.id);
    const { buyer, id } = await buy();
    await until(id, 'completed');
    expect(await pointsOfUser(sys.ctx.data, referrer.id)).to.equal(pointsBefore + 5);
    const levelAfterPurchase = (await m().User.findById(buyer.id).lean())!.level;
    const poolsBefore = (await sys.http.get('/api/admin/pools').set('Authorization', adminAuth)).body.data;

    const res = await refund(id);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.data).to.deep.include({ transactionId: id, alreadyRefunded: false, amount: 1000, rewardsStatus: 'reversing' });
    expect(res.body.data.refund).to.deep.include({ by: 'admin', reason: 'goods returned' });
    const user = (await m().User.findById(buyer.id).lean())!;
    expect(user).to.deep.include({ walletBalance: 1500, lifetimeSpend: 0, level: levelAfterPurchase });
    expect(await m().Ledger.countDocuments({ purchase: id, type: 'refund', amount: 1000 })).to.equal(1);

    await until(id, 'reversed');
    expect(await entrySum(id), "the purchase's reward entries sum to 0").to.equal(0);
    expect(await m().Ledger.countDocuments({ purchase: id, type: 'reversal' })).to.equal(3);
    expect(await pointsOfUser(sys.ctx.data, referrer.id)).to.equal(pointsBefore);
    const pools = (await sys.http.get('/api/admin/pools').set('Authorization', adminAuth)).body.data;
    expect(pools.appRevenue).to.equal(poolsBefore.appRevenue - 50);
    expect(pools.giftsPool).to.equal(poolsBefore.giftsPool - 45); // 15 of R, plus the 30 of the tree budget one A slot left
    expect(pools.refunded).to.equal(poolsBefore.refunded + 1000);
    const purchase = (await m().Ledger.findById(id).lean())!;
    expect(purchase.rewards!.distribution, 'the distribution is kept for audit').to.not.equal(null);

    const seen = await sys.http.get(`/api/transactions/${id}`).set('Authorization', buyer.auth);
    expect(seen.body.data.rewards.status).to.equal('reversed');
    expect(seen.body.data.refund).to.deep.include({ reason: 'goods returned' });
  });

  it('a second refund changes nothing and says so', async function () {
    const { buyer, id } = await buy();
    await until(id, 'completed');
    expect((await refund(id)).status).to.equal(200);
    await until(id, 'reversed');
    const wallet = (await m().User.findById(buyer.id).lean())!.walletBalance;
    const entries = await m().Ledger.countDocuments({ purchase: id });
    const again = await refund(id);
    expect(again.status).to.equal(200);
    expect(again.body.message).to.match(/already refunded/);
    expect(again.body.data.alreadyRefunded).to.equal(true);
    expect((await m().User.findById(buyer.id).lean())!.walletBalance).to.equal(wallet);
    expect(await m().Ledger.countDocuments({ purchase: id })).to.equal(entries);
  });

  it('a purchase not yet paid is cancelled: its rewards job, when it runs, pays nothing', async function () {
    hold.paused = true;
    const pointsBefore = await pointsOfUser(sys.ctx.data, referrer.id);
    const { id } = await buy();
    await until(id, 'failed'); // one attempt, held back by the test
    const res = await refund(id);
    expect(res.body.data.rewardsStatus).to.equal('cancelled');
    hold.paused = false;
    // An operator's retry (a requeue from Agendash) runs it again: it pays nothing.
    const outcome = await processCheckoutRewards(sys.ctx, id);
    expect(outcome.status).to.equal('cancelled');
    await sys.ctx.agenda.now('process-checkout-rewards', { transactionId: id });
    await new Promise((r) => setTimeout(r, 500));
    expect(await statusOf(id)).to.equal('cancelled');
    expect(await m().Ledger.countDocuments({ purchase: id, type: { $ne: 'refund' } })).to.equal(0);
    expect(await pointsOfUser(sys.ctx.data, referrer.id)).to.equal(pointsBefore);
  });

  it('honours Idempotency-Key: the same key replays, the same key for another purchase is refused', async function () {
    const first = await buy();
    const second = await buy();
    await until(first.id, 'completed');
    await until(second.id, 'completed');
    expect((await refund(first.id, 'refund-key-1')).body.data.alreadyRefunded).to.equal(false);
    expect((await refund(first.id, 'refund-key-1')).body.data.alreadyRefunded).to.equal(true);
    const reused = await refund(second.id, 'refund-key-1');
    expect(reused.status).to.equal(409);
    expect(reused.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect((await m().Ledger.findById(second.id).lean())!.refund ?? null).to.equal(null);
  });

  it('refuses bad requests and changes nothing', async function () {
    const { id } = await buy();
    const unknown = await refund('0123456789abcdef01234567');
    expect(unknown.status).to.equal(404);
    expect((await refund('nope')).status).to.equal(400);
    expect((await refund(id, undefined, { reason: 'x', amount: 5 })).status).to.equal(400);
    expect((await sys.http.post(`/api/admin/purchases/${id}/refund`).send({})).status).to.equal(401);
    expect((await m().Ledger.findById(id).lean())!.refund ?? null).to.equal(null);
  });
});
