import { finding, type Finding } from '../findings.js';
import { originalsOf, reversalsOf, reversedKey, type PurchaseBooks } from '../purchase-books.js';

/**
 * Every reversal names its original (`reversal:<original's key>`, one per original by the unique
 * key), on the same purchase, which is refunded, and takes back exactly what it paid, from whom
 * it paid it. A reversal with any other key — a second one for the same entry, say — names none.
 */
export function reversalsHaveOriginals(books: PurchaseBooks): Finding[] {
  const id = books.purchaseId;
  const originals = new Map(originalsOf(books).map((e) => [e.entryKey, e]));
  const found: Finding[] = [];
  for (const reversal of reversalsOf(books)) {
    const rid = reversal._id.toString();
    const key = reversedKey(reversal);
    const original = key === null ? undefined : originals.get(key);
    if (!original) {
      found.push(finding('reversal', 'purchase', id, `reversal ${rid} (${reversal.amount}, key ${reversal.entryKey}) reverses no entry of this purchase`, { expected: 0, actual: reversal.amount }));
      continue;
    }
    if (reversal.amount !== -original.amount) {
      found.push(finding('reversal', 'purchase', id, `reversal of ${original.entryKey} is ${reversal.amount}, should be ${-original.amount}`, { expected: -original.amount, actual: reversal.amount }));
    }
    if (reversal.reverses !== original.type || String(reversal.user) !== String(original.user)) {
      found.push(finding('reversal', 'purchase', id, `reversal ${rid} says it reverses a ${String(reversal.reverses)} of ${String(reversal.user)}; ${original.entryKey} is a ${original.type} of ${String(original.user)}`));
    }
    if (!books.purchase?.refund) found.push(finding('reversal', 'purchase', id, `reversal of ${original.entryKey} on a purchase that is not refunded`, { expected: 0, actual: reversal.amount }));
  }
  return found;
}
