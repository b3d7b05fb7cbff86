import { findRefundByKey, insertRefundEntry } from './refund-entry.js';
import { findPaidEntries, insertReversals } from './reversal-entries.js';

/** Refunds (docs/spec.md §11): the refund's ledger entry, and the reversals of what the purchase paid. */
export const refundQueries = { insertRefundEntry, findRefundByKey, findPaidEntries, insertReversals };
