import { expect } from 'chai';
import fc from 'fast-check';
import { auditBooks } from '../../src/books/audit.js';
import { formatReport } from '../../src/books/report.js';
import { auditDeps } from '../../src/books/record-audit.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { refundPurchase } from '../../src/refunds/refund-purchase.js';
import { reversePurchaseRewards } from '../../src/refunds/reverse-rewards.js';
import { LEVELS } from '../../src/rewards/rules.js';
import type { AppContext } from '../../src/shared/context.js';
import { UnrecoverableJobError } from '../../src/shared/errors.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

const RUNS = Number(process.env.WORKLOAD_RUNS ?? 20);
const SEED = Number(process.env.WORKLOAD_SEED ?? Date.now() % 1_000_000);

type Op =
  | { op: 'buy'; buyer: number; quantity: number; retried: boolean }
  | { op: 'credit'; user: number; amount: number; retried: boolean }
  | { op: 'rewards'; purchase: number; crash: boolean }
  | { op: 'refund'; purchase: number; twice: boolean }
  | { op: 'reversal'; purchase: number };

/**
 * Issue 16: the audit is clean after any workload the service can be given — purchases (some
 * retried with their Idempotency-Key), admin credits (some retried), rewards runs (some dying
 * after their entries and run again, some delivered twice), refunds (some repeated) and reversal
 * runs (early, late, twice) — once the queue has done what it would still do. Then it is clean
 * again with the points checkpoints it wrote.
 */
describe('the books audit after a random workload (property-based)', function () {
  this.timeout(RUNS * 30_000 + 60_000);
  let sys: TestSystem;
  let shop: Shop;
  /** A context whose rewards runs die right after writing their entries, as a killed worker would. */
  let crashing: AppContext;

  before(async function () {
    sys = await startTestSystem({ worker: false });
    shop = new Shop(sys);
    await shop.product('LOAD-ITEM', 600);
    crashing = {
      ...sys.ctx,
      failpoints: {
        hit: async () => {
          throw new Error('worker died after writing the entries');
        },
      } as unknown as AppContext['failpoints'],
    };
  });
  after(async () => sys?.shutdown());

  const m = () => sys.ctx.database.models;
  let keys = 0;

  async function run(step: Op, people: Customer[], buyers: Customer[], purchases: string[]) {
    switch (step.op) {
      case 'buy': {
        const buyer = buyers[step.buyer % buyers.length]!;
        await shop.addToCart(buyer, 'LOAD-ITEM', step.quantity);
        const key = `load-${++keys}-${buyer.id}`;
        const res = await shop.checkout(buyer, key);
        if (res.status !== 200) return expect(res.body.error.code).to.equal('INSUFFICIENT_FUNDS');
        purchases.push(res.body.data.transactionId as string);
        if (step.retried) expect((await shop.checkout(buyer, key)).body).to.deep.equal(res.body);
        return;
      }
      case 'credit': {
        const user = people[step.user % people.length]!;
        const key = `load-credit-${++keys}`;
        const send = () => sys.http.post(`/api/admin/users/${user.id}/wallet`).set('Authorization', adminAuth).set('Idempotency-Key', key).send({ amount: step.amount, reason: 'load' });
        expect((await send()).status).to.equal(200);
        if (step.retried) expect((await send()).status).to.equal(200);
        return;
      }
      case 'rewards': {
        const id = purchases[step.purchase % Math.max(1, purchases.length)];
        if (!id) return;
        if (!step.crash) return processCheckoutRewards(sys.ctx, id);
        return processCheckoutRewards(crashing, id).catch((error: Error) => expect(error.message).to.include('worker died'));
      }
      case 'refund': {
        const id = purchases[step.purchase % Math.max(1, purchases.length)];
        if (!id) return;
        await refundPurchase(sys.ctx, { transactionId: id, by: 'load' });
        if (step.twice) expect((await refundPurchase(sys.ctx, { transactionId: id, by: 'load' })).alreadyRefunded).to.equal(true);
        return;
      }
      case 'reversal': {
        const id = purchases[step.purchase % Math.max(1, purchases.length)];
        if (!id) return;
        return reversePurchaseRewards(sys.ctx, id).catch((error: unknown) => expect(error).to.be.instanceOf(UnrecoverableJobError));
      }
    }
  }

  it(`is clean after any workload, and after writing its checkpoints (${RUNS} random cases, seed printed)`, async function () {
    console.log(`      books workload: seed ${SEED}, ${RUNS} runs (WORKLOAD_SEED / WORKLOAD_RUNS to replay or extend)`);
    const tree = fc.array(fc.record({ parent: fc.nat(), level: fc.option(fc.constantFrom(...LEVELS), { nil: null }), active: fc.boolean() }), { minLength: 1, maxLength: 5 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('buy' as const), buyer: fc.nat(), quantity: fc.integer({ min: 1, max: 4 }), retried: fc.boolean() }),
      fc.record({ op: fc.constant('credit' as const), user: fc.nat(), amount: fc.integer({ min: 1, max: 5000 }), retried: fc.boolean() }),
      fc.record({ op: fc.constant('rewards' as const), purchase: fc.nat(), crash: fc.boolean() }),
      fc.record({ op: fc.constant('refund' as const), purchase: fc.nat(), twice: fc.boolean() }),
      fc.record({ op: fc.constant('reversal' as const), purchase: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(tree, fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 3 }), fc.array(op, { minLength: 1, maxLength: 14 }), async (nodes, wallets, ops) => {
        const people: Customer[] = [];
        for (const [i, node] of nodes.entries()) people.push(await shop.customer({ referrerId: i === 0 ? null : people[node.parent % i]!.id, level: node.level, isActive: node.active, walletBalance: 100 }));
        const buyers: Customer[] = [];
        for (const wallet of wallets) buyers.push(await shop.customer({ walletBalance: wallet, referrerId: people[people.length - 1]!.id }));
        people.push(...buyers);
        const purchases: string[] = [];
        for (const step of ops) await run(step, people, buyers, purchases);

        // What the queue still does: every rewards job runs; every refunded purchase's reversal runs (twice: duplicate delivery).
        for (const id of purchases) await processCheckoutRewards(sys.ctx, id);
        for (const id of purchases) if ((await m().Ledger.findById(id).lean())!.refund) for (let i = 0; i < 2; i++) await reversePurchaseRewards(sys.ctx, id);

        const report = await auditBooks(auditDeps(sys.ctx), { writeCheckpoints: true });
        expect(report.clean, formatReport(report)).to.equal(true);
        expect(report.inProgress).to.deep.equal({ unpaid: 0, reversing: 0 });
        const again = await auditBooks(auditDeps(sys.ctx), { now: new Date(Date.now() + 2 * sys.ctx.config.books.settleMs), writeCheckpoints: true });
        expect(again.clean, formatReport(again)).to.equal(true);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
