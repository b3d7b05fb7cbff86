import { mkdirSync } from 'node:fs';
import { expect } from 'chai';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { ensureChromiumOrSkip, launchChromium } from './chromium.js';

const ARTIFACTS = 'test-artifacts';

/**
 * Issue 17: `/docs` is the API reference the README points to. An HTTP 200 is not a rendered
 * page: a Content-Security-Policy that blocks Swagger UI's own assets shows only in a browser.
 */
describe('/docs in a real browser: Swagger UI renders the API reference', function () {
  this.timeout(120_000);
  let sys: TestSystem;
  let browser: BrowserContext | undefined;
  let page: Page;
  const consoleLines: string[] = [];
  const requestsElsewhere: string[] = [];

  before(async function () {
    this.timeout(15 * 60_000); // apt-get may install Chromium first (each apt step bounded to 5 min)
    ensureChromiumOrSkip(this);
    sys = await startTestSystem();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message: ConsoleMessage) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(sys.url!) && !request.url().startsWith('data:')) requestsElsewhere.push(request.url());
    });
  });
  after(async function () {
    await browser?.close();
    await sys?.shutdown();
  });

  it('shows the operations, the checkout among them, with nothing blocked and nothing fetched elsewhere', async function () {
    const res = await page.goto(`${sys.url}/docs`); // the address the README gives
    expect(res?.status()).to.equal(200);
    const checkout = page.locator('.opblock-summary', { hasText: '/api/checkout' });
    await checkout.first().waitFor({ timeout: 20_000 });
    expect(await checkout.first().innerText()).to.contain('Pay for the cart');
    expect(await page.locator('.opblock').count()).to.be.greaterThan(20);
    // Expanding an operation renders its schemas (more of Swagger UI's scripts and styles).
    await checkout.first().click();
    await page.locator('.opblock-body .responses-table').first().waitFor({ timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/docs-1-checkout.png`, fullPage: false });
    expect(consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line)), consoleLines.join('\n')).to.deep.equal([]);
    expect(consoleLines.filter((line) => line.startsWith('error') || line.startsWith('pageerror')), consoleLines.join('\n')).to.deep.equal([]);
    expect(requestsElsewhere).to.deep.equal([]);
  });

  it('"Try it out" calls this origin and shows the answer', async function () {
    const health = page.locator('.opblock', { hasText: '/health' }).first();
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    await health.locator('.live-responses-table .response-col_status', { hasText: '200' }).first().waitFor({ timeout: 10_000 });
    expect(await health.locator('.live-responses-table').innerText()).to.contain('"status": "ok"');
    expect(consoleLines.filter((line) => /Content Security Policy|Refused to|^error|^pageerror/i.test(line)), consoleLines.join('\n')).to.deep.equal([]);
  });

  it('keeps the API\'s own CSP strict', async function () {
    const api = await sys.http.get('/health');
    expect(api.headers['content-security-policy']).to.match(/default-src 'none'/);
    const docs = await sys.http.get('/docs/');
    expect(docs.headers['content-security-policy']).to.not.contain('unsafe-eval');
    expect(docs.headers['content-security-policy']).to.match(/frame-ancestors 'none'/);
  });
});
