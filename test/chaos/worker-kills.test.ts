import { expect } from 'chai';
import type { LedgerType } from '../../src/shared/ledger-entries.js';
import { pointsOf } from '../../src/rewards/points.js';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';
import { WorkerProcess } from '../support/worker-process.js';
import { prng, randomReferralTree, recomputeDistribution } from '../support/chaos.js';

const JOB = 'process-checkout-rewards';
const BETWEEN_WRITES = 'failpoint rewards.afterLedgerEntries';

/** Figures of a run; long form: CHAOS_PURCHASES=300 CHAOS_KILLS=60 npm run test:chaos */
const PURCHASES = Number(process.env.CHAOS_PURCHASES ?? 40);
const KILLS = Number(process.env.CHAOS_KILLS ?? 8);
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
const LOCK_LIFETIME_MS = 3000;


/**
 * docs/spec.md §10 under attack: purchases over a referral tree while real worker processes are SIGKILLed
 * at random moments and exactly between a run's writes (a failpoint widens that window), then
 * restarted. At the end every purchase is completed, every user's points and both pools equal a
 * recomputation from the tree (docs/spec.md §5), no entry exists twice, and nothing is left locked.
 */
describe('chaos: worker processes killed while rewards are paid', function () {
  this.timeout(Math.max(180_000, PURCHASES * 3_000));
  const random = prng(SEED);
  let api: TestSystem;
  let shop: Shop;
  let referrers: Customer[] = [];

  before(async function () {
    api = await startTestSystem({ worker: false });
    shop = new Shop(api);
    for (const price of [100, 250, 999, 1000, 4321]) await shop.product(`CHAOS-${price}`, price);
    referrers = await randomReferralTree(shop, random, 14, { someUnverified: true });
  });
  after(async function () {
    await WorkerProcess.killAll();
    await api?.shutdown();
  });

  it(`pays every purchase exactly once through ${KILLS} worker kills (seed printed)`, async function () {
    console.log(`      chaos seed ${SEED}: ${PURCHASES} purchases, ${KILLS} kills`);
    // On the replica-set front transactions run one at a time, and each run holds the front
    // through its failpoint pause: a run can wait past its 1 s budget (a third of the lock) more
    // than the default 3 times and end `failed` (seen once in CI). This test is about paying once
    // through kills, not about retries running out: more attempts.
    const env = { FAILPOINTS: 'rewards.afterLedgerEntries=400', JOB_LOCK_LIFETIME_MS: String(LOCK_LIFETIME_MS), JOB_CONCURRENCY: '4', JOB_MAX_ATTEMPTS: '8' };
    const workers = await Promise.all([WorkerProcess.start(api.dbName, env), WorkerProcess.start(api.dbName, env)]);
    const ids: string[] = [];
    let busyAnswers = 0;
    const buying = (async () => {
      for (let i = 0; i < PURCHASES; i++) {
        const price = [100, 250, 999, 1000, 4321][Math.floor(random() * 5)]!;
        const buyer = await shop.customer({ walletBalance: 20_000, referrerId: referrers[Math.floor(random() * referrers.length)]!.id });
        await shop.addToCart(buyer, `CHAOS-${price}`, 1 + Math.floor(random() * 3));
        // On FerretDB under this load a checkout can miss its time budget: 503 with Retry-After,
        // nothing changed (docs/spec.md §4). A client retries it, and so does this one (bounded).
        let res = await shop.checkout(buyer);
        for (let retry = 1; res.status === 503 && retry <= 10; retry++) {
          busyAnswers++;
          await new Promise((r) => setTimeout(r, 1_000 * Number(res.headers['retry-after'] ?? 1)));
          res = await shop.checkout(buyer);
        }
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        ids.push(res.body.data.transactionId);
      }
    })();

    let betweenWrites = 0;
    let lastKillAt = Date.now();
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, 300 + random() * 1200));
      const slot = Math.floor(random() * workers.length);
      const victim = workers[slot]!;
      // The first kill always aims between a run's writes, while purchases are still coming in
      // (later ones may find the backlog paid: in one CI run under load none of the aimed kills
      // found a run within 4 s), and it waits longer for one.
      const aimed = random() < 0.5 || kill === 0;
      if (aimed) {
        // Exactly between the writes of a run: wait (bounded) for the next one to reach the failpoint.
        const seen = victim.count(BETWEEN_WRITES);
        const reached = await waitFor(async () => (victim.count(BETWEEN_WRITES) > seen ? true : undefined), kill === 0 ? 20_000 : 4_000, 10).catch(() => false);
        if (reached) betweenWrites++;
      }
      await victim.kill();
      lastKillAt = Date.now();
      workers[slot] = await WorkerProcess.start(api.dbName, env);
    }
    await buying;

    const { Ledger } = api.ctx.database.models;
    // Every purchase gets paid: the workers must keep making progress until all are (a backlog on
    // a slow server takes a while; a purchase stuck for good makes no progress for a minute).
    let completed = 0;
    let progressAt = Date.now();
    for (;;) {
      const now = await Ledger.countDocuments({ _id: { $in: ids }, 'rewards.status': 'completed' });
      if (now === ids.length) break;
      if (now > completed) [completed, progressAt] = [now, Date.now()];
      if (Date.now() - progressAt > 60_000) {
        const open = await Ledger.find({ _id: { $in: ids }, 'rewards.status': { $ne: 'completed' } }).lean();
        const jobs = await api.ctx.database.db
          .collection('agendaJobs')
          .find({ 'data.transactionId': { $in: open.slice(0, 5).map((p) => p._id.toString()) } })
          .toArray();
        expect.fail(
          `${ids.length - now} of ${ids.length} purchases not paid and no progress for 60 s: ` +
            `${JSON.stringify(open.slice(0, 5).map((p) => ({ id: p._id, rewards: p.rewards })))}\njobs: ${JSON.stringify(jobs)}\n` +
            `worker: ${workers[0]!.output.slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const recoveryMs = Date.now() - lastKillAt;
    // A killed worker's locks (on jobs it had finished but not yet saved, or locked ahead) stay
    // until they expire; then a live worker takes each job again, finds it paid, and unlocks it.
    const locked = () => api.ctx.database.db.collection('agendaJobs').countDocuments({ name: JOB, lockedAt: { $ne: null } });
    await waitFor(async () => ((await locked()) === 0 ? true : undefined), LOCK_LIFETIME_MS + 10_000, 200);
    for (const w of workers) expect(await w.stop(), w.output.slice(-3000)).to.equal(0);

    // The recomputation: docs/spec.md §5 over each buyer's upline as it stands (the tree did not change).
    const expected = new Map<string, number>();
    let appRevenue = 0;
    let giftsPool = 0;
    let rewardEntries = 0;
    const purchases = await Ledger.find({ _id: { $in: ids } }).lean();
    for (const purchase of purchases) {
      const d = await recomputeDistribution(api, purchase);
      appRevenue += d.appRevenue;
      giftsPool += d.giftsPool;
      rewardEntries += d.payouts.length;
      for (const p of d.payouts) expected.set(p.userId, (expected.get(p.userId) ?? 0) + p.amount);
    }
    const actual = await pointsOf(api.ctx.data, referrers.map((r) => r.id));
    let lost = 0;
    let doublePaid = 0;
    for (const r of referrers) {
      const diff = (actual.get(r.id) ?? 0) - (expected.get(r.id) ?? 0);
      if (diff < 0) lost -= diff;
      else doublePaid += diff;
    }
    const sum = async (type: LedgerType) =>
      (await Ledger.find({ purchase: { $in: ids }, type }).lean()).reduce((total, e) => total + e.amount, 0);
    console.log(
      `      ${KILLS} kills (${betweenWrites} between a run's writes), ${ids.length} purchases: ${lost} points lost, ${doublePaid} paid twice; ` +
        `all completed ${recoveryMs} ms after the last kill (lock lifetime ${LOCK_LIFETIME_MS} ms, poll 100 ms); ${busyAnswers} checkout(s) answered 503 over budget and were retried`,
    );

    expect(lost, 'points lost').to.equal(0);
    expect(doublePaid, 'points paid twice').to.equal(0);
    expect(await sum('app_revenue')).to.equal(appRevenue);
    expect(await sum('gifts_pool')).to.equal(giftsPool);
    expect(await Ledger.countDocuments({ purchase: { $in: ids }, type: 'reward' }), 'no reward entry twice').to.equal(rewardEntries);
    expect(await Ledger.countDocuments({ purchase: { $in: ids }, type: { $in: ['app_revenue', 'gifts_pool'] } })).to.equal(2 * ids.length);
    expect(await locked(), 'nothing left locked after the graceful stops').to.equal(0);
    expect(betweenWrites, 'some kills landed between a run\'s writes').to.be.greaterThan(0);
  });
});
