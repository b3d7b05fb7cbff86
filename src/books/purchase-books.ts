import type { LedgerDoc } from '../infra/database/models.js';
import type { RewardStatus } from '../purchases/lifecycle.js';
import type { Distribution } from '../rewards/distribution.js';
import { entryKeys } from '../shared/ledger-entries.js';

/** One purchase's books: its document (null if it does not exist) and every entry naming it. */
export interface PurchaseBooks {
  purchaseId: string;
  purchase: LedgerDoc | null;
  entries: LedgerDoc[];
}

export const isOriginal = (e: LedgerDoc) => e.type === 'reward' || e.type === 'app_revenue' || e.type === 'gifts_pool';
export const originalsOf = (b: PurchaseBooks) => b.entries.filter(isOriginal);
export const reversalsOf = (b: PurchaseBooks) => b.entries.filter((e) => e.type === 'reversal');
export const refundsOf = (b: PurchaseBooks) => b.entries.filter((e) => e.type === 'refund');
export const statusOf = (b: PurchaseBooks): RewardStatus | null => b.purchase?.rewards?.status ?? null;
export const distributionOf = (b: PurchaseBooks): Distribution | null => (b.purchase?.rewards?.distribution as Distribution | null | undefined) ?? null;
export const sumOf = (entries: readonly LedgerDoc[]) => entries.reduce((sum, e) => sum + e.amount, 0);

/** Keys of the original entries a reversal names: `reversal:<original's key>`. */
export const reversedKey = (reversal: LedgerDoc) => entryKeys.reversed(reversal.entryKey);

/** The keys of the entries a distribution pays, with their amounts: what a rewards run writes. */
export function expectedEntries(purchaseId: string, d: Distribution): Map<string, { type: string; user: string | null; amount: number }> {
  const expected = new Map<string, { type: string; user: string | null; amount: number }>();
  expected.set(entryKeys.appRevenue(purchaseId), { type: 'app_revenue', user: null, amount: d.appRevenue });
  expected.set(entryKeys.giftsPool(purchaseId), { type: 'gifts_pool', user: null, amount: d.giftsPool });
  for (const p of Array.isArray(d.payouts) ? d.payouts : []) expected.set(entryKeys.reward(purchaseId, p.userId, p.slot), { type: 'reward', user: p.userId, amount: p.amount });
  return expected;
}
