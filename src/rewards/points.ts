import { Types } from 'mongoose';
import type { Models } from '../infra/database/models.js';

/**
 * A user's reward points are the sum of their `reward` ledger entries and of the reversals of
 * those (negative; SPEC §11): the ledger, written once under unique keys, is the one truth, and no
 * balance can drift from it. A balance below zero is owed: a reversal is never skipped. Summing
 * reads the `{user, type, amount}` index, one command however many users are asked for.
 */
export async function pointsOf(models: Models, userIds: readonly (string | Types.ObjectId)[]): Promise<Map<string, number>> {
  const ids = userIds.map((id) => new Types.ObjectId(id.toString()));
  const rows = await models.Ledger.aggregate<{ _id: Types.ObjectId; points: number }>([
    { $match: { user: { $in: ids }, type: { $in: ['reward', 'reversal'] } } },
    { $group: { _id: '$user', points: { $sum: '$amount' } } },
  ]);
  const points = new Map(ids.map((id) => [id.toString(), 0]));
  for (const row of rows) points.set(row._id.toString(), row.points);
  return points;
}

export async function pointsOfUser(models: Models, userId: string | Types.ObjectId): Promise<number> {
  return (await pointsOf(models, [userId])).get(userId.toString()) ?? 0;
}
