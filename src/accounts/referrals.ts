import type { Repositories } from '../data-access.js';
import type { UserDoc } from '../infra/database/models.js';
import { pageOf } from '../http/paging.js';

function presentReferral(user: UserDoc) {
  return { id: user._id.toString(), name: user.name, level: user.level, joined: user.createdAt };
}

/**
 * A customer's direct referrals, newest first, and the size of their downline: everyone whose
 * stored `ancestors` name them (the `ancestors` index), at any depth up to the stored one.
 */
export async function referralsOf({ users }: Pick<Repositories, 'users'>, userId: string, page: { limit: number; cursor?: string }) {
  const [docs, directCount, downlineCount] = await Promise.all([
    users.directReferralsPage(userId, page),
    users.countDirectReferrals(userId),
    users.countDownline(userId),
  ]);
  return { summary: { directCount, downlineCount }, ...pageOf(docs, page.limit, presentReferral) };
}
