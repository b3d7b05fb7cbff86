import type { LedgerDoc } from '../../infra/database/models.js';
import { finding, type Finding } from '../findings.js';
import { sumOf, type PurchaseBooks } from '../purchase-books.js';

/** Entries that name a purchase need it to exist. */
export function purchaseExists(books: PurchaseBooks): Finding[] {
  if (books.purchase || books.entries.length === 0) return [];
  const types = [...new Set(books.entries.map((e) => e.type))].join(', ');
  return [
    finding('entry-purchase', 'purchase', books.purchaseId, `${books.entries.length} entries (${types}; ${sumOf(books.entries)} in all) name purchase ${books.purchaseId}, which does not exist`, {
      expected: 0,
      actual: sumOf(books.entries),
    }),
  ];
}

/** A reward, pool, reversal or refund entry that names no purchase at all. */
export function entryWithoutPurchase(entry: Pick<LedgerDoc, '_id' | 'type' | 'amount'>): Finding {
  const id = entry._id.toString();
  return finding('entry-purchase', 'entry', id, `${entry.type} entry ${id} (${entry.amount}) names no purchase`, { expected: 0, actual: entry.amount });
}
