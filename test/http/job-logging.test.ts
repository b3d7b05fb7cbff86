import { expect } from 'chai';
import { Shop } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

/** JOB_LOGGING=true fills Agendash's Logs tab with each job's events; off by default. */
describe("Agenda's job log (JOB_LOGGING)", function () {
  let sys: TestSystem;

  before(async function () {
    sys = await startTestSystem({ worker: true, env: { JOB_LOGGING: 'true' } });
  });
  after(async () => sys?.shutdown());

  it("records a rewards job's start and success, served by Agendash's logs API", async function () {
    const shop = new Shop(sys);
    await shop.product('LOG-ITEM', 1000);
    const buyer = await shop.customer({ walletBalance: 1000 });
    await shop.addToCart(buyer, 'LOG-ITEM', 1);
    const id = (await shop.checkout(buyer)).body.data.transactionId as string;
    await waitFor(async () => ((await sys.ctx.database.models.Ledger.findById(id).lean())!.rewards!.status === 'completed' ? true : undefined));
    const logs = await waitFor(async () => {
      const res = await sys.http.get('/admin/jobs/api/logs').query({ jobName: 'process-checkout-rewards' }).set('Authorization', adminAuth);
      const events = ((res.body.entries ?? res.body.logs ?? []) as { event: string }[]).map((e) => e.event);
      return events.includes('start') && events.includes('success') ? events : undefined;
    }, 5_000);
    expect(logs).to.include.members(['start', 'success']);
  });

  it('is off by default', async function () {
    const plain = await startTestSystem({ worker: true, http: false, dbName: sys.dbName, env: {} });
    try {
      expect(plain.ctx.config.queue.logging).to.equal(false);
    } finally {
      await plain.stop();
    }
  });
});
