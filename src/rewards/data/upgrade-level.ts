import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import type { Level } from '../rules.js';

/**
 * Sets the user's level to `level` (no command when it is the level read). Conditional on the
 * level read, so a concurrent upgrade is never undone; levels only go up (src/rewards/levels.ts).
 */
export async function upgradeLevel({ models, session }: DataScope, user: Pick<UserDoc, '_id' | 'level'>, level: Level | null): Promise<void> {
  if (level === user.level) return;
  await models.User.updateOne({ _id: user._id, level: user.level }, { $set: { level } }, { session });
}
