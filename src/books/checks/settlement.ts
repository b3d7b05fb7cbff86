import { finding, type Finding } from '../findings.js';
import { PAID_STATUSES, UNPAID_STATUSES } from '../../purchases/lifecycle.js';
import { originalsOf, reversalsOf, reversedKey, statusOf, sumOf, type PurchaseBooks } from '../purchase-books.js';

/**
 * A purchase's rewards status says what its entries are: paid (completed, reversing, reversed)
 * means written; pending, processing or failed means none written; cancelled means none left
 * standing.
 */
export function statusMatchesEntries(books: PurchaseBooks): Finding[] {
  const status = statusOf(books);
  if (!books.purchase || !status) return [];
  const id = books.purchaseId;
  const originals = originalsOf(books);
  if (PAID_STATUSES.includes(status) && originals.length === 0) {
    return [finding('settlement', 'purchase', id, `rewards are ${status} but no reward, app-revenue or gifts-pool entry exists`)];
  }
  if (UNPAID_STATUSES.includes(status) && originals.length > 0) {
    return [finding('settlement', 'purchase', id, `rewards are ${status} but ${originals.length} entries (${sumOf(originals)} points) are written`, { expected: 0, actual: sumOf(originals) })];
  }
  if (status === 'cancelled') {
    const reversed = new Set(reversalsOf(books).map(reversedKey));
    const standing = originals.filter((e) => !reversed.has(e.entryKey));
    if (standing.length > 0) {
      return [finding('settlement', 'purchase', id, `cancelled with ${standing.length} entries (${sumOf(standing)} points) left unreversed`, { expected: 0, actual: sumOf(standing) })];
    }
  }
  return [];
}
