import { expect } from 'chai';
import { auditBooks } from '../../src/books/audit.js';
import { formatReport } from '../../src/books/report.js';
import { auditDeps } from '../../src/books/record-audit.js';
import { pointsOf } from '../../src/rewards/points.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { WorkerProcess } from '../support/worker-process.js';
import { prng, randomReferralTree, recomputeDistribution } from '../support/chaos.js';

const PURCHASES = Number(process.env.REFUND_CHAOS_PURCHASES ?? 24);
const KILLS = Number(process.env.REFUND_CHAOS_KILLS ?? 6);
const SEED = Number(process.env.REFUND_CHAOS_SEED ?? Date.now() % 100_000);
const LOCK_LIFETIME_MS = 3000;


/**
 * Issue 15's attack on the deleted compensation path, now through transactions: purchases over a
 * referral tree, ~40 % of them refunded at random moments — at once, during their rewards run (a
 * failpoint widens it), after completion; twice, concurrently — while real worker processes are
 * SIGKILLed and restarted. At the end every purchase is settled, and the ledger is checked against
 * an independent recomputation (docs/spec.md §5, §11): each referrer holds exactly what the
 * purchases not refunded pay them, each refunded purchase nets to zero, each buyer's wallet is its
 * balance less what it kept, and the books audit finds nothing. Seed printed; replay with
 * REFUND_CHAOS_SEED.
 */
describe('chaos: refunds at random moments while workers are killed', function () {
  this.timeout(Math.max(180_000, PURCHASES * 5_000));
  const random = prng(SEED);
  let api: TestSystem;
  let shop: Shop;
  let referrers: Customer[] = [];

  before(async function () {
    api = await startTestSystem({ worker: false });
    shop = new Shop(api);
    for (const price of [250, 1000, 4321]) await shop.product(`RK-${price}`, price);
    referrers = await randomReferralTree(shop, random, 10, { someUnverified: false });
  });
  after(async function () {
    await WorkerProcess.killAll();
    await api?.shutdown();
  });

  const refund = (id: string) => api.http.post(`/api/admin/purchases/${id}/refund`).set('Authorization', adminAuth).send({ reason: 'chaos' });

  it(`refunds ~40 % of ${PURCHASES} purchases at random moments through ${KILLS} worker kills: the ledger equals a recomputation`, async function () {
    console.log(`      refund chaos seed ${SEED}: ${PURCHASES} purchases, ${KILLS} kills`);
    // On the replica-set front transactions run one at a time, and each run holds the front
    // through its failpoint pause: a run can wait past its 1 s budget (a third of the lock) more
    // than the default 3 times and end `failed` (seen once in CI). This test is about paying once
    // through kills, not about retries running out: more attempts.
    const env = { FAILPOINTS: 'rewards.afterLedgerEntries=300', JOB_LOCK_LIFETIME_MS: String(LOCK_LIFETIME_MS), JOB_CONCURRENCY: '4', JOB_MAX_ATTEMPTS: '8' };
    const workers = await Promise.all([WorkerProcess.start(api.dbName, env), WorkerProcess.start(api.dbName, env)]);
    const bought: { id: string; buyer: Customer; refunded: boolean }[] = [];
    const refunds: Promise<unknown>[] = [];
    const refundAnswers: number[] = [];
    const askRefund = (entry: (typeof bought)[number], delayMs: number, times: number) => {
      entry.refunded = true;
      refunds.push(
        (async () => {
          await new Promise((r) => setTimeout(r, delayMs));
          const answers = await Promise.all(Array.from({ length: times }, () => refund(entry.id)));
          for (const a of answers) refundAnswers.push(a.status);
          // A 409 "in progress" or a 503 is retried, as an operator would.
          for (let tries = 0; tries < 20 && !answers.some((a) => a.status === 200); tries++) {
            await new Promise((r) => setTimeout(r, 500));
            const again = await refund(entry.id);
            refundAnswers.push(again.status);
            if (again.status === 200) break;
          }
        })(),
      );
    };

    const buying = (async () => {
      for (let i = 0; i < PURCHASES; i++) {
        const price = [250, 1000, 4321][Math.floor(random() * 3)]!;
        const buyer = await shop.customer({ walletBalance: 20_000, referrerId: referrers[Math.floor(random() * referrers.length)]!.id });
        await shop.addToCart(buyer, `RK-${price}`, 1);
        let res = await shop.checkout(buyer, `rk-${i}`);
        for (let retry = 1; res.status === 503 && retry <= 10; retry++) {
          await new Promise((r) => setTimeout(r, 1_000));
          res = await shop.checkout(buyer, `rk-${i}`);
        }
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const entry = { id: res.body.data.transactionId as string, buyer, refunded: false };
        bought.push(entry);
        const r = random();
        if (r < 0.12) askRefund(entry, 0, 1); // right after checkout
        else if (r < 0.24) askRefund(entry, 100 + random() * 1_500, 1); // during its rewards run, or around it
        else if (r < 0.32) askRefund(entry, 4_000 + random() * 2_000, 1); // after completion, mostly
        else if (r < 0.4) askRefund(entry, random() * 1_000, 2); // twice, concurrently
      }
    })();

    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, 500 + random() * 1_500));
      const slot = Math.floor(random() * workers.length);
      await workers[slot]!.kill();
      workers[slot] = await WorkerProcess.start(api.dbName, env);
    }
    await buying;
    await Promise.all(refunds);

    const { Ledger, User } = api.ctx.database.models;
    const ids = bought.map((b) => b.id);
    const settled = (p: { refund?: unknown; rewards?: { status: string } }) =>
      p.refund ? ['cancelled', 'reversed'].includes(p.rewards!.status) : p.rewards!.status === 'completed';
    const deadline = Date.now() + 120_000;
    for (;;) {
      const purchases = await Ledger.find({ _id: { $in: ids } }).lean();
      if (purchases.every(settled)) break;
      if (Date.now() > deadline) {
        expect.fail(`not settled after 120 s: ${JSON.stringify(purchases.filter((p) => !settled(p)).map((p) => ({ id: p._id, refund: !!p.refund, rewards: p.rewards?.status })))}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const w of workers) expect(await w.stop(), w.output.slice(-3000)).to.equal(0);

    // The recomputation, from the tree alone.
    const purchases = await Ledger.find({ _id: { $in: ids } }).lean();
    const expected = new Map<string, number>();
    let refundedCount = 0;
    for (const purchase of purchases) {
      const entry = bought.find((b) => b.id === purchase._id.toString())!;
      expect(!!purchase.refund, `purchase ${entry.id}: refunded as asked`).to.equal(entry.refunded);
      const entries = await Ledger.find({ purchase: purchase._id, type: { $in: ['reward', 'app_revenue', 'gifts_pool', 'reversal'] } }).lean();
      if (purchase.refund) {
        refundedCount++;
        expect(entries.reduce((s, e) => s + e.amount, 0), `refunded purchase ${entry.id} nets to zero`).to.equal(0);
        expect((await User.findById(entry.buyer.id).lean())!.walletBalance, `buyer of ${entry.id} got the money back`).to.equal(20_000);
        continue;
      }
      const d = await recomputeDistribution(api, purchase);
      for (const p of d.payouts) expected.set(p.userId, (expected.get(p.userId) ?? 0) + p.amount);
      expect(entries.reduce((s, e) => s + e.amount, 0), `purchase ${entry.id} pays its reward total`).to.equal(d.totalRewardPoints);
      expect((await User.findById(entry.buyer.id).lean())!.walletBalance, `buyer of ${entry.id} paid once`).to.equal(20_000 - purchase.amount);
    }
    const actual = await pointsOf(api.ctx.data, referrers.map((r) => r.id));
    let kept = 0;
    let lost = 0;
    for (const r of referrers) {
      const diff = (actual.get(r.id) ?? 0) - (expected.get(r.id) ?? 0);
      if (diff > 0) kept += diff;
      else lost -= diff;
    }
    const report = await auditBooks(auditDeps(api.ctx));
    const statuses = refundAnswers.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
    console.log(`      ${KILLS} kills, ${ids.length} purchases, ${refundedCount} refunded (answers ${JSON.stringify(statuses)}): ${kept} points kept after refunds, ${lost} lost; audit ${report.clean ? 'clean' : 'NOT clean'}`);
    expect(kept, 'points kept by referrers of refunded purchases').to.equal(0);
    expect(lost, 'points lost').to.equal(0);
    expect(report.clean, formatReport(report)).to.equal(true);
    expect(refundAnswers.filter((s) => s >= 500 && s !== 503), 'no 500').to.deep.equal([]);
    expect(refundedCount, 'some purchases were refunded').to.be.greaterThan(0);
  });
});
