import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

/** The user with this id, or null. */
export function findUser({ models, session }: DataScope, userId: Id | string): Promise<UserDoc | null> {
  return models.User.findById(userId).session(session ?? null).lean<UserDoc>().exec();
}

/** Whether a user with this id exists. */
export async function userExists({ models, session }: DataScope, userId: Id | string): Promise<boolean> {
  return (await models.User.exists({ _id: userId }).session(session ?? null)) !== null;
}

/** The user's id and stored upline (nearest first) only, or null: what a new user under them inherits. */
export function findUpline({ models, session }: DataScope, userId: Id | string): Promise<Pick<UserDoc, '_id' | 'ancestors'> | null> {
  return models.User.findById(userId, { ancestors: 1 }).session(session ?? null).lean<Pick<UserDoc, '_id' | 'ancestors'>>().exec();
}
