import { repositoriesOf } from '../data-access.js';
import type { Models } from '../infra/database/models.js';
import { after, newestFirst, pageOf } from '../http/paging.js';
import { pointsOf } from '../rewards/points.js';
import { getUser, presentUser } from './users.js';

/** A user as support sees them: wallet, points from the ledger, level, spend. */
export async function userForSupport(models: Models, userId: string) {
  const user = await getUser(models, userId);
  const points = await pointsOf(repositoriesOf(models), [user._id]);
  return presentUser(user, points.get(user._id.toString()) ?? 0);
}

/** Users newest first, or the one with `email`; points summed for the whole page in one command. */
export async function findUsers(models: Models, filter: { email?: string; limit: number; cursor?: string }) {
  const byEmail = filter.email ? { email: filter.email.trim().toLowerCase() } : {};
  const docs = await models.User.find({ $and: [byEmail, after(filter.cursor)] })
    .sort(newestFirst)
    .limit(filter.limit + 1)
    .lean();
  const points = await pointsOf(repositoriesOf(models), docs.map((d) => d._id));
  return pageOf(docs, filter.limit, (user) => presentUser(user, points.get(user._id.toString()) ?? 0));
}
