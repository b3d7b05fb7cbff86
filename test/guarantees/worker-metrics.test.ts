import { expect } from 'chai';
import { Shop } from '../support/shop.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';
import { WorkerProcess } from '../support/worker-process.js';

/**
 * `npm run worker` answers probes and Prometheus scrapes on a port of its own (WORKER_HTTP_PORT):
 * a real worker process, scraped while it pays a checkout's rewards.
 */
describe('a worker process exposes /health, /ready and /metrics', function () {
  this.timeout(90_000);
  let api: TestSystem;
  let shop: Shop;

  before(async function () {
    api = await startTestSystem({ worker: false });
    shop = new Shop(api);
    await shop.product('WM-ITEM', 1000);
  });
  after(async function () {
    await WorkerProcess.killAll();
    await api?.shutdown();
  });

  it('answers probes, and its metrics count the jobs it ran by name and outcome, with the backlog', async function () {
    const worker = await WorkerProcess.start(api.dbName, { WORKER_HTTP_PORT: '0' });
    const address = /"listening":"([\d.]+:\d+)"/.exec(worker.output)?.[1];
    expect(address, worker.output).to.be.a('string');
    const base = `http://${address}`;
    expect((await fetch(`${base}/health`)).status).to.equal(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as { data: { status: string } }).data.status).to.equal('ready');

    const referrer = await shop.customer({ level: 'A' });
    const buyer = await shop.customer({ walletBalance: 1000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'WM-ITEM', 1);
    const id = (await shop.checkout(buyer)).body.data.transactionId as string;
    await waitFor(async () => ((await api.ctx.database.models.Ledger.findById(id).lean())!.rewards!.status === 'completed' ? true : undefined), 20_000);

    const scrape = await (await fetch(`${base}/metrics`)).text();
    console.log(`      a scrape of the worker after one checkout's rewards:\n${scrape.split('\n').filter((l) => /^(agenda_jobs_total|job_run_duration_seconds_count|unit_of_work_attempts_total|queue_jobs|rewards_purchases_open)/.test(l)).map((l) => `        ${l}`).join('\n')}`);
    expect(scrape).to.match(/^agenda_jobs_total\{job="process-checkout-rewards",outcome="succeeded"\} [1-9]/m);
    expect(scrape).to.match(/^agenda_jobs_total\{job="reconcile-rewards",outcome="started"\} [1-9]/m);
    expect(scrape).to.match(/^job_run_duration_seconds_count\{job="process-checkout-rewards",outcome="completed"\} 1$/m);
    expect(scrape).to.match(/^unit_of_work_attempts_total\{unit="rewards"\} 1$/m);
    expect(scrape).to.match(/^queue_jobs\{job="process-checkout-rewards",state="due"\} 0$/m);
    expect(scrape).to.match(/^rewards_purchases_open\{status="pending"\} 0$/m);
    expect((await fetch(`${base}/api/me`)).status, 'nothing else is served there').to.equal(404);
    expect(await worker.stop()).to.equal(0);
  });
});
