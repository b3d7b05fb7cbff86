import type { DataScope } from '../../infra/database/data-scope.js';
import type { PointCheckpointDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

export async function findPointCheckpoints({ models, session }: DataScope, userIds: readonly Id[]): Promise<Map<string, PointCheckpointDoc>> {
  const docs = await models.PointCheckpoint.find({ _id: { $in: userIds } }, null, { session }).lean<PointCheckpointDoc[]>();
  return new Map(docs.map((doc) => [doc._id.toString(), doc]));
}
