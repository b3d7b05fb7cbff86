import type { LedgerDoc } from '../../infra/database/models.js';
import { finding, type Finding } from '../findings.js';
import type { PurchaseBooks } from '../purchase-books.js';
import { entryKeys } from '../../shared/ledger-entries.js';

/**
 * The key each entry of a purchase must have, from what the entry is: so the unique index on
 * keys also refuses a second entry for the same thing (a second payout of one slot, a second
 * refund). Reversals are judged with their originals (checks/reversal.ts).
 */
function impliedKey(entry: LedgerDoc): string | null | undefined {
  const purchase = entry.purchase?.toString();
  switch (entry.type) {
    case 'purchase':
      return entryKeys.purchase(entry._id.toString());
    case 'reward':
      return entryKeys.reward(String(purchase), String(entry.user), String(entry.slot));
    case 'app_revenue':
      return entryKeys.appRevenue(String(purchase));
    case 'gifts_pool':
      return entryKeys.giftsPool(String(purchase));
    case 'refund':
      return entryKeys.refund(String(purchase));
    case 'reversal':
      return null;
    default:
      return undefined;
  }
}

export function keysMatchEntries(books: PurchaseBooks): Finding[] {
  const found: Finding[] = [];
  for (const entry of books.purchase ? [books.purchase, ...books.entries] : books.entries) {
    const implied = impliedKey(entry);
    const id = entry._id.toString();
    if (implied === undefined) found.push(finding('unique-keys', 'entry', id, `entry ${id} of type ${entry.type} names purchase ${books.purchaseId}, which no such entry may`));
    else if (implied !== null && implied !== entry.entryKey) found.push(finding('unique-keys', 'entry', id, `entry ${id} (${entry.type} of purchase ${books.purchaseId}) has key ${entry.entryKey}; what it is implies ${implied}`));
  }
  return found;
}
