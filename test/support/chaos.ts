import { computeDistribution, type Distribution, type UplineMember } from '../../src/rewards/distribution.js';
import type { LedgerDoc } from '../../src/infra/database/models.js';
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
