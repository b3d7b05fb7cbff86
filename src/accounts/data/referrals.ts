import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import { pageDocs } from '../../http/paging.js';

/** `limit + 1` of the user's direct referrals (those whose `referrer` they are), newest first after the cursor. */
export function directReferralsPage({ models, session }: DataScope, userId: string, page: { limit: number; cursor?: string }): Promise<UserDoc[]> {
  return pageDocs<UserDoc>(models.User, { referrer: userId }, page, session);
}

/** How many users the user referred directly. */
export function countDirectReferrals({ models, session }: DataScope, userId: string): Promise<number> {
  return models.User.countDocuments({ referrer: userId }).session(session ?? null).exec();
}

/**
 * The size of the user's downline: everyone whose stored `ancestors` name them (the `ancestors`
 * index), at any depth up to the stored one.
 */
export function countDownline({ models, session }: DataScope, userId: string): Promise<number> {
  return models.User.countDocuments({ ancestors: userId }).session(session ?? null).exec();
}
