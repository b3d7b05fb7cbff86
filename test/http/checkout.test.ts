import { expect } from 'chai';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

describe('checkout over HTTP', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('BOOK', 400);
    await shop.product('PEN', 200);
  });
  after(async () => sys?.shutdown());

  async function buyerWithCart(walletBalance: number): Promise<Customer> {
    const buyer = await shop.customer({ walletBalance });
    await shop.addToCart(buyer, 'BOOK', 2);
    await shop.addToCart(buyer, 'PEN', 1);
    return buyer;
  }

  it('debits the wallet, records a pending purchase, clears the cart and answers with the original shape and words', async function () {
    const buyer = await buyerWithCart(5000);
    const res = await shop.checkout(buyer);
    expect(res.status).to.equal(200);
    const transactionId = res.body.data.transactionId;
    expect(transactionId).to.match(/^[0-9a-f]{24}$/);
    expect(res.body).to.deep.equal({
      success: true,
      message: 'Checkout successful',
      data: {
        transactionId,
        cartTotal: 1000,
        newWalletBalance: 4000,
        // docs/spec.md §4: the original system's words, which its clients read ("accepted for background
        // processing"), whatever the purchase's own status says while its job waits.
        rewards: { totalRewardPoints: 100, status: 'processing' },
        note: 'Tree rewards and level upgrades are being processed in the background',
      },
    });
    const after = await shop.state(buyer);
    expect(after.walletBalance).to.equal(4000);
    expect(after.lifetimeSpend).to.equal(1000);
    expect(after.cart).to.deep.equal([]);

    const purchase = await sys.http.get(`/api/transactions/${transactionId}`).set('Authorization', buyer.auth);
    expect(purchase.status).to.equal(200);
    expect(purchase.body.data.total).to.equal(1000);
    expect(purchase.body.data.rewards.status, 'the purchase itself: no worker has started its job').to.equal('pending');
    expect(purchase.body.data.lines).to.deep.equal([
      { sku: 'BOOK', name: 'BOOK', unitPrice: 400, quantity: 2, lineTotal: 800 },
      { sku: 'PEN', name: 'PEN', unitPrice: 200, quantity: 1, lineTotal: 200 },
    ]);
  });

  it('an idempotent replay answers as the first checkout did, "processing", also once the rewards are paid', async function () {
    const buyer = await buyerWithCart(5000);
    const first = await shop.checkout(buyer, 'replay-words');
    expect(first.body.data.rewards).to.deep.equal({ totalRewardPoints: 100, status: 'processing' });
    // No worker here: the purchase is marked paid by hand, as a worker would have.
    await sys.ctx.database.models.Ledger.updateOne({ _id: first.body.data.transactionId }, { $set: { 'rewards.status': 'completed' } });
    const replay = await shop.checkout(buyer, 'replay-words');
    expect(replay.status).to.equal(200);
    expect(replay.body).to.deep.equal(first.body);
  });

  it('enqueues process-checkout-rewards with the transaction id', async function () {
    const buyer = await buyerWithCart(5000);
    const res = await shop.checkout(buyer);
    const job = await sys.ctx.database.db.collection('agendaJobs').findOne({ name: 'process-checkout-rewards', 'data.transactionId': res.body.data.transactionId });
    expect(job, 'job document').to.not.equal(null);
    expect(job!.nextRunAt).to.be.instanceOf(Date);
  });
});
