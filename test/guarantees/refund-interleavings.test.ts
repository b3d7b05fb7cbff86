import { expect } from 'chai';
import fc from 'fast-check';
import { computeDistribution, type UplineMember } from '../../src/rewards/distribution.js';
import { pointsOf } from '../../src/rewards/points.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { refundPurchase } from '../../src/refunds/refund-purchase.js';
import { reversePurchaseRewards } from '../../src/refunds/reverse-rewards.js';
import { LEVELS } from '../../src/rewards/rules.js';
import { UnrecoverableJobError } from '../../src/shared/errors.js';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

const RUNS = Number(process.env.REFUND_RUNS ?? 25);
const SEED = Number(process.env.REFUND_SEED ?? Date.now() % 1_000_000);
const WALLET = 100_000;
const PRICE = 1000;

type Step = { op: 'rewards' | 'refund' | 'reversal'; purchase: number };

/**
 * docs/spec.md §11's invariants over random trees and random interleavings of rewards runs (first run,
 * retry, duplicate delivery), refunds (first and repeated) and reversal runs (early, duplicate),
 * each followed by what the queue would still do (pending runs and reversals).
 */
describe('refunds over random interleavings (property-based)', function () {
  this.timeout(RUNS * 20_000 + 60_000);
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem({ worker: false });
    shop = new Shop(sys);
    await shop.product('PROP-ITEM', PRICE);
  });
  after(async () => sys?.shutdown());

  const m = () => sys.ctx.database.models;

  async function runStep(step: Step, ids: string[]) {
    const id = ids[step.purchase % ids.length]!;
    if (step.op === 'rewards') return processCheckoutRewards(sys.ctx, id);
    if (step.op === 'refund') return refundPurchase(sys.ctx, { transactionId: id, by: 'prop' });
    // A reversal run may come before any refund (a requeue by hand): it must refuse, reversing nothing.
    return reversePurchaseRewards(sys.ctx, id).catch((error: unknown) => {
      if (!(error instanceof UnrecoverableJobError)) throw error;
    });
  }

  it(`keeps every invariant (${RUNS} random cases, seed printed)`, async function () {
    console.log(`      refund interleavings: seed ${SEED}, ${RUNS} runs (REFUND_SEED / REFUND_RUNS to replay or extend)`);
    const levels = fc.option(fc.constantFrom(...LEVELS), { nil: null });
    const tree = fc.array(fc.record({ parent: fc.nat(), level: levels, active: fc.boolean() }), { minLength: 1, maxLength: 6 });
    const steps = fc.array(fc.record({ op: fc.constantFrom<Step['op']>('rewards', 'refund', 'reversal'), purchase: fc.nat(3) }), { maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 1, max: 3 }), steps, async (nodes, purchaseCount, interleaving) => {
        const users: Customer[] = [];
        for (const [i, node] of nodes.entries()) {
          const parent = i === 0 ? null : users[node.parent % i]!;
          users.push(await shop.customer({ referrerId: parent?.id ?? null, level: node.level, isActive: node.active }));
        }
        const buyer = await shop.customer({ walletBalance: WALLET, referrerId: users[users.length - 1]!.id });
        const ids: string[] = [];
        for (let i = 0; i < purchaseCount; i++) {
          await shop.addToCart(buyer, 'PROP-ITEM', 1);
          ids.push((await shop.checkout(buyer)).body.data.transactionId);
        }

        for (const step of interleaving) await runStep(step, ids);
        // What the queue does afterwards: every rewards job runs, every refunded purchase's reversal runs (twice: duplicate delivery).
        for (const id of ids) await processCheckoutRewards(sys.ctx, id);
        for (const id of ids) if ((await m().Ledger.findById(id).lean())!.refund) for (let i = 0; i < 2; i++) await reversePurchaseRewards(sys.ctx, id);

        const purchases = await m().Ledger.find({ _id: { $in: ids } }).lean();
        const refunded = purchases.filter((p) => p.refund);
        const expected = new Map<string, number>();
        for (const p of purchases) {
          const entries = await m().Ledger.find({ purchase: p._id, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal'] } }).lean();
          const sum = entries.reduce((s, e) => s + e.amount, 0);
          if (p.refund) {
            expect(p.rewards!.status).to.be.oneOf(['cancelled', 'reversed']);
            expect(sum, 'a refunded purchase\'s entries sum to 0').to.equal(0);
            const originals = new Set(entries.filter((e) => e.type !== 'reversal').map((e) => e.entryKey));
            const reversals = entries.filter((e) => e.type === 'reversal');
            expect(reversals.length, 'each paid entry reversed once').to.equal(originals.size);
            for (const r of reversals) expect(originals.has(r.entryKey.replace(/^reversal:/, '')), 'nothing reversed that was never paid').to.equal(true);
            expect(await m().Ledger.countDocuments({ purchase: p._id, type: 'refund' })).to.equal(1);
          } else {
            expect(p.rewards!.status).to.equal('completed');
            expect(sum, 'conservation').to.equal(p.rewards!.totalRewardPoints);
            // The independent recomputation of docs/spec.md §5 over the tree as it stands.
            const ancestors = await m().User.find({ _id: { $in: (await m().User.findById(buyer.id).lean())!.ancestors } }).lean();
            const byId = new Map(ancestors.map((a) => [a._id.toString(), a]));
            const buyerDoc = (await m().User.findById(buyer.id).lean())!;
            const upline: UplineMember[] = buyerDoc.ancestors.map((a) => byId.get(a.toString())!).map((a) => ({ userId: a._id.toString(), level: a.level, isActive: a.isActive, isVerified: a.isVerified }));
            for (const pay of computeDistribution({ cartTotal: p.amount, buyerId: buyer.id, upline, rules: sys.ctx.config.rewards }).payouts) {
              expected.set(pay.userId, (expected.get(pay.userId) ?? 0) + pay.amount);
            }
          }
        }
        const points = await pointsOf(sys.ctx.data, users.map((u) => u.id));
        for (const u of users) {
          const own = await m().Ledger.find({ user: u.id, type: { $in: ['reward', 'reversal'] } }).lean();
          expect(points.get(u.id), 'points are the sum of the user\'s entries').to.equal(own.reduce((s, e) => s + e.amount, 0));
          expect(points.get(u.id), 'points equal what the unrefunded purchases pay').to.equal(expected.get(u.id) ?? 0);
        }
        const wallet = (await m().User.findById(buyer.id).lean())!.walletBalance;
        expect(wallet, 'the wallet credited back exactly once per refund').to.equal(WALLET - PRICE * (ids.length - refunded.length));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  it('a refund racing a running rewards job ends paid-and-reversed or cancelled, never in between (transactions)', async function () {
    const referrer = await shop.customer({ level: 'A' });
    const buyer = await shop.customer({ walletBalance: WALLET, referrerId: referrer.id });
    for (let i = 0; i < 10; i++) {
      await shop.addToCart(buyer, 'PROP-ITEM', 1);
      const id = (await shop.checkout(buyer)).body.data.transactionId as string;
      const [run, refund] = await Promise.allSettled([processCheckoutRewards(sys.ctx, id), refundPurchase(sys.ctx, { transactionId: id, by: 'race' })]);
      expect(refund.status, String((refund as PromiseRejectedResult).reason)).to.equal('fulfilled');
      expect(run.status).to.equal('fulfilled');
      const purchase = (await m().Ledger.findById(id).lean())!;
      const entries = await m().Ledger.countDocuments({ purchase: id, type: { $in: ['reward', 'app_revenue', 'gifts_pool'] } });
      if (purchase.rewards!.status === 'cancelled') expect(entries, 'cancelled: nothing paid').to.equal(0);
      else {
        expect(purchase.rewards!.status).to.equal('reversing');
        expect(entries, 'paid in full before the refund').to.equal(3);
        await reversePurchaseRewards(sys.ctx, id);
        const all = await m().Ledger.find({ purchase: id, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal'] } }).lean();
        expect(all.reduce((s, e) => s + e.amount, 0)).to.equal(0);
      }
    }
  });
});
