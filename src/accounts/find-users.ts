import type { Repositories } from '../data-access.js';
import { pageOf } from '../http/paging.js';
import { pointsOf } from '../rewards/points.js';
import { getUser, presentUser } from './users.js';

type UserData = Pick<Repositories, 'users' | 'points'>;

/** A user as support sees them: wallet, points from the ledger, level, spend. */
export async function userForSupport(data: UserData, userId: string) {
  const user = await getUser(data, userId);
  const points = await pointsOf(data, [user._id]);
  return presentUser(user, points.get(user._id.toString()) ?? 0);
}

/** Users newest first, or the one with `email`; points summed for the whole page in one command. */
export async function findUsers(data: UserData, filter: { email?: string; limit: number; cursor?: string }) {
  const docs = await data.users.usersPage(filter);
  const points = await pointsOf(data, docs.map((d) => d._id));
  return pageOf(docs, filter.limit, (user) => presentUser(user, points.get(user._id.toString()) ?? 0));
}
