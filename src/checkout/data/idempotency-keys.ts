import type { DataScope } from '../../infra/database/data-scope.js';
import type { IdempotencyDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

export interface NewIdempotencyKey {
  id: string;
  user: Id;
  cartFingerprint: string;
  transactionId: Id;
}

/** Reserves a checkout's key; a second one with the same id is a duplicate-key error. */
export async function reserveIdempotencyKey({ models, session }: DataScope, key: NewIdempotencyKey): Promise<void> {
  await models.Idempotency.create([{ _id: key.id, ...key }], { session });
}

/** A key as committed by a majority: a replay must not answer from a write an election could still roll back. */
export function findCommittedIdempotencyKey({ models, session }: DataScope, id: string): Promise<IdempotencyDoc | null> {
  return models.Idempotency.findById(id).session(session ?? null).readConcern('majority').lean<IdempotencyDoc>().exec();
}

/** Removes keys created before `cutoff` (their retention); how many. A job rather than a TTL index, which FerretDB rejects. */
export async function deleteIdempotencyKeysBefore({ models, session }: DataScope, cutoff: Date): Promise<number> {
  const result = await models.Idempotency.deleteMany({ createdAt: { $lt: cutoff } }, { session });
  return result.deletedCount;
}
