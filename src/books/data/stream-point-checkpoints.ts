import type { Models, PointCheckpointDoc } from '../../infra/database/models.js';

/** Every points checkpoint, in user order. */
export function streamPointCheckpoints(models: Models): AsyncIterable<PointCheckpointDoc> {
  return models.PointCheckpoint.find({}).sort({ _id: 1 }).lean<PointCheckpointDoc[]>().cursor({ batchSize: 1000 });
}
