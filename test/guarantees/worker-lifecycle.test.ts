import { expect } from 'chai';
import { pointsOf, pointsOfUser } from '../../src/rewards/points.js';
import { ObjectId } from 'mongodb';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { reconcileRewards } from '../../src/rewards/reconcile.js';
import type { RewardsUseCase } from '../../jobs/process-checkout-rewards.js';
import { Shop, type Customer } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

const JOB = 'process-checkout-rewards';

/**
 * Guarantees of the worker side: lost enqueues are found, draining leaves no lock behind, a dead
 * worker's job runs again and pays once, several workers share the queue.
 */
describe('worker guarantees', function () {
  let api: TestSystem;
  let shop: Shop;
  let referrer: Customer;

  before(async function () {
    api = await startTestSystem({ worker: false });
    shop = new Shop(api);
    await shop.product('ITEM', 1000);
    referrer = await shop.customer({ level: 'B' });
  });
  after(async () => api?.shutdown());

  const jobs = () => api.ctx.database.db.collection('agendaJobs');
  const purchase = (id: string) => api.ctx.database.models.Ledger.findById(id).lean();
  const referrerPoints = () => pointsOfUser(api.ctx.data, referrer.id);

  async function buy(count = 1): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
      await shop.addToCart(buyer, 'ITEM', 1);
      const res = await shop.checkout(buyer);
      expect(res.status).to.equal(200);
      ids.push(res.body.data.transactionId);
    }
    return ids;
  }

  async function allCompleted(ids: string[], timeoutMs = 30_000) {
    await waitFor(
      async () => ((await api.ctx.database.models.Ledger.countDocuments({ _id: { $in: ids }, 'rewards.status': 'completed' })) === ids.length ? true : undefined),
      timeoutMs,
    );
  }

  async function worker(env: Record<string, string> = {}, rewardsUseCase?: RewardsUseCase): Promise<TestSystem> {
    return startTestSystem({ worker: true, http: false, dbName: api.dbName, env, rewardsUseCase });
  }

  it('the reconciler enqueues a purchase whose enqueue was lost, once, and it gets paid', async function () {
    const [id] = await buy();
    // The crash between commit and enqueue: the job document never made it.
    await jobs().deleteMany({ name: JOB, 'data.transactionId': id });
    expect((await purchase(id!))!.rewards!.status).to.equal('pending');

    // …and the grace period is over.
    const longAgo = new Date(Date.now() - api.ctx.config.queue.reconcileGraceMs - 1000);
    await api.ctx.database.db.collection('transactions').updateOne({ _id: new ObjectId(id) }, { $set: { createdAt: longAgo } });
    expect((await reconcileRewards(api.ctx)).created).to.be.at.least(1);
    expect((await reconcileRewards(api.ctx)).waiting).to.be.at.least(1); // still pending, but its job is waiting…
    expect(await jobs().countDocuments({ name: JOB, 'data.transactionId': id })).to.equal(1); // …but no second job

    const pointsBefore = await referrerPoints();
    const w = await worker();
    try {
      await allCompleted([id!]);
    } finally {
      await w.stop();
    }
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
  });

  it('leaves a purchase alone during the grace period', async function () {
    const [id] = await buy();
    await jobs().deleteMany({ name: JOB, 'data.transactionId': id });
    await reconcileRewards(api.ctx);
    expect(await jobs().countDocuments({ name: JOB, 'data.transactionId': id })).to.equal(0);
    await api.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.status': 'completed' } }); // keep later tests clean
  });

  it('after a worker drains, no job is left locked by it, and the rest are done by another worker', async function () {
    const ids = await buy(6);
    let started = 0;
    const slow: RewardsUseCase = async (ctx, transactionId) => {
      started++;
      await new Promise((r) => setTimeout(r, 400));
      return processCheckoutRewards(ctx, transactionId);
    };
    // One job at a time but up to 5 locked ahead: the case Agenda's drain() leaves locked.
    const w1 = await worker({ JOB_CONCURRENCY: '1', JOB_LOCK_LIMIT: '5', JOB_LOCK_LIFETIME_MS: '600000' }, slow);
    const name = w1.ctx.agenda.attrs.name;
    await waitFor(async () => (started > 0 ? true : undefined));
    // Agenda has locked jobs ahead of running them: drain() alone would leave those locked.
    await waitFor(async () => ((await jobs().countDocuments({ lastModifiedBy: name, lockedAt: { $ne: null } })) > 1 ? true : undefined), 5000);
    await w1.stop();
    expect(await jobs().countDocuments({ lastModifiedBy: name, lockedAt: { $ne: null } })).to.equal(0);
    expect(await jobs().countDocuments({ name: JOB, lockedAt: { $ne: null } })).to.equal(0);
    // The job it was running finished before it stopped.
    expect(await api.ctx.database.models.Ledger.countDocuments({ _id: { $in: ids }, 'rewards.status': 'completed' })).to.be.at.least(1);

    // With the lock lifetime at 10 minutes, only released locks let a second worker finish now.
    const w2 = await worker();
    try {
      await allCompleted(ids, 10_000);
    } finally {
      await w2.stop();
    }
  });

  it('a job whose worker died mid-run runs again after its lock expires and pays once', async function () {
    const [id] = await buy();
    // What a worker killed mid-run leaves: the job locked, the purchase `processing`.
    await jobs().updateOne({ name: JOB, 'data.transactionId': id }, { $set: { lockedAt: new Date(), lastRunAt: new Date(), lastModifiedBy: 'worker@dead:1' } });
    await api.ctx.database.models.Ledger.updateOne({ _id: id }, { $set: { 'rewards.status': 'processing' }, $inc: { 'rewards.attempts': 1 } });
    const pointsBefore = await referrerPoints();

    const w = await worker({ JOB_LOCK_LIFETIME_MS: '1500' });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect((await purchase(id!))!.rewards!.status, 'still locked by the dead worker').to.equal('processing');
      await allCompleted([id!], 10_000);
    } finally {
      await w.stop();
    }
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
    expect((await purchase(id!))!.rewards!.attempts).to.equal(2);
  });

  it('two workers share the queue and every purchase is paid exactly once', async function () {
    // Sharing relies on Agenda's lock, an atomic findAndModify: on FerretDB two workers can lock
    // the same job, and their concurrent whole-document writes can lose the purchase's status.
    const referrers: Customer[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const own = await shop.customer({ level: 'A' });
      const buyer = await shop.customer({ walletBalance: 1000, referrerId: own.id });
      await shop.addToCart(buyer, 'ITEM', 1);
      const res = await shop.checkout(buyer);
      referrers.push(own);
      ids.push(res.body.data.transactionId);
    }
    const ran = new Map<string, number>();
    const counting = (label: string): RewardsUseCase => async (ctx, transactionId) => {
      ran.set(label, (ran.get(label) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
      return processCheckoutRewards(ctx, transactionId);
    };
    const [w1, w2] = await Promise.all([worker({}, counting('w1')), worker({}, counting('w2'))]);
    try {
      await allCompleted(ids);
    } finally {
      await Promise.all([w1.stop(), w2.stop()]);
    }
    expect(ran.get('w1'), 'first worker ran jobs').to.be.greaterThan(0);
    expect(ran.get('w2'), 'second worker ran jobs').to.be.greaterThan(0);
    const points = await pointsOf(api.ctx.data, referrers.map((r) => r.id));
    expect([...points.values()]).to.deep.equal(referrers.map(() => 5));
    expect(await api.ctx.database.models.Ledger.countDocuments({ purchase: { $in: ids }, type: 'reward' })).to.equal(ids.length);
  });

  // Points are the sum of ledger entries, so concurrent jobs under one referrer write no shared
  // document: this holds even where updates are not atomic (FerretDB, where each worker runs one
  // job at a time, so the two workers' jobs are the concurrent ones).
  it('many jobs crediting the same referrer at once lose no point', async function () {
    const ids = await buy(30);
    const pointsBefore = await referrerPoints();
    const referrerDoc = await api.ctx.database.models.User.findById(referrer.id).lean();
    const [w1, w2] = await Promise.all([worker({ JOB_CONCURRENCY: '8' }), worker({ JOB_CONCURRENCY: '8' })]);
    try {
      await allCompleted(ids);
    } finally {
      await Promise.all([w1.stop(), w2.stop()]);
    }
    expect(await referrerPoints()).to.equal(pointsBefore + 5 * ids.length);
    expect(await api.ctx.database.models.User.findById(referrer.id).lean(), 'no rewards run wrote the referrer').to.deep.equal(referrerDoc);
  });

  it('rewards under one hot referrer, and that referrer\'s own checkouts meanwhile, commit without a conflict retry', async function () {
    // Before, every run credited the referrer's document inside its transaction: concurrent runs
    // conflicted on it and retried, and so did the referrer's checkouts (wallet and points shared it).
    const ids = await buy(20);
    await api.ctx.database.models.User.updateOne({ _id: referrer.id }, { $set: { walletBalance: 100_000 } });
    const w = await worker({ JOB_CONCURRENCY: '10' });
    const attempts = async (unit: string) => (await w.ctx.metrics.transactionAttempts.get()).values.find((v) => v.labels.unit === unit)?.value ?? 0;
    try {
      const checkouts = Array.from({ length: 5 }, async () => {
        await shop.addToCart(referrer, 'ITEM', 1);
        return shop.checkout(referrer);
      });
      const own: string[] = [];
      for (const res of await Promise.all(checkouts)) {
        expect([200, 409]).to.include(res.status); // 409: a concurrent edit of the same cart
        if (res.status === 200) own.push(res.body.data.transactionId);
      }
      await allCompleted([...ids, ...own]);
      expect(await attempts('rewards'), 'one attempt per purchase paid').to.equal(ids.length + own.length);
    } finally {
      await w.stop();
    }
  });

  it('two runs of the same purchase at the same moment pay once', async function () {
    const [id] = await buy();
    await jobs().deleteMany({ name: JOB, 'data.transactionId': id });
    const pointsBefore = await referrerPoints();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => processCheckoutRewards(api.ctx, id!)));
    expect(outcomes.filter((o) => o.status === 'completed')).to.have.length(1);
    expect(await referrerPoints()).to.equal(pointsBefore + 5);
    expect(await api.ctx.database.models.Ledger.countDocuments({ purchase: id, type: 'reward' })).to.equal(1);
  });
});
