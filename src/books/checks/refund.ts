import { REFUNDED_STATUSES } from '../../purchases/lifecycle.js';
import { finding, type Finding } from '../findings.js';
import { originalsOf, refundsOf, reversalsOf, statusOf, sumOf, type PurchaseBooks } from '../purchase-books.js';

/**
 * A refunded purchase (docs/spec.md §11) has exactly one refund entry giving its buyer the total back,
 * its rewards settled as refunded (cancelled, reversing, reversed) and, once reversed or
 * cancelled, its entries net to zero. A purchase not refunded has no refund entry.
 */
export function refundNetsToZero(books: PurchaseBooks): Finding[] {
  const { purchase, purchaseId: id } = books;
  const status = statusOf(books);
  if (!purchase || !status) return [];
  const refunds = refundsOf(books);
  const found: Finding[] = [];
  if (!purchase.refund) {
    if (refunds.length > 0) found.push(finding('refund', 'purchase', id, `${refunds.length} refund entries (${sumOf(refunds)}) but the purchase is not marked refunded`, { expected: 0, actual: sumOf(refunds) }));
    if (REFUNDED_STATUSES.includes(status)) found.push(finding('refund', 'purchase', id, `rewards are ${status} but the purchase is not refunded`));
    return found;
  }
  if (refunds.length !== 1) {
    found.push(finding('refund', 'purchase', id, `refunded with ${refunds.length} refund entries (${sumOf(refunds)}); exactly one of ${purchase.amount} is due`, { expected: purchase.amount, actual: sumOf(refunds) }));
  } else {
    const [refund] = refunds as [(typeof refunds)[number]];
    if (refund.amount !== purchase.amount) found.push(finding('refund', 'purchase', id, `refund entry is ${refund.amount}, the purchase total is ${purchase.amount}`, { expected: purchase.amount, actual: refund.amount }));
    if (refund.user?.toString() !== purchase.user?.toString()) found.push(finding('refund', 'purchase', id, `refund entry credits user ${String(refund.user)}, the buyer is ${String(purchase.user)}`));
  }
  if (!REFUNDED_STATUSES.includes(status)) {
    found.push(finding('refund', 'purchase', id, `refunded but its rewards are ${status}`));
  }
  if (status === 'reversed' || status === 'cancelled') {
    const net = sumOf(originalsOf(books)) + sumOf(reversalsOf(books));
    if (net !== 0) found.push(finding('refund', 'purchase', id, `refunded and ${status} but its reward entries net to ${net}, not 0`, { expected: 0, actual: net }));
  }
  return found;
}
