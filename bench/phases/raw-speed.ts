import { ObjectId } from 'mongodb';
import type { System } from '../../src/system.js';
import { SETTINGS } from '../support/settings.js';
import { timed } from '../support/stats.js';

/**
 * The server's own single-operation speed in this database, measured in the same run: a `find`
 * by _id in the users collection (which grows with the level) and an `insert` into a small
 * collection. Every path's time is also given as a multiple of the `find`.
 */
export async function measureRawSpeed(api: System) {
  const db = api.ctx.database.db;
  const someUser = await db.collection('users').findOne({}, { projection: { _id: 1 } });
  const probe = db.collection('bench_probe');
  return {
    findById: await timed(SETTINGS.rawOps, 3, () => db.collection('users').findOne({ _id: someUser?._id ?? new ObjectId() })),
    insert: await timed(SETTINGS.rawOps, 3, () => probe.insertOne({ at: new Date() })),
  };
}
