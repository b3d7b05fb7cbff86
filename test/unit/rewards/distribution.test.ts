import { expect } from 'chai';
import { computeDistribution, type DistributionInput, type UplineMember } from '../../../src/rewards/distribution.js';
import { DEFAULT_REWARD_RULES, type Level, type RewardRules } from '../../../src/rewards/rules.js';

const BUYER = 'buyer';

function member(userId: string, level: Level | null, flags: Partial<UplineMember> = {}): UplineMember {
  return { userId, level, isActive: true, isVerified: true, ...flags };
}

function distribute(cartTotal: number, upline: UplineMember[], rules: RewardRules = DEFAULT_REWARD_RULES) {
  return computeDistribution({ cartTotal, buyerId: BUYER, upline, rules });
}

/** One member per level, named after it: a → 'A', b → 'B', ... */
function chain(levels: string): UplineMember[] {
  return [...levels].map((level, index) => member(`u${index + 1}`, level as Level));
}

function conserved(d: ReturnType<typeof distribute>): void {
  expect(d.appRevenue + d.giftsPool + d.treePaid).to.equal(d.totalRewardPoints);
  expect(d.giftsPool).to.equal(d.giftsPoolBase + d.unusedTreeBudget);
  expect(d.treePaid).to.equal(d.payouts.reduce((sum, p) => sum + p.amount, 0));
}

describe('reward distribution', () => {
  describe('the original example: a cart of 1000', () => {
    it('splits 100 reward points into 50 app, 35 tree, 15 gifts pool, with slots of 5', () => {
      const d = distribute(1000, []);
      expect(d).to.include({
        cartTotal: 1000,
        totalRewardPoints: 100,
        appRevenue: 50,
        treeBudget: 35,
        giftsPoolBase: 15,
        slotAmount: 5,
      });
    });

    it('pays 5 to each of seven ancestors A..G, using the whole tree budget', () => {
      const d = distribute(1000, chain('ABCDEFG'));
      expect(d).to.deep.equal({
        cartTotal: 1000,
        totalRewardPoints: 100,
        appRevenue: 50,
        treeBudget: 35,
        giftsPool: 15,
        slotAmount: 5,
        payouts: (['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const).map((slot, i) => ({
          userId: `u${i + 1}`,
          slot,
          amount: 5,
          depth: i + 1,
        })),
        skipped: [],
        treePaid: 35,
        giftsPoolBase: 15,
        unusedTreeBudget: 0,
        depthLimited: false,
      });
    });

    it('pays nothing to an eighth ancestor (H) once the budget is exhausted, and writes no 0 payout', () => {
      const d = distribute(1000, chain('ABCDEFGH'));
      expect(d.payouts).to.have.length(7);
      expect(d.payouts.map((p) => p.userId)).not.to.include('u8');
      expect(d.skipped).to.deep.equal([]);
      expect(d.treePaid).to.equal(35);
      expect(d.giftsPool).to.equal(15);
      conserved(d);
    });

    it('pays the levels in walk order, whatever order they come in', () => {
      const d = distribute(1000, chain('GCA'));
      expect(d.payouts).to.deep.equal([
        { userId: 'u1', slot: 'G', amount: 5, depth: 1 },
        { userId: 'u2', slot: 'C', amount: 5, depth: 2 },
        { userId: 'u3', slot: 'A', amount: 5, depth: 3 },
      ]);
      expect(d.giftsPool).to.equal(15 + 20);
      conserved(d);
    });
  });

  describe('skipped ancestors do not use a slot; their share goes to the gifts pool', () => {
    const cases: { reason: string; flaw: UplineMember }[] = [
      { reason: 'inactive', flaw: member('flawed', 'A', { isActive: false }) },
      { reason: 'unverified', flaw: member('flawed', 'A', { isVerified: false }) },
      { reason: 'no_level', flaw: member('flawed', null) },
    ];
    for (const { reason, flaw } of cases) {
      it(`skips a ${reason} ancestor and lets the next A-level ancestor take slot A`, () => {
        const d = distribute(1000, [flaw, member('next', 'A')]);
        expect(d.skipped).to.deep.equal([{ userId: 'flawed', depth: 1, reason }]);
        expect(d.payouts).to.deep.equal([{ userId: 'next', slot: 'A', amount: 5, depth: 2 }]);
        expect(d.treePaid).to.equal(5);
        expect(d.unusedTreeBudget).to.equal(30);
        expect(d.giftsPool).to.equal(45);
        conserved(d);
      });
    }

    it('records an inactive and unverified ancestor as inactive', () => {
      const d = distribute(1000, [member('x', 'B', { isActive: false, isVerified: false })]);
      expect(d.skipped).to.deep.equal([{ userId: 'x', depth: 1, reason: 'inactive' }]);
    });

    it('skips an inactive J member: it does not join the J group', () => {
      const d = distribute(1000, [member('j1', 'J', { isActive: false }), member('j2', 'J')]);
      expect(d.skipped).to.deep.equal([{ userId: 'j1', depth: 1, reason: 'inactive' }]);
      expect(d.payouts).to.deep.equal([{ userId: 'j2', slot: 'J', amount: 5, depth: 2 }]);
    });

    it('skips a second ancestor of a level already paid', () => {
      const d = distribute(1000, [member('a1', 'A'), member('b1', 'B'), member('a2', 'A')]);
      expect(d.payouts.map((p) => p.userId)).to.deep.equal(['a1', 'b1']);
      expect(d.skipped).to.deep.equal([{ userId: 'a2', depth: 3, reason: 'duplicate_level' }]);
      expect(d.treePaid).to.equal(10);
      expect(d.giftsPool).to.equal(15 + 25);
      conserved(d);
    });

    it('keeps walking past skipped ancestors', () => {
      const upline = [
        member('i1', 'A', { isActive: false }),
        member('a1', 'A'),
        member('n1', null),
        member('a2', 'A'),
        member('v1', 'B', { isVerified: false }),
        member('b1', 'B'),
      ];
      const d = distribute(1000, upline);
      expect(d.payouts.map((p) => [p.userId, p.slot, p.depth])).to.deep.equal([
        ['a1', 'A', 2],
        ['b1', 'B', 6],
      ]);
      expect(d.skipped.map((s) => [s.userId, s.reason, s.depth])).to.deep.equal([
        ['i1', 'inactive', 1],
        ['n1', 'no_level', 3],
        ['a2', 'duplicate_level', 4],
        ['v1', 'unverified', 5],
      ]);
      conserved(d);
    });

    it('gives the whole tree budget to the gifts pool when every ancestor is skipped', () => {
      const d = distribute(1000, [member('x', 'A', { isActive: false }), member('y', null)]);
      expect(d.payouts).to.deep.equal([]);
      expect(d.treePaid).to.equal(0);
      expect(d.giftsPool).to.equal(50);
      conserved(d);
    });
  });

  describe('the J group', () => {
    it('gives a single J member the whole slot', () => {
      const d = distribute(1000, [member('j1', 'J')]);
      expect(d.payouts).to.deep.equal([{ userId: 'j1', slot: 'J', amount: 5, depth: 1 }]);
    });

    it('shares one slot between J members, floor each, and sends the remainder to the gifts pool', () => {
      const d = distribute(1000, [member('j1', 'J'), member('j2', 'J'), member('j3', 'J')]);
      expect(d.payouts).to.deep.equal([
        { userId: 'j1', slot: 'J', amount: 1, depth: 1 },
        { userId: 'j2', slot: 'J', amount: 1, depth: 2 },
        { userId: 'j3', slot: 'J', amount: 1, depth: 3 },
      ]);
      expect(d.treePaid).to.equal(3);
      expect(d.unusedTreeBudget).to.equal(32); // 30 unused slots + remainder 2
      expect(d.giftsPool).to.equal(47);
      conserved(d);
    });

    it('shares exactly when the slot divides evenly', () => {
      const group = ['j1', 'j2', 'j3', 'j4', 'j5'].map((id) => member(id, 'J'));
      const d = distribute(1000, group);
      expect(d.payouts.map((p) => p.amount)).to.deep.equal([1, 1, 1, 1, 1]);
      expect(d.treePaid).to.equal(5);
    });

    it('writes no payout when the share rounds down to 0, and the slot goes to the gifts pool', () => {
      const group = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'].map((id) => member(id, 'J'));
      const d = distribute(1000, group);
      expect(d.payouts).to.deep.equal([]);
      expect(d.skipped).to.deep.equal([]);
      expect(d.giftsPool).to.equal(50);
      conserved(d);
    });

    it('is not deduplicated by level, and is paid after all A..I payouts, in walk order', () => {
      const upline = [member('j1', 'J'), member('a1', 'A'), member('j2', 'J'), member('b1', 'B'), member('j3', 'J')];
      const d = distribute(1000, upline);
      expect(d.payouts).to.deep.equal([
        { userId: 'a1', slot: 'A', amount: 5, depth: 2 },
        { userId: 'b1', slot: 'B', amount: 5, depth: 4 },
        { userId: 'j1', slot: 'J', amount: 1, depth: 1 },
        { userId: 'j2', slot: 'J', amount: 1, depth: 3 },
        { userId: 'j3', slot: 'J', amount: 1, depth: 5 },
      ]);
      expect(d.skipped).to.deep.equal([]);
      expect(d.treePaid).to.equal(13);
      expect(d.giftsPool).to.equal(15 + 22);
      conserved(d);
    });

    it('gets nothing when A..I ancestors already used the whole budget', () => {
      const d = distribute(1000, [...chain('ABCDEFG'), member('j1', 'J')]);
      expect(d.payouts.filter((p) => p.slot === 'J')).to.deep.equal([]);
      expect(d.treePaid).to.equal(35);
      conserved(d);
    });

    it('shares only what is left of the budget when less than a slot remains', () => {
      // 900 → R 90, app 45, tree 31, base 14, slot 4; A..G take 28, 3 are left for the J pot
      const d = distribute(900, [member('j1', 'J'), ...chain('ABCDEFG'), member('j2', 'J')]);
      const jPayouts = d.payouts.filter((p) => p.slot === 'J');
      expect(jPayouts).to.deep.equal([
        { userId: 'j1', slot: 'J', amount: 1, depth: 1 },
        { userId: 'j2', slot: 'J', amount: 1, depth: 9 },
      ]);
      expect(d.treePaid).to.equal(30);
      expect(d.unusedTreeBudget).to.equal(1);
      expect(d.giftsPool).to.equal(15);
      conserved(d);
    });
  });

  describe('tree budget exhaustion', () => {
    it('pays the last slot only what remains of the budget', () => {
      // 1100 → R 110, app 55, tree 38, base 17, slot 5: A..G take 35, H gets the last 3
      const d = distribute(1100, chain('ABCDEFGHI'));
      expect(d).to.include({ totalRewardPoints: 110, appRevenue: 55, treeBudget: 38, giftsPoolBase: 17, slotAmount: 5 });
      expect(d.payouts.map((p) => p.amount)).to.deep.equal([5, 5, 5, 5, 5, 5, 5, 3]);
      expect(d.payouts.at(-1)).to.deep.equal({ userId: 'u8', slot: 'H', amount: 3, depth: 8 });
      expect(d.treePaid).to.equal(38);
      expect(d.giftsPool).to.equal(17);
      conserved(d);
    });

    it('consumes a slot that finds the budget empty: a later ancestor of that level is a duplicate', () => {
      const d = distribute(1000, [...chain('ABCDEFGH'), member('h2', 'H')]);
      expect(d.payouts).to.have.length(7);
      expect(d.skipped).to.deep.equal([{ userId: 'h2', depth: 9, reason: 'duplicate_level' }]);
    });

    it('never pays more than the tree budget, even with every level present', () => {
      const d = distribute(12_345, [...chain('ABCDEFGHI'), member('j1', 'J'), member('j2', 'J')]);
      expect(d.treePaid).to.be.at.most(d.treeBudget);
      expect(d.treePaid).to.equal(d.treeBudget);
      conserved(d);
    });
  });

  describe('cycles in the referral tree', () => {
    it('stops the walk at a user already seen, recording it as a cycle', () => {
      const upline = [member('u1', 'A'), member('u2', 'B'), member('u1', 'A'), member('u3', 'C')];
      const d = distribute(1000, upline);
      expect(d.payouts.map((p) => p.userId)).to.deep.equal(['u1', 'u2']);
      expect(d.skipped).to.deep.equal([{ userId: 'u1', depth: 3, reason: 'cycle' }]);
      expect(d.depthLimited).to.equal(false);
      conserved(d);
    });

    it('stops at the buyer found in their own upline', () => {
      const d = distribute(1000, [member('u1', 'A'), member(BUYER, 'B'), member('u3', 'C')]);
      expect(d.payouts.map((p) => p.userId)).to.deep.equal(['u1']);
      expect(d.skipped).to.deep.equal([{ userId: BUYER, depth: 2, reason: 'cycle' }]);
    });

    it('pays nothing to a buyer who is their own referrer', () => {
      const d = distribute(1000, [member(BUYER, 'A')]);
      expect(d.payouts).to.deep.equal([]);
      expect(d.skipped).to.deep.equal([{ userId: BUYER, depth: 1, reason: 'cycle' }]);
      expect(d.giftsPool).to.equal(50);
    });

    it('detects a repeat even of a skipped user', () => {
      const d = distribute(1000, [member('x', null), member('u2', 'A'), member('x', null)]);
      expect(d.skipped).to.deep.equal([
        { userId: 'x', depth: 1, reason: 'no_level' },
        { userId: 'x', depth: 3, reason: 'cycle' },
      ]);
    });

    it('cannot pay a J member twice through a loop', () => {
      const d = distribute(1000, [member('j1', 'J'), member('j2', 'J'), member('j1', 'J')]);
      expect(d.payouts).to.deep.equal([
        { userId: 'j1', slot: 'J', amount: 2, depth: 1 },
        { userId: 'j2', slot: 'J', amount: 2, depth: 2 },
      ]);
      conserved(d);
    });
  });

  describe('the depth limit', () => {
    const rules = { ...DEFAULT_REWARD_RULES, maxDepth: 3 };

    it('walks at most maxDepth ancestors and says the upline was cut', () => {
      const d = distribute(1000, chain('ABCDE'), rules);
      expect(d.payouts.map((p) => p.slot)).to.deep.equal(['A', 'B', 'C']);
      expect(d.depthLimited).to.equal(true);
      expect(d.giftsPool).to.equal(15 + 20);
      conserved(d);
    });

    it('is not reported when the upline is exactly maxDepth long', () => {
      const d = distribute(1000, chain('ABC'), rules);
      expect(d.payouts).to.have.length(3);
      expect(d.depthLimited).to.equal(false);
    });

    it('ignores a cycle beyond the limit', () => {
      const d = distribute(1000, [...chain('ABC'), member('u1', 'A')], rules);
      expect(d.skipped).to.deep.equal([]);
      expect(d.depthLimited).to.equal(true);
    });

    it('defaults to 50 ancestors', () => {
      const upline = Array.from({ length: 60 }, (_, i) => member(`u${i + 1}`, i === 55 ? 'A' : null));
      const d = distribute(1000, upline);
      expect(d.payouts).to.deep.equal([]);
      expect(d.skipped).to.have.length(50);
      expect(d.skipped.at(-1)).to.deep.equal({ userId: 'u50', depth: 50, reason: 'no_level' });
      expect(d.depthLimited).to.equal(true);
    });
  });

  describe('amounts', () => {
    it('sends the whole tree budget to the gifts pool when there is no upline', () => {
      const d = distribute(1000, []);
      expect(d.payouts).to.deep.equal([]);
      expect(d.skipped).to.deep.equal([]);
      expect(d.treePaid).to.equal(0);
      expect(d.unusedTreeBudget).to.equal(35);
      expect(d.giftsPool).to.equal(50);
      conserved(d);
    });

    it('gives nothing to anyone for a cart total of 0', () => {
      const d = distribute(0, chain('ABJ'));
      expect(d).to.deep.equal({
        cartTotal: 0,
        totalRewardPoints: 0,
        appRevenue: 0,
        treeBudget: 0,
        giftsPool: 0,
        slotAmount: 0,
        payouts: [],
        skipped: [],
        treePaid: 0,
        giftsPoolBase: 0,
        unusedTreeBudget: 0,
        depthLimited: false,
      });
    });

    it('gives no reward points for a cart total of 9 (10% rounds down to 0)', () => {
      const d = distribute(9, chain('AB'));
      expect(d.totalRewardPoints).to.equal(0);
      expect(d.payouts).to.deep.equal([]);
    });

    it('sends the rounding of small totals to the gifts pool', () => {
      // 10 → R 1: app 0, tree 0, gifts 1
      expect(distribute(10, chain('A'))).to.include({ totalRewardPoints: 1, appRevenue: 0, treeBudget: 0, giftsPool: 1 });
      // 100 → R 10: app 5, tree 3, slot 0 → no payouts, gifts 2 + 3
      const d100 = distribute(100, chain('ABC'));
      expect(d100).to.include({ totalRewardPoints: 10, appRevenue: 5, treeBudget: 3, slotAmount: 0, giftsPool: 5 });
      expect(d100.payouts).to.deep.equal([]);
      // 200 → R 20: app 10, tree 7, slot 1 → A..G get 1 each
      const d200 = distribute(200, chain('ABCDEFGHI'));
      expect(d200.payouts.map((p) => p.amount)).to.deep.equal([1, 1, 1, 1, 1, 1, 1]);
      expect(d200.giftsPool).to.equal(3);
      for (const d of [d100, d200]) conserved(d);
    });

    it('is exact for large totals', () => {
      const d = distribute(100_000_000_000, [...chain('ABC'), member('j1', 'J'), member('j2', 'J'), member('j3', 'J')]);
      expect(d).to.include({
        totalRewardPoints: 10_000_000_000,
        appRevenue: 5_000_000_000,
        treeBudget: 3_500_000_000,
        giftsPoolBase: 1_500_000_000,
        slotAmount: 500_000_000,
      });
      expect(d.payouts.map((p) => p.amount)).to.deep.equal([
        500_000_000, 500_000_000, 500_000_000, 166_666_666, 166_666_666, 166_666_666,
      ]);
      expect(d.giftsPool).to.equal(1_500_000_000 + 3_500_000_000 - 1_500_000_000 - 499_999_998);
      conserved(d);
    });

    it('follows custom rules', () => {
      const rules: RewardRules = { rewardBps: 2000, appRevenueBps: 4000, treeBps: 6000, slotBps: 1000, maxDepth: 10 };
      // 1000 → R 200: app 80, tree 120, base 0, slot 20
      const d = distribute(1000, chain('ABCDEFGHI'), rules);
      expect(d).to.include({ totalRewardPoints: 200, appRevenue: 80, treeBudget: 120, giftsPoolBase: 0, slotAmount: 20 });
      expect(d.payouts.map((p) => p.amount)).to.deep.equal([20, 20, 20, 20, 20, 20]);
      expect(d.giftsPool).to.equal(0);
      conserved(d);
    });
  });

  describe('purity', () => {
    it('gives the same result for the same input and does not touch the input', () => {
      const input: DistributionInput = {
        cartTotal: 4321,
        buyerId: BUYER,
        upline: Object.freeze(chain('AJBJA').map((m) => Object.freeze(m))),
        rules: Object.freeze({ ...DEFAULT_REWARD_RULES }),
      };
      const snapshot = structuredClone(input);
      expect(computeDistribution(input)).to.deep.equal(computeDistribution(input));
      expect(input).to.deep.equal(snapshot);
    });
  });

  describe('input validation', () => {
    const valid: DistributionInput = { cartTotal: 1000, buyerId: BUYER, upline: [], rules: DEFAULT_REWARD_RULES };
    const withInput = (patch: Record<string, unknown>) => () =>
      computeDistribution({ ...valid, ...patch } as DistributionInput);

    it('refuses a cart total that is not a number', () => {
      expect(withInput({ cartTotal: '1000' })).to.throw(TypeError, /cartTotal/);
      expect(withInput({ cartTotal: undefined })).to.throw(TypeError, /cartTotal/);
    });

    it('refuses a negative, fractional or non-finite cart total', () => {
      for (const cartTotal of [-1, 10.5, Number.NaN, Infinity, -Infinity]) {
        expect(withInput({ cartTotal }), String(cartTotal)).to.throw(RangeError, /cartTotal/);
      }
    });

    it('refuses a cart total beyond the safe integer range', () => {
      expect(withInput({ cartTotal: 2 ** 53 })).to.throw(RangeError, /cartTotal/);
    });

    it('refuses a cart total whose reward computation would lose precision', () => {
      expect(withInput({ cartTotal: Number.MAX_SAFE_INTEGER })).to.throw(RangeError, /safe integer range/);
    });

    it('refuses a missing buyer', () => {
      expect(withInput({ buyerId: '' })).to.throw(TypeError, /buyerId/);
      expect(withInput({ buyerId: 42 })).to.throw(TypeError, /buyerId/);
    });

    it('refuses an upline that is not an array', () => {
      expect(withInput({ upline: null })).to.throw(TypeError, /upline must be an array/);
    });

    it('refuses a malformed upline member, naming its depth', () => {
      expect(withInput({ upline: [member('u1', 'A'), null] })).to.throw(TypeError, /depth 2/);
      expect(withInput({ upline: [{ ...member('u1', 'A'), userId: '' }] })).to.throw(TypeError, /userId/);
      expect(withInput({ upline: [member('u1', 'K' as Level)] })).to.throw(TypeError, /level must be one of/);
      expect(withInput({ upline: [{ ...member('u1', 'A'), level: undefined }] })).to.throw(TypeError, /level/);
      expect(withInput({ upline: [{ ...member('u1', 'A'), isActive: 'yes' }] })).to.throw(TypeError, /booleans/);
      expect(withInput({ upline: [{ ...member('u1', 'A'), isVerified: undefined }] })).to.throw(TypeError, /booleans/);
    });

    it('refuses invalid rules, listing the problems', () => {
      expect(withInput({ rules: { ...DEFAULT_REWARD_RULES, appRevenueBps: 7000 } })).to.throw(
        RangeError,
        /invalid reward rules: appRevenueBps \+ treeBps must not exceed 10000/,
      );
      expect(withInput({ rules: { ...DEFAULT_REWARD_RULES, maxDepth: 0 } })).to.throw(RangeError, /maxDepth/);
      expect(withInput({ rules: null })).to.throw(TypeError, /rules must be an object/);
    });

    it('refuses an input that is not an object', () => {
      expect(() => computeDistribution(null as unknown as DistributionInput)).to.throw(TypeError);
    });
  });
});
