import { computeDistribution, type Distribution, type UplineMember } from '../../src/rewards/distribution.js';
import type { LedgerDoc } from '../../src/infra/database/models.js';
import { LEVELS } from '../../src/rewards/rules.js';
import type { Customer, Shop } from './shop.js';
import type { TestSystem } from './system.js';

/** A small seeded PRNG (mulberry32), so a failing chaos run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The independent recomputation: docs/spec.md §5 over the buyer's upline as it stands now. */
export async function recomputeDistribution(api: TestSystem, purchase: LedgerDoc): Promise<Distribution> {
  const { User } = api.ctx.database.models;
  const buyer = (await User.findById(purchase.user).lean())!;
  const ancestors = await User.find({ _id: { $in: buyer.ancestors } }).lean();
  const byId = new Map(ancestors.map((a) => [a._id.toString(), a]));
  const upline: UplineMember[] = buyer.ancestors
    .map((id) => byId.get(id.toString())!)
    .map((a) => ({ userId: a._id.toString(), level: a.level, isActive: a.isActive, isVerified: a.isVerified }));
  return computeDistribution({ cartTotal: purchase.amount, buyerId: buyer._id.toString(), upline, rules: api.ctx.config.rewards });
}

/**
 * A random referral tree of `size` referrers, each under an earlier one: random levels (some
 * none, duplicates and J), one in ten inactive and, with `someUnverified`, one in ten unverified.
 * Draws from `random` in a fixed order, so a seed replays the same tree.
 */
export async function randomReferralTree(shop: Shop, random: () => number, size: number, options: { someUnverified: boolean }): Promise<Customer[]> {
  const referrers: Customer[] = [];
  for (let i = 0; i < size; i++) {
    const parent = i === 0 ? null : referrers[Math.floor(random() * i)]!;
    const level = random() < 0.15 ? null : LEVELS[Math.floor(random() * LEVELS.length)]!;
    const isActive = random() > 0.1;
    const isVerified = options.someUnverified ? random() > 0.1 : true;
    referrers.push(await shop.customer({ referrerId: parent?.id ?? null, level, isActive, isVerified }));
  }
  return referrers;
}
