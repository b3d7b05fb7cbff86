import type { DataScope } from '../../infra/database/data-scope.js';
import type { PointCheckpointDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

/** The points checkpoints of these users (src/rewards/point-checkpoints.ts), by user id; a user without one is absent. */
export async function findPointCheckpoints({ models, session }: DataScope, userIds: readonly Id[]): Promise<Map<string, PointCheckpointDoc>> {
  const docs = await models.PointCheckpoint.find({ _id: { $in: userIds } }, null, { session }).lean<PointCheckpointDoc[]>();
  return new Map(docs.map((doc) => [doc._id.toString(), doc]));
}
