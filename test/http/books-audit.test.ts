import { expect } from 'chai';
import type { AuditReport } from '../../src/books/report.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { killAllStarted, startNode, startProcess } from '../support/processes.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { testMongo } from '../support/test-run.js';
import { waitFor } from '../support/wait.js';

interface AuditState {
  last: { trigger: string; startedAt: string; report: AuditReport } | null;
  running: { trigger: string } | null;
}

/**
 * docs/spec.md §12: one audit, three ways in — the scheduled `audit-ledger` job (metrics, one log line
 * per finding), `GET/POST /api/admin/audit`, and `npm run audit:books` (exit code, --json,
 * progress on stderr).
 */
describe('the books audit: job, admin API and command', function () {
  this.timeout(120_000);
  let sys: TestSystem;
  let shop: Shop;
  let buyer: Customer;
  let purchase: string;

  before(async function () {
    // An interval (not a cron line) runs the first audit as the worker starts.
    sys = await startTestSystem({ worker: true, env: { AUDIT_EVERY: '1 hour' } });
    shop = new Shop(sys);
    await shop.product('AUDIT-ITEM', 1000);
    const referrer = await shop.customer({ level: 'A' });
    buyer = await shop.customer({ walletBalance: 3000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'AUDIT-ITEM', 1);
    purchase = (await shop.checkout(buyer)).body.data.transactionId as string;
    await waitFor(async () => ((await sys.ctx.database.models.Ledger.findById(purchase).lean())?.rewards?.status === 'completed' ? true : undefined));
  });
  after(async () => sys?.shutdown());
  afterEach(killAllStarted);

  const state = async (): Promise<AuditState> => {
    const res = await sys.http.get('/api/admin/audit').set('Authorization', adminAuth);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.data as AuditState;
  };
  const metrics = async () => (await sys.http.get('/metrics')).text;
  const gauge = (text: string, check: string) => Number(new RegExp(`^ledger_audit_discrepancies\\{check="${check}"\\} (\\d+)$`, 'm').exec(text)?.[1]);

  /** POSTs an audit and waits for its report. */
  async function auditNow(): Promise<AuditReport> {
    const before = (await state()).last?.startedAt ?? '';
    const res = await sys.http.post('/api/admin/audit').set('Authorization', adminAuth);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.body.data.queued).to.equal(true);
    return waitFor(async () => {
      const { last } = await state();
      return last && last.trigger === 'admin' && last.startedAt > before ? last.report : undefined;
    }, 30_000);
  }

  it('runs on its schedule: the metrics say how many discrepancies per check, and when it last ran', async function () {
    const first = await waitFor(async () => ((await state()).last?.trigger === 'schedule' ? (await state()).last : undefined), 30_000);
    expect(first!.report.clean, JSON.stringify(first!.report.findings)).to.equal(true);
    const text = await metrics();
    for (const check of ['wallet', 'distribution', 'points-checkpoint']) expect(gauge(text, check), check).to.equal(0);
    const last = Number(/^ledger_audit_last_success_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
    expect(last).to.be.within(Date.now() / 1000 - 60, Date.now() / 1000 + 1);
  });

  it('POST /api/admin/audit starts one; GET answers its report; each finding is logged on a line naming its user or purchase', async function () {
    const clean = await auditNow();
    expect(clean.clean).to.equal(true);

    const { User, Ledger } = sys.ctx.database.models;
    await User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: 99 } });
    await Ledger.updateOne({ entryKey: `gifts_pool:${purchase}` }, { $inc: { amount: -3 } });
    let report: AuditReport | undefined;
    let lines: LogLine[] = [];
    try {
      lines = await captureLogs(async () => {
        report = await auditNow();
      });
    } finally {
      await User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: -99 } });
      await Ledger.updateOne({ entryKey: `gifts_pool:${purchase}` }, { $inc: { amount: 3 } });
    }
    expect(report!.clean).to.equal(false);
    const findingLines = lines.filter((l) => l.message === 'ledger audit finding');
    expect(findingLines).to.have.length(report!.findings.length);
    expect(findingLines.find((l) => l.check === 'wallet')).to.include({ userId: buyer.id, expected: 2000, actual: 2099, difference: 99 });
    expect(findingLines.find((l) => l.check === 'distribution')).to.include({ purchaseId: purchase, difference: -3 });
    expect(lines.find((l) => l.message === 'ledger audit finished')).to.include({ level: 'error', clean: false });

    const text = await metrics();
    expect(gauge(text, 'wallet')).to.equal(1);
    expect(gauge(text, 'pools')).to.equal(1);
    expect(gauge(text, 'refund')).to.equal(0);
    expect((await auditNow()).clean, 'clean once undone').to.equal(true);
    expect(gauge(await metrics(), 'wallet')).to.equal(0);
  });

  it('refuses a body on POST and anyone without the admin credentials', async function () {
    expect((await sys.http.post('/api/admin/audit').set('Authorization', adminAuth).send({ now: 1 })).status).to.equal(400);
    expect((await sys.http.get('/api/admin/audit')).status).to.equal(401);
    expect((await sys.http.post('/api/admin/audit')).status).to.equal(401);
  });

  describe('npm run audit:books', function () {
    const env = async () => ({ MONGODB_URI: (await testMongo()).uri, MONGODB_DB: sys.dbName, NODE_ENV: 'test' });

    it('exits 0 on a clean shop and prints the report as JSON with --json, progress on stderr', async function () {
      const cli = startProcess('npm run audit:books', 'npm', ['run', '--silent', 'audit:books', '--', '--json'], await env());
      let stdout = '';
      cli.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exit = await cli.exited;
      expect(exit.code, cli.output()).to.equal(0);
      const report = JSON.parse(stdout) as AuditReport;
      expect(report.clean).to.equal(true);
      expect(report.scanned.purchases).to.equal(1);
      expect(cli.output()).to.match(/^audit: reading /m);
    });

    it('exits 1 on a tampered shop and names the user in its readable report', async function () {
      const { User } = sys.ctx.database.models;
      await User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: 5 } });
      try {
        const cli = startNode('audit:books', 'src/books-cli.ts', [], await env());
        const exit = await cli.exited;
        expect(exit.code, cli.output()).to.equal(1);
        expect(cli.output()).to.include(`FAIL  wallet`).and.include(`user ${buyer.id}: wallet is 2005, its journal says 2000`).and.include('the books do NOT hold');
      } finally {
        await User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: -5 } });
      }
    });

    it('exits 2 without MONGODB_URI, or with an unknown option', async function () {
      const noUri = startNode('audit:books', 'src/books-cli.ts', [], { NODE_ENV: 'test' });
      expect((await noUri.exited).code).to.equal(2);
      expect(noUri.output()).to.include('MONGODB_URI is not set');
      const bad = startNode('audit:books', 'src/books-cli.ts', ['--bogus'], await env());
      expect((await bad.exited).code).to.equal(2);
      expect(bad.output()).to.include('usage: npm run audit:books');
    });
  });

  it('a rewards run twice over changes nothing the audit sees', async function () {
    await processCheckoutRewards(sys.ctx, purchase);
    expect((await auditNow()).clean).to.equal(true);
  });
});
