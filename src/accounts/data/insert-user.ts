import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';

export type NewUserDoc = Pick<UserDoc, 'name' | 'email' | 'referrer' | 'ancestors' | 'level' | 'isActive' | 'isVerified' | 'walletBalance'>;

/** Writes a new user; a second one with the same email is a duplicate-key error (a unique index). */
export async function insertUser({ models, session }: DataScope, user: NewUserDoc): Promise<UserDoc> {
  const [created] = await models.User.create([user], { session });
  return created!.toObject<UserDoc>();
}
