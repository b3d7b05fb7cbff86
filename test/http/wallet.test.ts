import { expect } from 'chai';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { refundPurchase } from '../../src/refunds/refund-purchase.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

interface StatementEntry {
  id: string;
  type: string;
  amount: number;
  balanceAfter: number;
  purchaseId: string | null;
  reason: string | null;
  by?: string | null;
}

/**
 * docs/spec.md §2 and §6: every change of a wallet is an entry of its journal — credits (who, why, an
 * initial balance included), purchases, refunds — and the statement lists them newest first with
 * the running balance, which ends at the wallet's balance. A credit honours Idempotency-Key.
 */
describe('the wallet journal', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('WALLET-ITEM', 700);
  });
  after(async () => sys?.shutdown());

  const m = () => sys.ctx.database.models;
  const credit = (id: string, body: object, key?: string) => {
    const req = sys.http.post(`/api/admin/users/${id}/wallet`).set('Authorization', adminAuth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const balance = async (id: string) => (await m().User.findById(id).lean())!.walletBalance;
  const creditEntries = (id: string) => m().Ledger.find({ user: id, type: 'wallet_credit' }).lean();

  /** Every page of a statement, newest first. */
  async function statement(path: string, auth: string, limit = 2): Promise<{ walletBalance: number; items: StatementEntry[] }> {
    const items: StatementEntry[] = [];
    let cursor: string | null = null;
    let walletBalance = 0;
    do {
      const res = await sys.http.get(`${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`).set('Authorization', auth);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      items.push(...(res.body.data.items as StatementEntry[]));
      walletBalance = res.body.data.walletBalance as number;
      cursor = res.body.data.nextCursor as string | null;
    } while (cursor);
    return { walletBalance, items };
  }

  describe('an admin credit', function () {
    let customer: Customer;
    before(async () => {
      customer = await shop.customer({ walletBalance: 100 });
    });

    it('is a ledger entry naming the admin and the reason, with the balance after it', async function () {
      const res = await credit(customer.id, { amount: 40, reason: 'late delivery' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.data).to.include({ id: customer.id, walletBalance: 140 });
      const entry = (await m().Ledger.findById(res.body.data.entryId).lean())!;
      expect(entry).to.deep.include({ type: 'wallet_credit', amount: 40, walletBalanceAfter: 140, purchase: null });
      expect(entry.credit).to.deep.equal({ by: 'admin', reason: 'late delivery' });
    });

    it('retried with its Idempotency-Key credits once and answers as the first time', async function () {
      const before = await balance(customer.id);
      const entriesBefore = (await creditEntries(customer.id)).length;
      const first = await credit(customer.id, { amount: 25 }, 'topup-retry-1');
      expect(first.status).to.equal(200);
      for (let i = 0; i < 3; i++) {
        const retry = await credit(customer.id, { amount: 25 }, 'topup-retry-1');
        expect(retry.status).to.equal(200);
        expect(retry.body).to.deep.equal(first.body);
      }
      expect(await balance(customer.id)).to.equal(before + 25);
      expect((await creditEntries(customer.id)).length).to.equal(entriesBefore + 1);
    });

    it('refuses the same key for another amount or another wallet with 409, changing nothing', async function () {
      const other = await shop.customer({ walletBalance: 0 });
      await credit(customer.id, { amount: 30 }, 'topup-reuse-1');
      const before = [await balance(customer.id), await balance(other.id), await m().Ledger.countDocuments({})];
      for (const [id, amount] of [
        [customer.id, 31],
        [other.id, 30],
      ] as const) {
        const res = await credit(id, { amount }, 'topup-reuse-1');
        expect(res.status, JSON.stringify(res.body)).to.equal(409);
        expect(res.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      }
      expect([await balance(customer.id), await balance(other.id), await m().Ledger.countDocuments({})]).to.deep.equal(before);
    });

    it('without a key is a new credit each time', async function () {
      const before = await balance(customer.id);
      await credit(customer.id, { amount: 5 });
      await credit(customer.id, { amount: 5 });
      expect(await balance(customer.id)).to.equal(before + 10);
    });

    it('sent twice at once with one key credits once (atomic updates)', async function () {
      const before = await balance(customer.id);
      const answers = await Promise.all(Array.from({ length: 5 }, () => credit(customer.id, { amount: 9 }, 'topup-race-1')));
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(await balance(customer.id)).to.equal(before + 9);
      expect(await m().Ledger.countDocuments({ entryKey: 'wallet_credit:key:topup-race-1' })).to.equal(1);
    });

    it('refuses a bad key, a bad reason or an unknown user, writing no entry', async function () {
      const before = await m().Ledger.countDocuments({});
      expect((await credit(customer.id, { amount: 5 }, 'not a key!')).status).to.equal(400);
      expect((await credit(customer.id, { amount: 5, reason: '' })).status).to.equal(400);
      expect((await credit(customer.id, { amount: 5, reason: 'x'.repeat(501) })).status).to.equal(400);
      expect((await credit('eeeeeeeeeeeeeeeeeeeeeeee', { amount: 5 }, 'topup-nobody')).status).to.equal(404);
      expect(await m().Ledger.countDocuments({})).to.equal(before);
    });
  });

  it('journals an initial balance as a credit by the admin who created the user', async function () {
    const customer = await shop.customer({ walletBalance: 1234 });
    const [entry, ...more] = await creditEntries(customer.id);
    expect(more).to.have.length(0);
    expect(entry).to.deep.include({ amount: 1234, walletBalanceAfter: 1234, entryKey: `wallet_credit:initial:${customer.id}` });
    expect(entry!.credit).to.deep.equal({ by: 'admin', reason: 'initial balance' });
    expect(await creditEntries((await shop.customer({ walletBalance: 0 })).id)).to.have.length(0);
  });

  it("the statement's running balance ends at the wallet balance after checkouts, refunds and credits", async function () {
    const customer = await shop.customer({ walletBalance: 5000 });
    const bought: string[] = [];
    for (let i = 0; i < 3; i++) {
      await shop.addToCart(customer, 'WALLET-ITEM', 1 + i);
      const res = await shop.checkout(customer);
      expect(res.status).to.equal(200);
      bought.push(res.body.data.transactionId as string);
      if (i === 0) await credit(customer.id, { amount: 300, reason: 'promo' }, `promo-${customer.id}`);
    }
    await processCheckoutRewards(sys.ctx, bought[1]!);
    await refundPurchase(sys.ctx, { transactionId: bought[1]!, by: 'admin' });
    await credit(customer.id, { amount: 11 });

    const wallet = await balance(customer.id);
    expect(wallet).to.equal(5000 - 700 * 6 + 300 + 700 * 2 + 11);
    const own = await statement('/api/wallet', customer.auth);
    expect(own.walletBalance).to.equal(wallet);
    expect(own.items.map((e) => e.type)).to.deep.equal(['wallet_credit', 'refund', 'purchase', 'purchase', 'wallet_credit', 'purchase', 'wallet_credit']);
    expect(own.items.map((e) => e.amount)).to.deep.equal([11, 1400, -2100, -1400, 300, -700, 5000]);
    expect(own.items[0]!.balanceAfter, 'the newest entry leaves the wallet as it is').to.equal(wallet);
    for (let i = 0; i + 1 < own.items.length; i++) expect(own.items[i]!.balanceAfter - own.items[i]!.amount, 'each balance is the one below it plus its entry').to.equal(own.items[i + 1]!.balanceAfter);
    expect(own.items.at(-1)!.balanceAfter).to.equal(own.items.at(-1)!.amount);
    expect(own.items[1]!.purchaseId).to.equal(bought[1]);
    expect(own.items.find((e) => e.reason === 'promo')).to.not.have.property('by');

    const seenByAdmin = await statement(`/api/admin/users/${customer.id}/wallet`, adminAuth, 3);
    expect(seenByAdmin.items.map(({ by: _by, ...rest }) => rest)).to.deep.equal(own.items);
    expect(seenByAdmin.items.find((e) => e.reason === 'promo')!.by).to.equal('admin');
  });

  it('shows a customer only their own wallet', async function () {
    const a = await shop.customer({ walletBalance: 10 });
    const b = await shop.customer({ walletBalance: 20 });
    const res = await sys.http.get('/api/wallet').set('Authorization', a.auth);
    expect(res.body.data.items.map((e: StatementEntry) => e.amount)).to.deep.equal([10]);
    expect((await sys.http.get(`/api/wallet?userId=${b.id}`).set('Authorization', a.auth)).status).to.equal(400);
    expect((await sys.http.get('/api/wallet')).status).to.equal(401);
  });
});
