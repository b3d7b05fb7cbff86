import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import type { UplineMember } from '../distribution.js';

/**
 * The buyer's upline, nearest first, as stored: the first `maxDepth` of their ancestors, read in
 * one command (only what the distribution needs of each). An ancestor deleted since is not part of
 * the walk.
 */
export async function findUpline({ models, session }: DataScope, buyer: Pick<UserDoc, 'ancestors'>, maxDepth: number): Promise<UplineMember[]> {
  const ids = buyer.ancestors.slice(0, maxDepth);
  const found = await models.User.find({ _id: { $in: ids } }, { level: 1, isActive: 1, isVerified: 1 }).session(session ?? null).lean();
  const byId = new Map(found.map((a) => [a._id.toString(), a]));
  return ids.flatMap((id) => {
    const a = byId.get(id.toString());
    return a ? [{ userId: a._id.toString(), level: a.level, isActive: a.isActive, isVerified: a.isVerified }] : [];
  });
}
