import { expect } from 'chai';
import request from 'supertest';
import { Shop } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * docs/spec.md §2/§4: a wallet never goes negative, also under any number of concurrent checkouts. Needs
 * real transactions: the debit, the purchase and the cart clear commit together, so every request
 * but one either conflicts and is retried on a snapshot that already shows the emptied cart (409),
 * or sees a balance below the total (402).
 */
describe('concurrent checkouts of one wallet', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('RACE-CHAIR', 700);
    await shop.product('RACE-DESK', 300);
  });
  after(async () => sys?.shutdown());

  it('20 parallel checkouts of a wallet that pays for exactly one: one 200, no negative balance, one purchase', async function () {
    const buyer = await shop.customer({ walletBalance: 1000 });
    await shop.addToCart(buyer, 'RACE-CHAIR', 1);
    await shop.addToCart(buyer, 'RACE-DESK', 1);
    const before = await shop.state(buyer);
    const { models } = sys.ctx.database;

    // Watch the balance while the requests are in flight: it must never be seen below zero.
    const seen: number[] = [];
    let racing = true;
    const watcher = (async () => {
      while (racing) {
        const user = await models.User.findById(buyer.id, { walletBalance: 1 }).lean();
        seen.push(user!.walletBalance);
      }
    })();

    // Real HTTP on the system's one listening server; half the requests carry their own Idempotency-Key.
    const http = request(sys.url!);
    let responses;
    try {
      responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const req = http.post('/api/checkout').set('Authorization', buyer.auth);
          return i % 2 === 0 ? req.set('Idempotency-Key', `race-${i}`) : req;
        }),
      );
    } finally {
      racing = false;
      await watcher;
    }

    const summary = JSON.stringify(responses.map((r) => [r.status, r.body.error?.code ?? r.body.data?.transactionId]));
    const ok = responses.filter((r) => r.status === 200);
    expect(ok, summary).to.have.length(1);
    expect(responses.filter((r) => r.status !== 200).map((r) => r.status), summary).to.satisfy((s: number[]) => s.every((x) => x === 402 || x === 409));
    for (const r of responses.filter((x) => x.status !== 200)) {
      expect(r.body.success).to.equal(false);
      expect(r.body.error.code).to.be.oneOf(['INSUFFICIENT_FUNDS', 'EMPTY_CART', 'CART_CHANGED']);
    }
    expect(ok[0]!.body.data).to.include({ cartTotal: 1000, newWalletBalance: 0 });

    const after = await shop.state(buyer);
    expect(seen.length, 'balance samples').to.be.above(0);
    expect(Math.min(...seen), 'lowest balance seen during the race').to.be.at.least(0);
    expect(after.walletBalance).to.equal(0);
    expect(after.lifetimeSpend).to.equal(1000);
    expect(after.cart).to.deep.equal([]);
    expect(after.ledger).to.equal(before.ledger + 1);
    expect(await models.Ledger.countDocuments({ type: 'purchase', user: buyer.id })).to.equal(1);
    expect(after.jobs).to.equal(before.jobs + 1);
    // Only the winner's key, if it carried one, was kept.
    const winnerHadKey = responses.findIndex((r) => r.status === 200) % 2 === 0;
    expect(after.idempotencyKeys).to.equal(before.idempotencyKeys + (winnerHadKey ? 1 : 0));
  });
});
