import type { Models } from '../infra/database/models.js';

/**
 * Removes Idempotency-Keys older than `cutoff` (their retention): a client retrying later than
 * that makes a new checkout. A job rather than a TTL index, which FerretDB rejects.
 */
export async function expireIdempotencyKeys(models: Models, cutoff: Date): Promise<number> {
  const result = await models.Idempotency.deleteMany({ createdAt: { $lt: cutoff } });
  return result.deletedCount;
}
