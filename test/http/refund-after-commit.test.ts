import { expect } from 'chai';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { reversePurchaseRewards } from '../../src/refunds/reverse-rewards.js';
import { failCommand } from '../support/fail-command.js';
import { Shop } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * A refund is made when its unit of work commits: nothing after the commit may turn its answer
 * into an error, nor move its purchase's rewards status (issue: a step-down right after the commit
 * gave the operator a 503 for a refund that was made; a late status step moved a `reversed`
 * purchase back to `reversing`, after which the reversal aborted on its own entries forever).
 * An API-only system, rewards and reversal run by hand: no worker writes meanwhile, so the
 * injected fault meets exactly the commands counted below.
 */
describe('a refund after its commit', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem({ worker: false });
    shop = new Shop(sys);
    await shop.product('AFTER-COMMIT', 1000);
  });
  after(async () => sys?.shutdown());

  it('answers 200 when the primary steps down right after the commit, and the reversal ends `reversed`', async function () {
    const referrer = await shop.customer({ level: 'A' });
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'AFTER-COMMIT', 1);
    const id = (await shop.checkout(buyer)).body.data.transactionId as string;
    expect((await processCheckoutRewards(sys.ctx, id)).status).to.equal('completed');

    // The refund's unit of work updates twice (the purchase, the wallet) and commits; any
    // `update` after that meets a primary stepping down (NotWritablePrimary, also on the driver's retry).
    const off = await failCommand(sys.ctx.database.db, { skip: 2, times: 2 }, { failCommands: ['update'], errorCode: 10107 });
    let res;
    try {
      res = await sys.http.post(`/api/admin/purchases/${id}/refund`).set('Authorization', adminAuth).send({ reason: 'returned' });
    } finally {
      await off();
    }
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.data).to.deep.include({ alreadyRefunded: false, rewardsStatus: 'reversing' });

    expect((await reversePurchaseRewards(sys.ctx, id)).status).to.equal('reversed');
    const { Ledger } = sys.ctx.database.models;
    expect((await Ledger.findById(id).lean())!.rewards!.status).to.equal('reversed');
    const entries = await Ledger.find({ purchase: id, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal'] } }).lean();
    expect(entries.reduce((sum, e) => sum + e.amount, 0), 'the purchase nets to zero').to.equal(0);
    // A second refund changes nothing, and the status stays `reversed`.
    const again = await sys.http.post(`/api/admin/purchases/${id}/refund`).set('Authorization', adminAuth).send({});
    expect(again.body.data).to.deep.include({ alreadyRefunded: true, rewardsStatus: 'reversed' });
  });
});
