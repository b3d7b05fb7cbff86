import { mkdirSync } from 'node:fs';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { FaultInjector } from '../support/fault-injector.js';
import { Shop } from '../support/shop.js';
import { ADMIN, adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';
import { ensureChromiumOrSkip, launchChromium } from './chromium.js';

const ARTIFACTS = 'test-artifacts';

/**
 * Issue 8: the operator's path in a real browser. A purchase's rewards fail for good; in Agendash
 * the operator finds its job by transaction id, reads the reason, retries it, and the purchase
 * completes. Screenshots of each step go to test-artifacts/.
 */
describe('Agendash in a real browser: find a purchase\'s failed job, read why, retry it', function () {
  this.timeout(180_000);
  let sys: TestSystem;
  let browser: BrowserContext | undefined;
  let page: Page;
  let transactionId: string;
  const faults = new FaultInjector('injected failure: payment ledger offline');

  before(async function () {
    this.timeout(15 * 60_000); // apt-get may install Chromium first (each apt step bounded to 5 min)
    ensureChromiumOrSkip(this);
    sys = await startTestSystem({ worker: true, rewardsUseCase: faults.useCase });
    const shop = new Shop(sys);
    await shop.product('BR-LAMP', 2000);
    const referrer = await shop.customer({ level: 'B' });
    const buyer = await shop.customer({ walletBalance: 5000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'BR-LAMP', 1);
    faults.failuresLeft = 3; // every attempt fails: the job fails for good
    transactionId = (await shop.checkout(buyer)).body.data.transactionId;
    await waitFor(async () => ((await purchase()).rewards.status === 'failed' ? true : undefined));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium({ username: ADMIN.username, password: ADMIN.password });
    page = await browser.newPage();
  });
  after(async function () {
    await browser?.close();
    await sys?.shutdown();
  });

  async function purchase() {
    const res = await sys.http.get(`/api/admin/purchases/${transactionId}`).set('Authorization', adminAuth);
    return res.body.data as { rewards: { status: string; lastError: string | null }; jobs: { id: string; state: string }[] };
  }
  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/dashboard-${name}.png`, fullPage: true });
  const rows = () => page.locator('tbody tr');

  it('logs in with the admin credentials and shows the dashboard', async function () {
    const res = await page.goto(`${sys.url}/admin/jobs/`);
    expect(res?.status()).to.equal(200);
    await page.getByText('process-checkout-rewards').first().waitFor();
    await shot('1-overview');
  });

  it('finds the purchase\'s job by data.transactionId and reads its failure reason', async function () {
    await page.getByPlaceholder('data.color').fill('data.transactionId');
    await page.getByPlaceholder('green').fill(transactionId);
    await page.getByRole('button', { name: 'Apply' }).first().click();
    await page.getByText('Page: 1 / 1').waitFor();
    await expectOneRow();
    await shot('2-found-failed');
    const row = rows().first();
    expect(await row.locator('.job-name').nth(1).innerText()).to.equal('process-checkout-rewards');
    expect(await row.getByText('Failed', { exact: true }).count()).to.equal(1);
    expect(await row.locator('.fail-reason-text').innerText()).to.equal('injected failure: payment ledger offline');
  });

  it('retries it (the same job) and sees the purchase complete', async function () {
    const [job] = (await purchase()).jobs;
    await rows().first().locator('[title="Retry (rerun existing job)"]').click();
    const dialog = page.locator('.modal-container', { hasText: 'Retry Job' });
    await dialog.waitFor();
    expect(await dialog.locator('pre').innerText()).to.contain(transactionId);
    await shot('3-retry-dialog');
    await dialog.getByRole('button', { name: 'Retry' }).click();
    const done = await waitFor(async () => {
      const p = await purchase();
      return p.rewards.status === 'completed' ? p : undefined;
    }, 30_000);
    expect(done.jobs.map((j) => j.id)).to.deep.equal([job!.id]);
    await page.getByTitle('Refresh now').click();
    await waitFor(async () => ((await rows().first().getByText('Completed', { exact: true }).count()) === 1 ? true : undefined), 15_000, 250);
    await expectOneRow();
    await shot('4-completed');
  });

  async function expectOneRow(): Promise<void> {
    await waitFor(async () => ((await rows().count()) === 1 ? true : undefined), 10_000, 100);
  }
});
