import type { Level } from '../../config/index.js';
import type { Repositories } from '../data-access.js';
import type { UserDoc } from '../infra/database/models.js';
import type { AppContext } from '../shared/context.js';
import { Conflict, NotFound, isDuplicateKeyError } from '../shared/errors.js';
import { toId, type Id } from '../shared/ids.js';
import { creditKeys } from '../wallet/journal.js';

/** Deep enough for any configured depth limit (MAX_UPLINE_DEPTH is at most 1000). */
const MAX_STORED_ANCESTORS = 1000;

export interface NewUser {
  name: string;
  email: string;
  referrerId?: string | null;
  level?: Level | null;
  isActive?: boolean;
  isVerified?: boolean;
  walletBalance?: number;
}

/** `rewardPoints` comes from the ledger (src/rewards/points.ts). */
export function presentUser(user: UserDoc, rewardPoints: number) {
  return {
    id: user._id.toString(),
    name: user.name,
    email: user.email,
    referrerId: user.referrer ? user.referrer.toString() : null,
    level: user.level,
    isActive: user.isActive,
    isVerified: user.isVerified,
    walletBalance: user.walletBalance,
    rewardPoints,
    lifetimeSpend: user.lifetimeSpend,
  };
}

/**
 * Creates a customer under an existing referrer. The upline is stored with the user (nearest
 * first), so the rewards job reads it in one query; since a referrer must exist before the
 * user, the referral graph can't contain a cycle. An initial wallet balance is a credit by the
 * admin who creates the user: written to the wallet journal in the same unit of work.
 */
export async function createUser(ctx: Pick<AppContext, 'data' | 'unitOfWork'>, input: NewUser, by: string): Promise<UserDoc> {
  let ancestors: Id[] = [];
  if (input.referrerId) {
    const referrer = await ctx.data.users.findUpline(input.referrerId);
    if (!referrer) throw new NotFound('USER', `Referrer ${input.referrerId} does not exist`);
    ancestors = [referrer._id, ...referrer.ancestors].slice(0, MAX_STORED_ANCESTORS);
  }
  const walletBalance = input.walletBalance ?? 0;
  try {
    return await ctx.unitOfWork.run({ name: 'create-user' }, async (tx) => {
      const user = await tx.users.insertUser({
        name: input.name,
        email: input.email,
        referrer: input.referrerId ? toId(input.referrerId) : null,
        ancestors,
        level: input.level ?? null,
        isActive: input.isActive ?? true,
        isVerified: input.isVerified ?? true,
        walletBalance,
      });
      if (walletBalance > 0) {
        const credit = { by, reason: 'initial balance' };
        await tx.wallet.insertCreditEntry({ entryKey: creditKeys.initialBalance(user._id.toString()), user: user._id, amount: walletBalance, walletBalanceAfter: walletBalance, credit });
      }
      return user;
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new Conflict(`A user with email ${input.email} already exists`);
    throw error;
  }
}

/** Inside a unit of work pass its `tx`: a read outside the transaction would not see it (and waits for it on the serial front). */
export async function getUser({ users }: Pick<Repositories, 'users'>, userId: string): Promise<UserDoc> {
  const user = await users.findUser(userId);
  if (!user) throw new NotFound('USER', `User ${userId} does not exist`);
  return user;
}
