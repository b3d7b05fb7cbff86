import { expect } from 'chai';
import { Shop } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * docs/spec.md §2: money is integers within the safe range. Past Number.MAX_SAFE_INTEGER a double can't
 * hold every integer, so a credit would be lost to rounding while answering 200. No balance or
 * total may leave the range: such a request is refused and changes nothing.
 */
describe('money stays within the safe-integer range', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('BOUND-ITEM', 100);
  });
  after(async () => sys?.shutdown());

  const credit = (id: string, amount: number) => sys.http.post(`/api/admin/users/${id}/wallet`).set('Authorization', adminAuth).send({ amount });
  const wallet = async (id: string) => (await sys.ctx.database.models.User.findById(id).lean())!.walletBalance;

  it('refuses a wallet credit that would pass the largest safe integer, and keeps the balance', async function () {
    const user = await shop.customer({ walletBalance: MAX - 10 });
    const refused = await credit(user.id, 11);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(refused.body.error.code).to.equal('AMOUNT_OUT_OF_RANGE');
    expect(refused.body.error.details).to.deep.equal({ walletBalance: MAX - 10 });
    expect(await wallet(user.id)).to.equal(MAX - 10);

    const exact = await credit(user.id, 10);
    expect(exact.status).to.equal(200);
    expect(exact.body.data.walletBalance).to.equal(MAX);
    expect(await wallet(user.id)).to.equal(MAX);
    expect((await credit(user.id, 1)).status).to.equal(409);
    expect(await wallet(user.id)).to.equal(MAX);
  });

  it('refuses a checkout that would take the lifetime spend past it, and changes nothing', async function () {
    const buyer = await shop.customer({ walletBalance: 1000 });
    await sys.ctx.database.models.User.updateOne({ _id: buyer.id }, { $set: { lifetimeSpend: MAX - 50 } });
    await shop.addToCart(buyer, 'BOUND-ITEM', 1);
    const before = await shop.state(buyer);
    const res = await shop.checkout(buyer);
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error.code).to.equal('AMOUNT_OUT_OF_RANGE');
    expect(await shop.state(buyer)).to.deep.equal(before);
  });

  it('refuses a refund that would take the wallet past it, and changes nothing', async function () {
    const buyer = await shop.customer({ walletBalance: 100 });
    await shop.addToCart(buyer, 'BOUND-ITEM', 1);
    const id = (await shop.checkout(buyer)).body.data.transactionId as string;
    await sys.ctx.database.models.User.updateOne({ _id: buyer.id }, { $set: { walletBalance: MAX - 50 } });
    const before = await shop.state(buyer);
    const res = await sys.http.post(`/api/admin/purchases/${id}/refund`).set('Authorization', adminAuth).send({});
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error.code).to.equal('AMOUNT_OUT_OF_RANGE');
    expect(await shop.state(buyer)).to.deep.equal(before);
    expect((await sys.ctx.database.models.Ledger.findById(id).lean())!.refund ?? null, 'the purchase is not marked refunded').to.equal(null);
  });
});
