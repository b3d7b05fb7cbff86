import type { Repositories } from '../data-access.js';
import { toId, type Id } from '../shared/ids.js';

type PointData = Pick<Repositories, 'points'>;

/**
 * A user's reward points are the sum of their `reward` ledger entries and of the reversals of
 * those (negative; docs/spec.md §11): the ledger, written once under unique keys, is the one truth, and no
 * balance can drift from it. A balance below zero is owed: a reversal is never skipped.
 *
 * So that the read stays cheap however many entries a user collects (a top referrer gets one per
 * purchase below them), the books audit keeps a checkpoint per user — the sum of their entries
 * created before a time by which every unit of work writing earlier entries has ended
 * (src/rewards/point-checkpoints.ts) — and a balance is that checkpoint plus the entries from
 * then on. Two commands however many users are asked for; each reads only the entries after its
 * user's checkpoint.
 */
export async function pointsOf({ points: data }: PointData, userIds: readonly (string | Id)[]): Promise<Map<string, number>> {
  const ids = userIds.map((id) => toId(id.toString()));
  const points = new Map(ids.map((id) => [id.toString(), 0]));
  if (ids.length === 0) return points;
  const checkpoints = await data.findPointCheckpoints(ids);
  const after = await data.sumPointEntries(
    ids.map((user) => ({ user, from: checkpoints.get(user.toString())?.upTo ?? null })),
  );
  for (const key of points.keys()) points.set(key, (checkpoints.get(key)?.points ?? 0) + (after.get(key) ?? 0));
  return points;
}

export async function pointsOfUser(data: PointData, userId: string | Id): Promise<number> {
  return (await pointsOf(data, [userId])).get(userId.toString()) ?? 0;
}
