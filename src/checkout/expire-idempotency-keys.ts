import type { AppContext } from '../shared/context.js';

/**
 * Removes Idempotency-Keys older than `cutoff` (their retention): a client retrying later than
 * that makes a new checkout. A job rather than a TTL index, which FerretDB rejects.
 */
export function expireIdempotencyKeys(ctx: Pick<AppContext, 'data'>, cutoff: Date): Promise<number> {
  return ctx.data.idempotencyKeys.deleteIdempotencyKeysBefore(cutoff);
}
