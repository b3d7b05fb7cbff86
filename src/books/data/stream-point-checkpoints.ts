import type { DataScope } from '../../infra/database/data-scope.js';
import type { PointCheckpointDoc } from '../../infra/database/models.js';

/** Every points checkpoint, in user order. */
export function streamPointCheckpoints({ models, session }: DataScope): AsyncIterable<PointCheckpointDoc> {
  return models.PointCheckpoint.find({}).session(session ?? null).sort({ _id: 1 }).lean<PointCheckpointDoc[]>().cursor({ batchSize: 1000 });
}
