import { expect } from 'chai';
import { auditBooks } from '../../src/books/audit.js';
import type { Finding } from '../../src/books/findings.js';
import type { AuditReport } from '../../src/books/report.js';
import { auditDeps } from '../../src/books/record-audit.js';
import { processCheckoutRewards } from '../../src/rewards/process-checkout-rewards.js';
import { refundPurchase } from '../../src/refunds/refund-purchase.js';
import { reversePurchaseRewards } from '../../src/refunds/reverse-rewards.js';
import { newId, toId } from '../../src/shared/ids.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * docs/spec.md §12: the audit finds every kind of tampering done directly in the database, naming the
 * purchase or user each time — and, the tampering undone, the same books are clean again (so
 * each finding comes from the tampering, and the check can fail and can pass).
 */
describe('the books audit finds tampering done in the database', function () {
  this.timeout(120_000);
  let sys: TestSystem;
  let shop: Shop;
  let referrer: Customer;
  let buyer: Customer;
  let paid: string;
  let refunded: string;
  let pending: string;

  const m = () => sys.ctx.database.models;
  const audit = () => auditBooks(auditDeps(sys.ctx));
  const discrepancies = (report: AuditReport) => Object.fromEntries(report.checks.filter((c) => c.discrepancies > 0).map((c) => [c.name, c.discrepancies]));
  const about = (report: AuditReport, id: string) => report.findings.filter((f) => f.subject.id === id);

  async function buy(): Promise<string> {
    await shop.addToCart(buyer, 'BOOKS-ITEM', 1);
    const res = await shop.checkout(buyer);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.data.transactionId as string;
  }

  /** Applies the tampering, audits, undoes it, audits again: returns the findings it caused. */
  async function tampered(apply: () => Promise<unknown>, undo: () => Promise<unknown>): Promise<{ report: AuditReport; findings: Finding[] }> {
    await apply();
    const report = await audit();
    await undo();
    const after = await audit();
    expect(after.clean, `clean again once undone: ${JSON.stringify(after.findings)}`).to.equal(true);
    return { report, findings: report.findings };
  }

  before(async function () {
    sys = await startTestSystem({ worker: false });
    shop = new Shop(sys);
    await shop.product('BOOKS-ITEM', 1000);
    const top = await shop.customer({ level: 'B' });
    referrer = await shop.customer({ level: 'A', referrerId: top.id });
    buyer = await shop.customer({ walletBalance: 10_000, referrerId: referrer.id });
    const credit = await sys.http.post(`/api/admin/users/${buyer.id}/wallet`).set('Authorization', adminAuth).send({ amount: 500, reason: 'goodwill' });
    expect(credit.status).to.equal(200);
    paid = await buy();
    await processCheckoutRewards(sys.ctx, paid);
    refunded = await buy();
    await processCheckoutRewards(sys.ctx, refunded);
    await refundPurchase(sys.ctx, { transactionId: refunded, by: 'test' });
    await reversePurchaseRewards(sys.ctx, refunded);
    pending = await buy();
  });
  after(async () => sys?.shutdown());

  it('is clean on an honest shop', async function () {
    const report = await audit();
    expect(report.clean, JSON.stringify(report.findings, null, 2)).to.equal(true);
    expect(report.scanned.purchases).to.equal(3);
    expect(report.inProgress).to.deep.equal({ unpaid: 1, reversing: 0 });
  });

  it("finds an entry's amount changed, naming the purchase and by how much", async function () {
    const key = `reward:${paid}:${referrer.id}:A`;
    const { report, findings } = await tampered(
      () => m().Ledger.updateOne({ entryKey: key }, { $inc: { amount: 7 } }),
      () => m().Ledger.updateOne({ entryKey: key }, { $inc: { amount: -7 } }),
    );
    expect(discrepancies(report)).to.have.property('distribution');
    const f = about(report, paid).find((x) => x.check === 'distribution')!;
    expect(f.message).to.include(key);
    expect(f.difference).to.equal(7);
    expect(findings.every((x) => x.subject.id === paid || x.subject.id === referrer.id || x.subject.kind === 'pool')).to.equal(true);
  });

  it('finds an entry deleted', async function () {
    const entry = (await m().Ledger.findOne({ entryKey: `app_revenue:${paid}` }).lean())!;
    const { report } = await tampered(
      () => m().Ledger.deleteOne({ _id: entry._id }),
      () => m().Ledger.collection.insertOne(entry),
    );
    const f = about(report, paid).find((x) => x.check === 'distribution')!;
    expect(f.message).to.include(`app_revenue:${paid}`).and.include('missing');
    expect(f.difference).to.equal(-entry.amount);
    expect(discrepancies(report)).to.have.property('pools', 1);
  });

  it('finds a duplicate reversal', async function () {
    const reversal = (await m().Ledger.findOne({ purchase: refunded, type: 'reversal', reverses: 'reward' }).lean())!;
    const copy = { ...reversal, _id: newId(), entryKey: `${reversal.entryKey}:again` };
    const { report } = await tampered(
      () => m().Ledger.collection.insertOne(copy),
      () => m().Ledger.deleteOne({ _id: copy._id }),
    );
    const checks = about(report, refunded).map((f) => f.check);
    expect(checks).to.include('reversal').and.include('refund');
    expect(about(report, refunded).find((f) => f.check === 'refund')!.difference).to.equal(reversal.amount);
  });

  it('finds a wallet $inc without an entry, naming the user', async function () {
    const { report } = await tampered(
      () => m().User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: 250 } }),
      () => m().User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: -250 } }),
    );
    expect(discrepancies(report)).to.deep.equal({ wallet: 1 });
    const [f] = about(report, buyer.id);
    expect(f).to.include({ check: 'wallet', difference: 250 });
    expect(f!.subject).to.deep.equal({ kind: 'user', id: buyer.id });
  });

  it('finds a purchase deleted: its entries name a purchase that does not exist, and the wallet and spend lost their debit', async function () {
    const doc = (await m().Ledger.findById(paid).lean())!;
    const { report } = await tampered(
      () => m().Ledger.deleteOne({ _id: paid }),
      () => m().Ledger.collection.insertOne(doc),
    );
    expect(about(report, paid).map((f) => f.check)).to.deep.equal(['entry-purchase']);
    const checks = about(report, buyer.id).map((f) => f.check);
    expect(checks).to.deep.equal(['wallet', 'lifetime-spend']);
    expect(about(report, buyer.id).find((f) => f.check === 'lifetime-spend')!.difference).to.equal(doc.amount);
  });

  it('finds a key written twice once the unique index is gone', async function () {
    const entry = (await m().Ledger.findOne({ entryKey: `gifts_pool:${paid}` }).lean())!;
    const copy = { ...entry, _id: newId() };
    const { report } = await tampered(
      async () => {
        await m().Ledger.collection.dropIndex('entryKey_1');
        await m().Ledger.collection.insertOne(copy);
      },
      async () => {
        await m().Ledger.deleteOne({ _id: copy._id });
        await m().Ledger.collection.createIndex({ entryKey: 1 }, { unique: true });
      },
    );
    const keys = report.findings.filter((f) => f.check === 'unique-keys');
    expect(keys.map((f) => f.subject)).to.deep.equal([
      { kind: 'ledger', id: 'entryKey' },
      { kind: 'entry', id: `gifts_pool:${paid}` },
    ]);
    expect(about(report, paid).map((f) => f.check)).to.include('distribution');
  });

  it('finds a reward moved to another user: its key no longer says what it is', async function () {
    const key = `reward:${paid}:${referrer.id}:A`;
    const { report } = await tampered(
      () => m().Ledger.updateOne({ entryKey: key }, { $set: { user: toId(buyer.id) } }),
      () => m().Ledger.updateOne({ entryKey: key }, { $set: { user: toId(referrer.id) } }),
    );
    const entry = (await m().Ledger.findOne({ entryKey: key }).lean())!;
    expect(report.findings.filter((f) => f.check === 'unique-keys').map((f) => f.subject)).to.deep.equal([{ kind: 'entry', id: entry._id.toString() }]);
  });

  it('does not report what is right when read again: a change made while the audit passed', async function () {
    // The wallet is off while the stream reads it, and right again (the rest of a unit of work
    // landing) by the time the audit reads it again on its own.
    await m().User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: 40 } });
    let undone = false;
    const report = await auditBooks(auditDeps(sys.ctx), {
      onProgress: async (phase) => {
        if (phase !== 'users' || undone) return;
        undone = true;
        await m().User.updateOne({ _id: buyer.id }, { $inc: { walletBalance: -40 } });
      },
    });
    expect(undone).to.equal(true);
    expect(report.clean, JSON.stringify(report.findings)).to.equal(true);
    expect(report.rechecked).to.deep.equal({ subjects: 1, cleared: 1 });
  });

  it('finds a purchase marked completed without entries', async function () {
    const { report } = await tampered(
      () => m().Ledger.updateOne({ _id: pending }, { $set: { 'rewards.status': 'completed' } }),
      () => m().Ledger.updateOne({ _id: pending }, { $set: { 'rewards.status': 'pending' } }),
    );
    const checks = about(report, pending).map((f) => f.check);
    expect(checks).to.include('settlement');
    expect(about(report, pending).find((f) => f.check === 'settlement')!.message).to.include('no reward, app-revenue or gifts-pool entry');
  });
});
