import type { Models, UserDoc } from '../infra/database/models.js';
import { after, newestFirst, pageOf } from '../http/paging.js';

function presentReferral(user: UserDoc) {
  return { id: user._id.toString(), name: user.name, level: user.level, joined: user.createdAt };
}

/**
 * A customer's direct referrals, newest first, and the size of their downline: everyone whose
 * stored `ancestors` name them (the `ancestors` index), at any depth up to the stored one.
 */
export async function referralsOf(models: Models, userId: string, page: { limit: number; cursor?: string }) {
  const cursor = after(page.cursor);
  const [docs, directCount, downlineCount] = await Promise.all([
    models.User.find({ $and: [{ referrer: userId }, cursor] })
      .sort(newestFirst)
      .limit(page.limit + 1)
      .lean(),
    models.User.countDocuments({ referrer: userId }),
    models.User.countDocuments({ ancestors: userId }),
  ]);
  return { summary: { directCount, downlineCount }, ...pageOf(docs, page.limit, presentReferral) };
}
