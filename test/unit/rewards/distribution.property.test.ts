import { expect } from 'chai';
import fc from 'fast-check';
import {
  computeDistribution,
  type Distribution,
  type DistributionInput,
  type SkipReason,
  type UplineMember,
} from '../../../src/rewards/distribution.js';
import { DEFAULT_REWARD_RULES, LEVELS, type Level, type RewardRules } from '../../../src/rewards/rules.js';

const RUNS = { numRuns: 500 };
const BUYER = 'buyer';

const mostlyTrue = fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 });
const level: fc.Arbitrary<Level | null> = fc.oneof(
  { arbitrary: fc.constantFrom(...LEVELS), weight: 6 },
  { arbitrary: fc.constant(null), weight: 1 },
);

const randomRules: fc.Arbitrary<RewardRules> = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
  .chain(([rewardBps, appRevenueBps]) =>
    fc.integer({ min: 0, max: 10_000 - appRevenueBps }).chain((treeBps) =>
      fc.record({
        rewardBps: fc.constant(rewardBps),
        appRevenueBps: fc.constant(appRevenueBps),
        treeBps: fc.constant(treeBps),
        slotBps: fc.integer({ min: 0, max: treeBps }),
        maxDepth: fc.integer({ min: 1, max: 60 }),
      }),
    ),
  );
const rules = fc.oneof(fc.constant(DEFAULT_REWARD_RULES), randomRules);

const cartTotal = fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 1_000_000_000 }));

/**
 * Uplines of 0..60 distinct users; in some of them one position repeats an earlier user or the buyer,
 * as a corrupt referral chain would.
 */
const upline: fc.Arbitrary<UplineMember[]> = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 60, size: 'max' }),
    fc.array(fc.record({ level, isActive: mostlyTrue, isVerified: mostlyTrue }), { minLength: 60, maxLength: 60 }),
    fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.record({ at: fc.nat(), copyOf: fc.nat() }), weight: 1 },
    ),
  )
  .map(([ids, attributes, repeat]) => {
    const userIds = ids.map((id) => `u${id}`);
    if (repeat !== null && userIds.length > 0) {
      const at = repeat.at % userIds.length;
      const source = repeat.copyOf % (at + 1);
      userIds[at] = source === at ? BUYER : userIds[source]!;
    }
    return userIds.map((userId, i) => ({ userId, ...attributes[i]! }));
  });

const input: fc.Arbitrary<DistributionInput> = fc.record({
  cartTotal,
  buyerId: fc.constant(BUYER),
  upline,
  rules,
});

const floorBps = (amount: number, bps: number): number => Number((BigInt(amount) * BigInt(bps)) / 10_000n);
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const isEligible = (m: UplineMember): boolean => m.isActive && m.isVerified && m.level !== null;

function expectedSkipReason(m: UplineMember, levelsSeen: ReadonlySet<Level>): SkipReason | null {
  if (!m.isActive) return 'inactive';
  if (!m.isVerified) return 'unverified';
  if (m.level === null) return 'no_level';
  if (m.level !== 'J' && levelsSeen.has(m.level)) return 'duplicate_level';
  return null;
}

/** The members the walk visited: up to maxDepth, and up to and including a cycle stop. */
function walkedMembers(input: DistributionInput, d: Distribution): UplineMember[] {
  const cycle = d.skipped.find((s) => s.reason === 'cycle');
  return input.upline.slice(0, cycle ? cycle.depth : input.rules.maxDepth);
}

function check(property: (input: DistributionInput, d: Distribution) => void): void {
  fc.assert(
    fc.property(input, (i) => property(i, computeDistribution(i))),
    RUNS,
  );
}

describe('reward distribution over random trees', () => {
  it('conserves every reward point exactly: appRevenue + giftsPool + treePaid = totalRewardPoints', () => {
    check((i, d) => {
      expect(d.appRevenue + d.giftsPool + d.treePaid).to.equal(d.totalRewardPoints);
      expect(d.treePaid).to.equal(sum(d.payouts.map((p) => p.amount)));
      expect(d.unusedTreeBudget).to.equal(d.treeBudget - d.treePaid);
      expect(d.giftsPool).to.equal(d.giftsPoolBase + d.unusedTreeBudget);
      expect(d.giftsPoolBase).to.equal(d.totalRewardPoints - d.appRevenue - d.treeBudget);
    });
  });

  it('computes the shares as exact floors of the basis points', () => {
    check((i, d) => {
      const R = floorBps(i.cartTotal, i.rules.rewardBps);
      expect(d.cartTotal).to.equal(i.cartTotal);
      expect(d.totalRewardPoints).to.equal(R);
      expect(d.appRevenue).to.equal(floorBps(R, i.rules.appRevenueBps));
      expect(d.treeBudget).to.equal(floorBps(R, i.rules.treeBps));
      expect(d.slotAmount).to.equal(floorBps(R, i.rules.slotBps));
    });
  });

  it('produces only non-negative integer amounts, and no 0 payout', () => {
    check((_, d) => {
      const amounts = [
        d.totalRewardPoints, d.appRevenue, d.treeBudget, d.giftsPool, d.slotAmount,
        d.treePaid, d.giftsPoolBase, d.unusedTreeBudget,
      ];
      for (const amount of amounts) expect(Number.isSafeInteger(amount) && amount >= 0, String(amount)).to.equal(true);
      for (const p of d.payouts) expect(Number.isSafeInteger(p.amount) && p.amount > 0, String(p.amount)).to.equal(true);
    });
  });

  it('never pays more than the tree budget, nor more than a slot to anyone', () => {
    check((_, d) => {
      expect(d.treePaid).to.be.at.most(d.treeBudget);
      for (const p of d.payouts) expect(p.amount).to.be.at.most(d.slotAmount);
    });
  });

  it('pays each level A..I at most once', () => {
    check((_, d) => {
      const slots = d.payouts.filter((p) => p.slot !== 'J').map((p) => p.slot);
      expect(new Set(slots).size).to.equal(slots.length);
    });
  });

  it('pays every J member the same amount, in one pot no bigger than a slot', () => {
    check((_, d) => {
      const j = d.payouts.filter((p) => p.slot === 'J');
      expect(new Set(j.map((p) => p.amount)).size).to.be.at.most(1);
      expect(sum(j.map((p) => p.amount))).to.be.at.most(d.slotAmount);
    });
  });

  it('lists A..I payouts in walk order, then J payouts in walk order', () => {
    check((_, d) => {
      const firstJ = d.payouts.findIndex((p) => p.slot === 'J');
      const [levels, js] = firstJ === -1 ? [d.payouts, []] : [d.payouts.slice(0, firstJ), d.payouts.slice(firstJ)];
      expect(js.every((p) => p.slot === 'J')).to.equal(true);
      for (const group of [levels, js]) {
        const depths = group.map((p) => p.depth);
        expect(depths).to.deep.equal([...depths].sort((a, b) => a - b));
      }
    });
  });

  it('never pays a user twice, nor the buyer', () => {
    check((_, d) => {
      const paid = d.payouts.map((p) => p.userId);
      expect(new Set(paid).size).to.equal(paid.length);
      expect(paid).not.to.include(BUYER);
    });
  });

  it('only pays and skips walked members, each at its own depth, each at most once', () => {
    check((i, d) => {
      const walked = walkedMembers(i, d);
      const entries = [...d.payouts, ...d.skipped];
      for (const e of entries) {
        expect(e.depth).to.be.within(1, walked.length);
        expect(walked[e.depth - 1]?.userId).to.equal(e.userId);
      }
      const depths = entries.map((e) => e.depth);
      expect(new Set(depths).size).to.equal(depths.length);
    });
  });

  it('pays only eligible members, with the slot of their level', () => {
    check((i, d) => {
      for (const p of d.payouts) {
        const m = i.upline[p.depth - 1]!;
        expect(isEligible(m)).to.equal(true);
        expect(p.slot).to.equal(m.level);
      }
    });
  });

  it('stops at most once for a cycle, at a user already seen or the buyer, as the last skip', () => {
    check((i, d) => {
      const cycles = d.skipped.filter((s) => s.reason === 'cycle');
      expect(cycles.length).to.be.at.most(1);
      const [cycle] = cycles;
      if (cycle === undefined) return;
      expect(d.skipped.at(-1)).to.equal(cycle);
      const before = i.upline.slice(0, cycle.depth - 1).map((m) => m.userId);
      expect([BUYER, ...before]).to.include(cycle.userId);
      expect(new Set(before).size, 'no earlier repeat was missed').to.equal(before.length);
    });
  });

  it('skips exactly the ineligible and duplicate-level members, for their true reason', () => {
    check((i, d) => {
      const stoppedByCycle = d.skipped.some((s) => s.reason === 'cycle');
      const visited = walkedMembers(i, d).slice(0, stoppedByCycle ? -1 : undefined);
      const seenLevels = new Set<Level>();
      const expected = visited.flatMap((m, index) => {
        const depth = index + 1;
        const reason = expectedSkipReason(m, seenLevels);
        if (m.isActive && m.isVerified && m.level !== null) seenLevels.add(m.level);
        return reason === null ? [] : [{ userId: m.userId, depth, reason }];
      });
      expect(d.skipped.filter((s) => s.reason !== 'cycle')).to.deep.equal(expected);
    });
  });

  it('leaves a walked member neither paid nor skipped only when there was nothing left to pay', () => {
    check((i, d) => {
      const accounted = new Set([...d.payouts, ...d.skipped].map((e) => e.depth));
      const levelPayouts = d.payouts.filter((p) => p.slot !== 'J');
      const jPaid = d.payouts.some((p) => p.slot === 'J');
      walkedMembers(i, d).forEach((m, index) => {
        const depth = index + 1;
        if (accounted.has(depth)) return;
        expect(isEligible(m), `depth ${depth}`).to.equal(true);
        if (m.level === 'J') {
          expect(jPaid, `J member at depth ${depth}`).to.equal(false);
        } else {
          const paidBefore = sum(levelPayouts.filter((p) => p.depth < depth).map((p) => p.amount));
          expect(d.slotAmount === 0 || paidBefore === d.treeBudget, `depth ${depth}`).to.equal(true);
        }
      });
    });
  });

  it('pays every first eligible A..I member a full slot when the budget covers all ten slots', () => {
    check((i, d) => {
      if (d.treeBudget < 10 * d.slotAmount || d.slotAmount === 0) return;
      const stoppedByCycle = d.skipped.some((s) => s.reason === 'cycle');
      const visited = walkedMembers(i, d).slice(0, stoppedByCycle ? -1 : undefined);
      const firstOfLevel = new Set<Level>();
      for (const m of visited) {
        if (isEligible(m) && m.level !== 'J' && m.level !== null) firstOfLevel.add(m.level);
      }
      const levelPayouts = d.payouts.filter((p) => p.slot !== 'J');
      expect(levelPayouts.map((p) => p.slot).sort()).to.deep.equal([...firstOfLevel].sort());
      for (const p of levelPayouts) expect(p.amount).to.equal(d.slotAmount);
    });
  });

  it('reports a depth limit exactly when the walk was cut at maxDepth', () => {
    check((i, d) => {
      const stoppedByCycle = d.skipped.some((s) => s.reason === 'cycle');
      expect(d.depthLimited).to.equal(!stoppedByCycle && i.upline.length > i.rules.maxDepth);
    });
  });

  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(input, (i) => {
        const snapshot = structuredClone(i);
        const first = computeDistribution(i);
        expect(computeDistribution(structuredClone(i))).to.deep.equal(first);
        expect(i).to.deep.equal(snapshot);
      }),
      RUNS,
    );
  });
});
