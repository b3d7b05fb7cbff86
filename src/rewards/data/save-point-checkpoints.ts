import type { DataScope } from '../../infra/database/data-scope.js';
import type { Id } from '../../shared/ids.js';

export interface NewPointCheckpoint {
  user: Id;
  points: number;
  upTo: Date;
  entries: number;
}

/**
 * Writes checkpoints, each replacing the user's older one, in one command. Every checkpoint is
 * right on its own (a sum up to its `upTo`), so two audits writing at once leave a right one.
 */
export async function savePointCheckpoints({ models, session }: DataScope, checkpoints: readonly NewPointCheckpoint[]): Promise<void> {
  if (checkpoints.length === 0) return;
  await models.PointCheckpoint.bulkWrite(
    checkpoints.map((c) => ({
      updateOne: { filter: { _id: c.user }, update: { $set: { points: c.points, upTo: c.upTo, entries: c.entries } }, upsert: true },
    })),
    { ordered: false, session },
  );
}
