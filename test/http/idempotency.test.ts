import { expect } from 'chai';
import request from 'supertest';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/** docs/spec.md §4: the same Idempotency-Key from the same user returns the first result and changes nothing. */
describe('checkout idempotency', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('IDEM-MUG', 300);
    await shop.product('IDEM-CAP', 150);
  });
  after(async () => sys?.shutdown());

  async function buyerWithCart(walletBalance: number): Promise<Customer> {
    const buyer = await shop.customer({ walletBalance });
    await shop.addToCart(buyer, 'IDEM-MUG', 2);
    await shop.addToCart(buyer, 'IDEM-CAP', 1);
    return buyer;
  }

  const purchasesOf = (buyer: Customer) => sys.ctx.database.models.Ledger.countDocuments({ type: 'purchase', user: buyer.id });
  const jobsFor = (transactionId: string) =>
    sys.ctx.database.db.collection('agendaJobs').countDocuments({ name: 'process-checkout-rewards', 'data.transactionId': transactionId });

  it('replays the first result exactly and charges once', async function () {
    const buyer = await buyerWithCart(2000);
    const first = await shop.checkout(buyer, 'order-1');
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body.data.cartTotal).to.equal(750);
    expect(first.body.data.newWalletBalance).to.equal(1250);
    const afterFirst = await shop.state(buyer);

    for (let i = 0; i < 3; i++) {
      const again = await shop.checkout(buyer, 'order-1');
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(first.body);
    }
    expect(await shop.state(buyer)).to.deep.equal(afterFirst);
    expect(afterFirst.walletBalance).to.equal(1250);
    expect(afterFirst.lifetimeSpend).to.equal(750);
    expect(await purchasesOf(buyer)).to.equal(1);
    expect(await jobsFor(first.body.data.transactionId)).to.equal(1);
  });

  it('replays even after the customer fills the cart again with the same lines', async function () {
    const buyer = await buyerWithCart(5000);
    const first = await shop.checkout(buyer, 'same-lines');
    expect(first.status).to.equal(200);
    await shop.addToCart(buyer, 'IDEM-CAP', 1);
    await shop.addToCart(buyer, 'IDEM-MUG', 2);
    const before = await shop.state(buyer);
    const again = await shop.checkout(buyer, 'same-lines');
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(first.body);
    expect(await shop.state(buyer)).to.deep.equal(before);
  });

  it('a new key is a new checkout', async function () {
    const buyer = await buyerWithCart(5000);
    const first = await shop.checkout(buyer, 'first-order');
    await shop.addToCart(buyer, 'IDEM-CAP', 2);
    const second = await shop.checkout(buyer, 'second-order');
    expect(second.status, JSON.stringify(second.body)).to.equal(200);
    expect(second.body.data.transactionId).to.not.equal(first.body.data.transactionId);
    expect(second.body.data.newWalletBalance).to.equal(5000 - 750 - 300);
    expect(await purchasesOf(buyer)).to.equal(2);
  });

  it('checkouts without a key are never replayed', async function () {
    const buyer = await buyerWithCart(5000);
    const first = await shop.checkout(buyer);
    expect(first.status).to.equal(200);
    const before = await shop.state(buyer);
    const second = await shop.checkout(buyer);
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.equal('EMPTY_CART');
    expect(await shop.state(buyer)).to.deep.equal(before);
  });

  it('the same key from a different user is independent', async function () {
    const alice = await buyerWithCart(1000);
    const bob = await buyerWithCart(3000);
    const a = await shop.checkout(alice, 'shared-key');
    const b = await shop.checkout(bob, 'shared-key');
    expect(a.status).to.equal(200);
    expect(b.status, JSON.stringify(b.body)).to.equal(200);
    expect(b.body.data.transactionId).to.not.equal(a.body.data.transactionId);
    expect(a.body.data.newWalletBalance).to.equal(250);
    expect(b.body.data.newWalletBalance).to.equal(2250);
    expect(await purchasesOf(alice)).to.equal(1);
    expect(await purchasesOf(bob)).to.equal(1);

    // Bob's key does not answer for Alice either way: Alice's replay is still her own purchase.
    const replay = await shop.checkout(alice, 'shared-key');
    expect(replay.body).to.deep.equal(a.body);
    const own = await sys.http.get(`/api/transactions/${b.body.data.transactionId}`).set('Authorization', alice.auth);
    expect(own.status).to.equal(404);
  });

  it('a key whose first checkout was refused stays free', async function () {
    const buyer = await buyerWithCart(100);
    const refused = await shop.checkout(buyer, 'refused-first');
    expect(refused.status).to.equal(402);
    const again = await shop.checkout(buyer, 'refused-first');
    expect(again.status).to.equal(402);
    expect((await shop.state(buyer)).walletBalance).to.equal(100);
  });

  it('concurrent requests with the same key make one purchase, and all answer with it', async function () {
    const buyer = await buyerWithCart(10_000);
    const before = await shop.state(buyer);
    // Real HTTP on the system's one listening server, all in flight at once.
    const http = request(sys.url!);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => http.post('/api/checkout').set('Authorization', buyer.auth).set('Idempotency-Key', 'double-click')),
    );

    // One request wins; every other one either sees its key (replay) or, retried by the
    // transaction after the winner committed, finds the emptied cart and replays too.
    const bodies = JSON.stringify(responses.map((r) => [r.status, r.body]));
    expect(responses.map((r) => r.status), bodies).to.deep.equal(responses.map(() => 200));
    const ids = new Set(responses.map((r) => r.body.data.transactionId as string));
    expect(ids.size, 'every answer names the same purchase').to.equal(1);
    for (const r of responses) expect(r.body).to.deep.equal(responses[0]!.body);

    const after = await shop.state(buyer);
    expect(after.walletBalance).to.equal(before.walletBalance - 750);
    expect(after.lifetimeSpend).to.equal(750);
    expect(await purchasesOf(buyer)).to.equal(1);
    expect(await jobsFor([...ids][0]!)).to.equal(1);
    expect(after.idempotencyKeys).to.equal(before.idempotencyKeys + 1);
  });
});
