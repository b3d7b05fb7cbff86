import type { Types } from 'mongoose';
import type { Models, PointCheckpointDoc } from '../../infra/database/models.js';

export async function findPointCheckpoints(models: Models, userIds: readonly Types.ObjectId[]): Promise<Map<string, PointCheckpointDoc>> {
  const docs = await models.PointCheckpoint.find({ _id: { $in: userIds } }).lean<PointCheckpointDoc[]>();
  return new Map(docs.map((doc) => [doc._id.toString(), doc]));
}
