import { expect } from 'chai';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import type { RewardsUseCase } from '../../jobs/process-checkout-rewards.js';
import { Shop } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

const JOB = 'process-checkout-rewards';

/**
 * "Failed job" has one meaning: the state Agendash shows (Agenda's computeJobState). The gauge an
 * alert watches counts the same jobs as the dashboard the operator then opens, including a job
 * whose last run failed and that waits for its next attempt, and not one that failed once and
 * succeeded since.
 */
describe('a failed job is the same job on /metrics and in Agendash', function () {
  let sys: TestSystem;
  let shop: Shop;
  let failuresLeft = 0;
  const useCase: RewardsUseCase = async (ctx, transactionId) => {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('injected failure: ledger unavailable');
    }
    return processCheckoutRewards(ctx, transactionId);
  };

  before(async function () {
    // A retry 4 s after a failure: long enough to look at both while the job waits for it.
    sys = await startTestSystem({ worker: true, rewardsUseCase: useCase, env: { JOB_BACKOFF_DELAY_MS: '4000' } });
    shop = new Shop(sys);
    await shop.product('FJ-ITEM', 1000);
  });
  after(async () => sys?.shutdown());

  async function failedOnMetrics(): Promise<number> {
    const res = await sys.http.get('/metrics');
    expect(res.status).to.equal(200);
    const line = new RegExp(`^queue_jobs\\{job="${JOB}",state="failed"\\} (\\d+)$`, 'm').exec(res.text);
    expect(line, 'the failed gauge of the rewards job').to.not.equal(null);
    return Number(line![1]);
  }

  async function failedInAgendash(): Promise<{ overview: number; listed: number }> {
    const res = await sys.http.get('/admin/jobs/api').query({ job: JOB, state: 'failed', limit: 100 }).set('Authorization', adminAuth);
    expect(res.status).to.equal(200);
    const overview = (res.body.overview as { displayName: string; failed: number }[]).find((o) => o.displayName === JOB)?.failed ?? 0;
    return { overview, listed: res.body.total as number };
  }

  it('counts a job waiting for a retry after a failure as failed in both, and not once it has succeeded', async function () {
    failuresLeft = 1;
    const buyer = await shop.customer({ walletBalance: 1000 });
    await shop.addToCart(buyer, 'FJ-ITEM', 1);
    const transactionId = (await shop.checkout(buyer)).body.data.transactionId as string;
    const jobs = sys.ctx.database.db.collection('agendaJobs');

    const waiting = await waitFor(async () => {
      const job = await jobs.findOne({ 'data.transactionId': transactionId, failCount: 1, lockedAt: null });
      return job && job.nextRunAt > new Date() ? job : undefined;
    });
    const [metrics, agendash] = await Promise.all([failedOnMetrics(), failedInAgendash()]);
    expect(new Date(waiting.nextRunAt as Date).getTime(), 'still waiting for its retry when both were read').to.be.above(Date.now());
    expect(agendash).to.deep.equal({ overview: 1, listed: 1 });
    expect(metrics, 'the gauge says what Agendash says').to.equal(1);

    await waitFor(async () => ((await jobs.findOne({ 'data.transactionId': transactionId }))?.lastFinishedAt > waiting.failedAt ? true : undefined), 20_000);
    expect((await jobs.findOne({ 'data.transactionId': transactionId }))!.failedAt, 'Agenda keeps failedAt after the success').to.not.equal(null);
    expect(await failedInAgendash()).to.deep.equal({ overview: 0, listed: 0 });
    expect(await failedOnMetrics()).to.equal(0);
  });
});
