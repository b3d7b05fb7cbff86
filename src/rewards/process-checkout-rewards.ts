import type { ClientSession, Types } from 'mongoose';
import type { AppContext } from '../shared/context.js';
import { isDuplicateKeyError, type LedgerDoc } from '../infra/database/models.js';
import type { OnRollback } from '../infra/database/unit-of-work.js';
import { UnrecoverableJobError } from '../shared/errors.js';
import { computeDistribution, type Distribution, type UplineMember } from './distribution.js';
import { upgradedLevel } from './levels.js';

export type RewardsOutcome =
  | { status: 'completed'; distribution: Distribution; buyerLevel: string | null }
  | { status: 'already-completed' };

/**
 * SPEC §5. Loads the purchase and the buyer's upline, computes the distribution (a pure
 * function), and applies it in one unit of work: the purchase is claimed as completed, ledger
 * entries with unique keys are written, points credited and the buyer's level upgraded.
 * Idempotent: a second run — retry, requeue, duplicate delivery, a second worker — finds the
 * purchase completed (or its transaction conflicts and retries into that state) and pays nothing.
 */
export async function processCheckoutRewards(ctx: AppContext, transactionId: string): Promise<RewardsOutcome> {
  const { models, unitOfWork } = ctx.database;

  return unitOfWork.run(async (session, onRollback) => {
    const purchase = await models.Ledger.findOne({ _id: transactionId, type: 'purchase' }).session(session ?? null).lean();
    if (!purchase?.rewards) throw new UnrecoverableJobError(`Purchase ${transactionId} does not exist`);
    if (purchase.rewards.status === 'completed') return { status: 'already-completed' } as const;

    const buyer = await models.User.findById(purchase.user).session(session ?? null).lean();
    if (!buyer) throw new UnrecoverableJobError(`Buyer ${String(purchase.user)} of purchase ${transactionId} does not exist`);
    const ancestorIds = buyer.ancestors.slice(0, ctx.config.rewards.maxDepth);
    const ancestors = await models.User.find({ _id: { $in: ancestorIds } }, { level: 1, isActive: 1, isVerified: 1 })
      .session(session ?? null)
      .lean();
    const byId = new Map(ancestors.map((a) => [a._id.toString(), a]));
    // Nearest first, as stored; an ancestor deleted since is simply not part of the walk.
    const upline: UplineMember[] = ancestorIds.flatMap((id) => {
      const a = byId.get(id.toString());
      return a ? [{ userId: a._id.toString(), level: a.level, isActive: a.isActive, isVerified: a.isVerified }] : [];
    });

    const distribution = computeDistribution({
      cartTotal: purchase.amount,
      buyerId: buyer._id.toString(),
      upline,
      rules: ctx.config.rewards,
    });
    const buyerLevel = upgradedLevel(buyer.level, buyer.lifetimeSpend, ctx.config.levelThresholds);
    // The first ledger entry's unique key admits one run per purchase, also without transactions.
    if (!(await writeLedgerEntries(ctx, purchase, distribution, session, onRollback))) {
      // Without atomic updates a concurrent run's write can clobber the status its winner set;
      // marking it here (idempotent, conditional) keeps a paid purchase from staying `processing`.
      await markCompleted(ctx, purchase._id, distribution, session);
      return { status: 'already-completed' } as const;
    }

    if (distribution.payouts.length > 0) {
      await models.User.bulkWrite(
        distribution.payouts.map((p) => ({ updateOne: { filter: { _id: p.userId }, update: { $inc: { rewardPoints: p.amount } } } })),
        { session, ordered: true },
      );
      onRollback(() =>
        models.User.bulkWrite(
          distribution.payouts.map((p) => ({ updateOne: { filter: { _id: p.userId }, update: { $inc: { rewardPoints: -p.amount } } } })),
        ),
      );
    }

    if (buyerLevel !== buyer.level) {
      // Conditional on the level read, so a concurrent upgrade is never undone.
      await models.User.updateOne({ _id: buyer._id, level: buyer.level }, { $set: { level: buyerLevel } }, { session });
    }

    // Last, so that `completed` means everything above is visible.
    const completed = await markCompleted(ctx, purchase._id, distribution, session);
    if (session && completed.modifiedCount !== 1) throw new Error(`Purchase ${transactionId} was completed concurrently`);
    return { status: 'completed', distribution, buyerLevel } as const;
  });
}

async function writeLedgerEntries(
  ctx: AppContext,
  purchase: LedgerDoc,
  distribution: Distribution,
  session: ClientSession | undefined,
  onRollback: OnRollback,
): Promise<boolean> {
  const pid = purchase._id.toString();
  const base = { purchase: purchase._id as Types.ObjectId };
  // The app_revenue entry comes first: its unique key is the per-purchase guard that lets only
  // one run write entries and credit points when there is no transaction to serialize runs.
  const entries = [
    { ...base, type: 'app_revenue' as const, entryKey: `app_revenue:${pid}`, user: null, amount: distribution.appRevenue, slot: null },
    ...distribution.payouts.map((p) => ({
      ...base,
      type: 'reward' as const,
      entryKey: `reward:${pid}:${p.userId}:${p.slot}`,
      user: p.userId,
      amount: p.amount,
      slot: p.slot,
    })),
    { ...base, type: 'gifts_pool' as const, entryKey: `gifts_pool:${pid}`, user: null, amount: distribution.giftsPool, slot: null },
  ];
  const undo = () => ctx.database.models.Ledger.deleteMany({ purchase: purchase._id, type: { $ne: 'purchase' } });
  try {
    await ctx.database.models.Ledger.insertMany(entries, { session, ordered: true });
  } catch (error) {
    // A duplicate of the first entry: another run got there first and owns the rest (not ours to undo).
    if (!session && isDuplicateKeyError(error)) return false;
    onRollback(undo); // a partial insert of this run's own entries
    throw error;
  }
  onRollback(undo);
  return true;
}

async function markCompleted(ctx: AppContext, purchaseId: Types.ObjectId, distribution: Distribution, session: ClientSession | undefined) {
  return ctx.database.models.Ledger.updateOne(
    { _id: purchaseId, 'rewards.status': { $ne: 'completed' } },
    {
      $set: {
        'rewards.status': 'completed',
        'rewards.totalRewardPoints': distribution.totalRewardPoints,
        'rewards.distribution': distribution,
        'rewards.lastError': null,
        'rewards.completedAt': new Date(),
      },
    },
    { session },
  );
}

/**
 * Marks the start of a job run on the purchase: `processing`, one more attempt. Returns false
 * when the purchase is already completed (nothing to do).
 */
export async function startRewardsAttempt(ctx: AppContext, transactionId: string): Promise<boolean> {
  const { models } = ctx.database;
  const started = await models.Ledger.updateOne(
    { _id: transactionId, type: 'purchase', 'rewards.status': { $ne: 'completed' } },
    { $set: { 'rewards.status': 'processing' }, $inc: { 'rewards.attempts': 1 } },
  );
  if (started.modifiedCount === 1) return true;
  const exists = await models.Ledger.exists({ _id: transactionId, type: 'purchase' });
  if (!exists) throw new UnrecoverableJobError(`Purchase ${transactionId} does not exist`);
  return false;
}

/** Records a failed attempt on the purchase; after the last one the purchase says `failed`. */
export async function recordRewardsFailure(ctx: AppContext, transactionId: string, error: Error, lastAttempt: boolean): Promise<void> {
  await ctx.database.models.Ledger.updateOne(
    { _id: transactionId, type: 'purchase', 'rewards.status': { $ne: 'completed' } },
    { $set: { 'rewards.status': lastAttempt ? 'failed' : 'processing', 'rewards.lastError': error.message.slice(0, 1000) } },
  );
}
