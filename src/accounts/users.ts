import type { Level } from '../../config/index.js';
import { isDuplicateKeyError, ObjectId, type Models, type UserDoc } from '../infra/database/models.js';
import { AmountOutOfRange, Conflict, NotFound } from '../shared/errors.js';

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
 * user, the referral graph can't contain a cycle.
 */
export async function createUser(models: Models, input: NewUser): Promise<UserDoc> {
  let ancestors: InstanceType<typeof ObjectId>[] = [];
  if (input.referrerId) {
    const referrer = await models.User.findById(input.referrerId, { ancestors: 1 }).lean();
    if (!referrer) throw new NotFound('USER', `Referrer ${input.referrerId} does not exist`);
    ancestors = [referrer._id, ...referrer.ancestors].slice(0, MAX_STORED_ANCESTORS);
  }
  try {
    const [user] = await models.User.create([
      {
        name: input.name,
        email: input.email,
        referrer: input.referrerId ? new ObjectId(input.referrerId) : null,
        ancestors,
        level: input.level ?? null,
        isActive: input.isActive ?? true,
        isVerified: input.isVerified ?? true,
        walletBalance: input.walletBalance ?? 0,
      },
    ]);
    return user!.toObject();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new Conflict(`A user with email ${input.email} already exists`);
    throw error;
  }
}

export async function getUser(models: Models, userId: string): Promise<UserDoc> {
  const user = await models.User.findById(userId).lean();
  if (!user) throw new NotFound('USER', `User ${userId} does not exist`);
  return user;
}

/** Conditional on the balance staying a safe integer: past it, further credits would be lost to rounding. */
export async function creditWallet(models: Models, userId: string, amount: number): Promise<UserDoc> {
  const user = await models.User.findOneAndUpdate(
    { _id: userId, walletBalance: { $lte: Number.MAX_SAFE_INTEGER - amount } },
    { $inc: { walletBalance: amount } },
    { returnDocument: 'after' },
  ).lean();
  if (user) return user;
  const existing = await models.User.findById(userId).lean();
  if (!existing) throw new NotFound('USER', `User ${userId} does not exist`);
  throw new AmountOutOfRange(`A credit of ${amount} would take the wallet past ${Number.MAX_SAFE_INTEGER}`, { walletBalance: existing.walletBalance });
}
