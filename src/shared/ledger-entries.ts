const REVERSAL_PREFIX = 'reversal:';

/**
 * The kinds of ledger entries (the ledger is the truth: docs/adr/001). The one home of these
 * lists: the schema, the validators, the OpenAPI document and the use cases import them here.
 */
export const LEDGER_TYPES = ['purchase', 'reward', 'app_revenue', 'gifts_pool', 'refund', 'reversal', 'wallet_credit'] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];
/** The entries that move a wallet: credits and refunds in, purchases out (src/wallet/journal.ts). */
export const WALLET_ENTRY_TYPES = ['wallet_credit', 'purchase', 'refund'] as const;
export type WalletEntryType = (typeof WALLET_ENTRY_TYPES)[number];
/** The entries a user's reward points are the sum of. */
export const POINT_ENTRY_TYPES = ['reward', 'reversal'] as const;
/** The entries a rewards run writes, and a refund reverses. */
export const REWARD_ENTRY_TYPES = ['reward', 'app_revenue', 'gifts_pool'] as const;
export type RewardEntryType = (typeof REWARD_ENTRY_TYPES)[number];

/**
 * The unique key of each kind of entry, from what it is: the unique index on keys then refuses a
 * second entry for the same thing (a second payout of one slot, a second refund, a reversal twice).
 * Written by the data/ folders, judged by the books audit; wallet credits have theirs in wallet/journal.ts.
 */
export const entryKeys = {
  purchase: (purchaseId: string) => `purchase:${purchaseId}`,
  reward: (purchaseId: string, userId: string, slot: string) => `reward:${purchaseId}:${userId}:${slot}`,
  appRevenue: (purchaseId: string) => `app_revenue:${purchaseId}`,
  giftsPool: (purchaseId: string) => `gifts_pool:${purchaseId}`,
  refund: (purchaseId: string) => `refund:${purchaseId}`,
  reversal: (originalKey: string) => `${REVERSAL_PREFIX}${originalKey}`,
  /** The key of the entry a reversal's key names, or null for a key that is not a reversal's. */
  reversed: (key: string) => (key.startsWith(REVERSAL_PREFIX) ? key.slice(REVERSAL_PREFIX.length) : null),
};
