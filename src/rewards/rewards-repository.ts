import type { ClientSession, Types } from 'mongoose';
import { insertLedgerEntries } from '../infra/database/insert-entries.js';
import type { LedgerDoc, Models, UserDoc } from '../infra/database/models.js';
import { complete } from '../purchases/data/transitions.js';
import type { Level } from './rules.js';
import type { Distribution, UplineMember } from './distribution.js';
import { findPurchase } from '../purchases/data/find-purchase.js';

/**
 * Where the rewards job touches the database, inside its unit of work's transaction: a run is all
 * or nothing, and what stays good on any server stays too — ledger entries have unique keys, the
 * level only goes up, `completed` is set last with the distribution stored for audit.
 */
export class RewardsRepository {
  constructor(
    private readonly models: Models,
    private readonly session: ClientSession,
  ) {}

  private get s() {
    return this.session;
  }

  findPurchase(transactionId: string): Promise<LedgerDoc | null> {
    return findPurchase({ models: this.models, session: this.s }, transactionId);
  }

  findBuyer(purchase: LedgerDoc): Promise<UserDoc | null> {
    return this.models.User.findById(purchase.user).session(this.s).lean<UserDoc>();
  }

  /** The buyer's upline, nearest first, as stored; an ancestor deleted since is not part of the walk. */
  async upline(buyer: UserDoc, maxDepth: number): Promise<UplineMember[]> {
    const ids = buyer.ancestors.slice(0, maxDepth);
    const found = await this.models.User.find({ _id: { $in: ids } }, { level: 1, isActive: 1, isVerified: 1 }).session(this.s).lean();
    const byId = new Map(found.map((a) => [a._id.toString(), a]));
    return ids.flatMap((id) => {
      const a = byId.get(id.toString());
      return a ? [{ userId: a._id.toString(), level: a.level, isActive: a.isActive, isVerified: a.isVerified }] : [];
    });
  }

  /** One entry per payout plus the two system shares, each under a unique key (see insertLedgerEntries). */
  async writeLedgerEntries(purchaseId: Types.ObjectId, distribution: Distribution): Promise<void> {
    const pid = purchaseId.toString();
    const base = { purchase: purchaseId };
    await insertLedgerEntries(
      this.models,
      [
        { ...base, type: 'app_revenue', entryKey: `app_revenue:${pid}`, user: null, amount: distribution.appRevenue, slot: null },
        ...distribution.payouts.map((p) => ({
          ...base,
          type: 'reward' as const,
          entryKey: `reward:${pid}:${p.userId}:${p.slot}`,
          user: p.userId,
          amount: p.amount,
          slot: p.slot,
          depth: p.depth,
        })),
        { ...base, type: 'gifts_pool', entryKey: `gifts_pool:${pid}`, user: null, amount: distribution.giftsPool, slot: null },
      ],
      this.session,
    );
  }

  /** Conditional on the level read, so a concurrent upgrade is never undone; levels only go up. */
  async upgradeLevel(buyer: UserDoc, level: Level | null): Promise<void> {
    if (level === buyer.level) return;
    await this.models.User.updateOne({ _id: buyer._id, level: buyer.level }, { $set: { level } }, { session: this.session });
  }

  /**
   * Last, so that `completed` means every entry above is written. Conditional on no refund having
   * settled the purchase meanwhile. Returns whether this run set it.
   */
  markCompleted(purchaseId: Types.ObjectId, distribution: Distribution): Promise<boolean> {
    return complete({ models: this.models, session: this.session }, purchaseId, distribution);
  }

}
