/**
 * The reward distribution of one purchase (docs/spec.md §5), as a pure function: cart total + upline snapshot
 * + rules → who gets what. No I/O, no clock, no randomness; integer arithmetic, rounding by floor, and
 * every remainder ends in the gifts pool, so that
 *   appRevenue + giftsPool + treePaid === totalRewardPoints
 * holds exactly for every input.
 */
import { LEVELS, bpsShare, isLevel, validateRewardRules, type Level, type RewardRules } from './rules.js';

export interface UplineMember {
  userId: string;
  level: Level | null;
  isActive: boolean;
  isVerified: boolean;
}

export interface DistributionInput {
  cartTotal: number;
  buyerId: string;
  /** nearest first: referrer, referrer's referrer, ... */
  upline: readonly UplineMember[];
  rules: RewardRules;
}

export type SkipReason = 'inactive' | 'unverified' | 'no_level' | 'duplicate_level' | 'cycle';

export interface Payout {
  userId: string;
  slot: Level;
  amount: number;
  /** 1 = direct referrer */
  depth: number;
}

export interface Skip {
  userId: string;
  depth: number;
  reason: SkipReason;
}

export interface Distribution {
  cartTotal: number;
  totalRewardPoints: number;
  appRevenue: number;
  treeBudget: number;
  /** giftsPoolBase + unusedTreeBudget */
  giftsPool: number;
  slotAmount: number;
  /** A..I payouts in walk order, then J payouts in walk order */
  payouts: Payout[];
  skipped: Skip[];
  /** sum of payouts */
  treePaid: number;
  /** R - appRevenue - treeBudget */
  giftsPoolBase: number;
  /** treeBudget - treePaid (unpaid slots, skipped people, J rounding); included in giftsPool */
  unusedTreeBudget: number;
  /** the upline was longer than maxDepth and was cut there */
  depthLimited: boolean;
}

/**
 * Computes the distribution of one purchase. Throws a TypeError for a malformed input and a
 * RangeError for out-of-range numbers or invalid rules.
 *
 * Decisions where docs/spec.md §5 is silent:
 * - The walk stops at the first repeated user (or the buyer): it is recorded as a 'cycle' skip, and
 *   nobody above it is visited, since above a cycle the upline only repeats itself.
 * - Ineligibility is checked in this order: inactive, unverified, no level. Only one reason is recorded.
 * - An A..I slot whose amount is 0 (the tree budget is exhausted, or the slot share rounds to 0) is
 *   consumed without a payout: no 0-amount payout is written, and a later member of the same level is
 *   skipped as 'duplicate_level'. The member is neither paid nor skipped.
 * - J members share one pot of min(slot, remaining budget); each gets floor(pot / count). When that is
 *   0 nobody in the group gets a payout. The rounding remainder goes to the gifts pool.
 */
export function computeDistribution(input: DistributionInput): Distribution {
  assertValidInput(input);
  const { cartTotal, buyerId, upline, rules } = input;

  const totalRewardPoints = bpsShare(cartTotal, rules.rewardBps);
  const appRevenue = bpsShare(totalRewardPoints, rules.appRevenueBps);
  const treeBudget = bpsShare(totalRewardPoints, rules.treeBps);
  const giftsPoolBase = totalRewardPoints - appRevenue - treeBudget;
  const slotAmount = bpsShare(totalRewardPoints, rules.slotBps);

  const payouts: Payout[] = [];
  const skipped: Skip[] = [];
  const consumedSlots = new Set<Level>();
  const jGroup: { userId: string; depth: number }[] = [];
  const seen = new Set<string>([buyerId]);
  let remaining = treeBudget;
  let stoppedByCycle = false;

  const walked = upline.slice(0, rules.maxDepth);
  for (const [index, member] of walked.entries()) {
    const depth = index + 1;
    const { userId } = member;
    if (seen.has(userId)) {
      skipped.push({ userId, depth, reason: 'cycle' });
      stoppedByCycle = true;
      break;
    }
    seen.add(userId);

    const { level } = member;
    const ineligible = ineligibility(member);
    if (ineligible !== null || level === null) {
      skipped.push({ userId, depth, reason: ineligible ?? 'no_level' });
      continue;
    }
    if (level === 'J') {
      jGroup.push({ userId, depth });
      continue;
    }
    if (consumedSlots.has(level)) {
      skipped.push({ userId, depth, reason: 'duplicate_level' });
      continue;
    }
    consumedSlots.add(level);
    const amount = Math.min(slotAmount, remaining);
    if (amount > 0) {
      payouts.push({ userId, slot: level, amount, depth });
      remaining -= amount;
    }
  }

  if (jGroup.length > 0) {
    const pot = Math.min(slotAmount, remaining);
    const share = Math.floor(pot / jGroup.length);
    if (share > 0) {
      for (const { userId, depth } of jGroup) payouts.push({ userId, slot: 'J', amount: share, depth });
      remaining -= share * jGroup.length;
    }
  }

  const treePaid = treeBudget - remaining;
  const giftsPool = giftsPoolBase + remaining;
  if (appRevenue + giftsPool + treePaid !== totalRewardPoints || remaining < 0) {
    // Unreachable by construction; a broken invariant must never reach the ledger.
    throw new Error(`reward conservation broken for cart total ${cartTotal}`);
  }

  return {
    cartTotal,
    totalRewardPoints,
    appRevenue,
    treeBudget,
    giftsPool,
    slotAmount,
    payouts,
    skipped,
    treePaid,
    giftsPoolBase,
    unusedTreeBudget: remaining,
    depthLimited: !stoppedByCycle && upline.length > rules.maxDepth,
  };
}

function ineligibility(member: UplineMember): SkipReason | null {
  if (!member.isActive) return 'inactive';
  if (!member.isVerified) return 'unverified';
  if (member.level === null) return 'no_level';
  return null;
}

function assertValidInput(input: DistributionInput): void {
  if (typeof input !== 'object' || input === null) throw new TypeError('distribution input must be an object');
  const { cartTotal, buyerId, upline, rules } = input;

  if (typeof cartTotal !== 'number') throw new TypeError(`cartTotal must be a number, got ${typeof cartTotal}`);
  if (!Number.isSafeInteger(cartTotal) || cartTotal < 0) {
    throw new RangeError(`cartTotal must be a non-negative safe integer, got ${cartTotal}`);
  }
  if (typeof buyerId !== 'string' || buyerId === '') throw new TypeError('buyerId must be a non-empty string');
  if (!Array.isArray(upline)) throw new TypeError('upline must be an array');
  upline.forEach((member: unknown, index) => assertUplineMember(member, index + 1));

  if (typeof rules !== 'object' || rules === null) throw new TypeError('rules must be an object');
  const problems = validateRewardRules(rules);
  if (problems.length > 0) throw new RangeError(`invalid reward rules: ${problems.join('; ')}`);
}

function assertUplineMember(member: unknown, depth: number): void {
  if (typeof member !== 'object' || member === null) {
    throw new TypeError(`upline member at depth ${depth} must be an object`);
  }
  const { userId, level, isActive, isVerified } = member as Record<string, unknown>;
  if (typeof userId !== 'string' || userId === '') {
    throw new TypeError(`upline member at depth ${depth}: userId must be a non-empty string`);
  }
  if (level !== null && !isLevel(level)) {
    throw new TypeError(
      `upline member ${userId} at depth ${depth}: level must be one of ${LEVELS.join(', ')} or null, got ${String(level)}`,
    );
  }
  if (typeof isActive !== 'boolean' || typeof isVerified !== 'boolean') {
    throw new TypeError(`upline member ${userId} at depth ${depth}: isActive and isVerified must be booleans`);
  }
}
