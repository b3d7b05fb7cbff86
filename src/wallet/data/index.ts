import { addToBalance } from './add-to-balance.js';
import { creditBackRefund } from './credit-back-refund.js';
import { debitForPurchase } from './debit-for-purchase.js';
import { findEntryByKey } from './find-entry-by-key.js';
import { insertCreditEntry } from './insert-wallet-entry.js';
import { walletEntriesPage } from './wallet-entries-page.js';
import { walletTotalsThrough } from './wallet-totals-through.js';

/** The wallets: balances (every change conditional on staying exact) and their journal entries. */
export const walletQueries = { debitForPurchase, addToBalance, creditBackRefund, insertCreditEntry, findEntryByKey, walletEntriesPage, walletTotalsThrough };
