import { bpsShare, type RewardRules } from '../../rewards/rules.js';
import { finding, signed, type Finding } from '../findings.js';
import { PAID_STATUSES } from '../../purchases/lifecycle.js';
import { distributionOf, expectedEntries, originalsOf, statusOf, type PurchaseBooks } from '../purchase-books.js';

/**
 * A paid purchase's stored distribution adds up (docs/spec.md §5, with the configured rules): its reward
 * total is the share of the purchase total, app revenue and tree budget their shares of it, the
 * payouts within the tree budget and each within a slot, and app + gifts + payouts = the total.
 */
export function distributionAddsUp(books: PurchaseBooks, rules: RewardRules): Finding[] {
  const { purchase, purchaseId: id } = books;
  const status = statusOf(books);
  if (!purchase?.rewards || !status || !PAID_STATUSES.includes(status)) return [];
  const d = distributionOf(books);
  if (!d) return [finding('distribution', 'purchase', id, `rewards are ${status} but no distribution is stored`)];
  if (!Number.isSafeInteger(purchase.amount) || purchase.amount < 0) return [finding('distribution', 'purchase', id, `purchase total ${purchase.amount} is not an amount`)];

  const found: Finding[] = [];
  const same = (what: string, expected: number, actual: number) => {
    if (expected !== actual) found.push(finding('distribution', 'purchase', id, `${what} is ${actual}, should be ${expected} (${signed(actual - expected)})`, { expected, actual }));
  };
  const total = bpsShare(purchase.amount, rules.rewardBps);
  same('the reward total', total, purchase.rewards.totalRewardPoints);
  same("the distribution's reward total", total, d.totalRewardPoints);
  same("the distribution's cart total", purchase.amount, d.cartTotal);
  same('app revenue', bpsShare(total, rules.appRevenueBps), d.appRevenue);
  same('the tree budget', bpsShare(total, rules.treeBps), d.treeBudget);
  same('the slot amount', bpsShare(total, rules.slotBps), d.slotAmount);
  const payouts = Array.isArray(d.payouts) ? d.payouts : [];
  const treePaid = payouts.reduce((sum, p) => sum + p.amount, 0);
  same('the tree paid', treePaid, d.treePaid);
  // Conservation: every point of the total goes to the app, the gifts pool or the tree.
  same('the gifts pool', total - d.appRevenue - treePaid, d.giftsPool);
  if (treePaid > d.treeBudget) found.push(finding('distribution', 'purchase', id, `payouts ${treePaid} exceed the tree budget ${d.treeBudget}`, { expected: d.treeBudget, actual: treePaid }));
  for (const p of payouts) {
    if (!(p.amount > 0 && p.amount <= d.slotAmount)) found.push(finding('distribution', 'purchase', id, `payout of ${p.amount} to ${p.userId} (slot ${p.slot}) is outside 1..${d.slotAmount}`));
  }
  return found;
}

/** A paid purchase's reward, app-revenue and gifts-pool entries are exactly those of its distribution. */
export function entriesMatchDistribution(books: PurchaseBooks): Finding[] {
  const status = statusOf(books);
  const d = distributionOf(books);
  if (!status || !PAID_STATUSES.includes(status) || !d) return [];
  const id = books.purchaseId;
  const expected = expectedEntries(id, d);
  const found: Finding[] = [];
  // By key, summed: with the unique index gone, one key may have been written twice.
  const written = new Map<string, { amount: number; count: number }>();
  for (const e of originalsOf(books)) {
    const seen = written.get(e.entryKey) ?? { amount: 0, count: 0 };
    written.set(e.entryKey, { amount: seen.amount + e.amount, count: seen.count + 1 });
  }
  for (const [key, want] of expected) {
    const entry = written.get(key);
    if (!entry) {
      found.push(finding('distribution', 'purchase', id, `entry ${key} is missing: the distribution pays ${want.amount}`, { expected: want.amount, actual: 0 }));
    } else if (entry.amount !== want.amount || entry.count > 1) {
      const times = entry.count > 1 ? ` in ${entry.count} entries` : '';
      found.push(finding('distribution', 'purchase', id, `entry ${key} is ${entry.amount}${times}, the distribution pays ${want.amount} (${signed(entry.amount - want.amount)})`, { expected: want.amount, actual: entry.amount }));
    }
  }
  for (const [key, entry] of written) {
    if (!expected.has(key)) found.push(finding('distribution', 'purchase', id, `entry ${key} (${entry.amount}) is not in the distribution`, { expected: 0, actual: entry.amount }));
  }
  return found;
}
