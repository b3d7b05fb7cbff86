import type { RewardRules } from '../../rewards/rules.js';
import type { Finding } from '../findings.js';
import type { PurchaseBooks } from '../purchase-books.js';
import type { UserBooks } from '../user-books.js';
import { distributionAddsUp, entriesMatchDistribution } from './distribution.js';
import { keysMatchEntries } from './entry-keys.js';
import { purchaseExists } from './entry-purchase.js';
import { checkpointMatchesEntries } from './points-checkpoint.js';
import { refundNetsToZero } from './refund.js';
import { reversalsHaveOriginals } from './reversal.js';
import { statusMatchesEntries } from './settlement.js';
import { creditKeysAreCredits, lifetimeSpendMatches, walletMatchesJournal } from './wallet.js';

/** Every check of one user's books. */
export function checkUser(books: UserBooks): Finding[] {
  return [...walletMatchesJournal(books), ...lifetimeSpendMatches(books), ...checkpointMatchesEntries(books), ...creditKeysAreCredits(books)];
}

/** Every check of one purchase's books. */
export function checkPurchase(books: PurchaseBooks, rules: RewardRules): Finding[] {
  return [
    ...purchaseExists(books),
    ...keysMatchEntries(books),
    ...distributionAddsUp(books, rules),
    ...entriesMatchDistribution(books),
    ...statusMatchesEntries(books),
    ...refundNetsToZero(books),
    ...reversalsHaveOriginals(books),
  ];
}
