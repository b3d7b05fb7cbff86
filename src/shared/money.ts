import { AmountOutOfRange } from './errors.js';

/**
 * Money is integers in the smallest unit (docs/spec.md §2), and a double holds every integer only up to
 * Number.MAX_SAFE_INTEGER: past it `$inc` rounds, so a credit answered 200 could be lost. The
 * edge accepts no amount above MAX_AMOUNT, and every write that raises a balance or a total
 * matches only while the result stays within it; one that does not match is refused with
 * outOfRange (409 AMOUNT_OUT_OF_RANGE) and changes nothing.
 */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

/** The condition on a field under which `$inc: amount` keeps it exact: `{ walletBalance: canRaiseBy(amount) }`. */
export function canRaiseBy(amount: number): { $lte: number } {
  return { $lte: MAX_AMOUNT - amount };
}

/** The refusal of a raise that canRaiseBy did not allow: `change` would take `what` past MAX_AMOUNT. */
export function outOfRange(change: string, what: string, details?: Record<string, unknown>): AmountOutOfRange {
  return new AmountOutOfRange(`${change} would take the ${what} past ${MAX_AMOUNT}, the largest amount the service keeps exactly`, details);
}
