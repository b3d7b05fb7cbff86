import type { Db, Document } from 'mongodb';

/**
 * MongoDB's own fault injection (`configureFailPoint` `failCommand`, as the drivers' spec tests
 * use it): the replica-set front takes it, and so does a mongod started with enableTestCommands.
 * Returns the switch that turns it off again.
 */
export async function failCommand(db: Db, mode: 'alwaysOn' | { times?: number; skip?: number }, data: Document): Promise<() => Promise<void>> {
  const admin = db.admin();
  await admin.command({ configureFailPoint: 'failCommand', mode, data });
  return async () => {
    await admin.command({ configureFailPoint: 'failCommand', mode: 'off' });
  };
}

/** A write concern timeout: the write applied on the primary, its majority not confirmed in time. */
export const WRITE_CONCERN_TIMEOUT = { code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } };
