import { expect } from 'chai';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { countCommands, total } from '../support/command-counter.js';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The round trips of the hot paths, counted with the driver's command monitoring — the same on
 * every server — so that a change that adds one fails here. Transactions add only their commit
 * (commitTransaction, sent to the admin database, not counted here).
 */
describe('round trips of the hot paths', function () {
  let sys: TestSystem;
  let shop: Shop;
  let upline: Customer[];

  before(async function () {
    sys = await startTestSystem({ worker: false });
    shop = new Shop(sys);
    await shop.product('RT-A', 400);
    await shop.product('RT-B', 600);
    const a = await shop.customer({ level: 'B' });
    const b = await shop.customer({ level: 'A', referrerId: a.id });
    upline = [b, a];
  });
  after(async () => sys?.shutdown());

  async function cartOfTwoLines(): Promise<Customer> {
    const buyer = await shop.customer({ walletBalance: 5000, referrerId: upline[0]!.id });
    await shop.addToCart(buyer, 'RT-A', 1);
    await shop.addToCart(buyer, 'RT-B', 2);
    return buyer;
  }

  it('a checkout: 6 commands (cart, prices, debit, purchase, cart cleared, job enqueued)', async function () {
    const buyer = await cartOfTwoLines();
    const counts = await countCommands(sys, async () => expect((await shop.checkout(buyer)).status).to.equal(200));
    expect(counts).to.deep.equal({ find: 2, findAndModify: 1, insert: 2, update: 1 });
    expect(total(counts)).to.equal(6);
  });

  it('a checkout with an Idempotency-Key: 2 more (the key looked up, then reserved)', async function () {
    const buyer = await cartOfTwoLines();
    const counts = await countCommands(sys, async () => expect((await shop.checkout(buyer, 'rt-key-1')).status).to.equal(200));
    expect(total(counts)).to.equal(8);
  });

  it('a rewards run: at most 8 commands of its own, however deep the tree', async function () {
    const buyer = await cartOfTwoLines();
    const id = (await shop.checkout(buyer)).body.data.transactionId as string;
    const counts = await countCommands(sys, () => processCheckoutRewards(sys.ctx, id), (e) => e.commandName !== 'insert' || (e.command as { insert?: string }).insert !== 'agendaJobs');
    // purchase, buyer, upline: 3 finds; the entries: 1 insert; the level: 1 update; completed: 1 update.
    expect(total(counts), JSON.stringify(counts)).to.equal(6);
    expect(total(counts)).to.be.at.most(8);
  });
});
