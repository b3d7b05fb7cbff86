import { expect } from 'chai';
import {
  DEFAULT_LEVEL_THRESHOLDS,
  DEFAULT_REWARD_RULES,
  LEVELS,
  bpsShare,
  isLevel,
  levelRank,
  validateLevelThresholds,
  validateRewardRules,
  type LevelThresholds,
  type RewardRules,
} from '../../../src/rewards/rules.js';

const rules = (overrides: Partial<Record<keyof RewardRules, unknown>>): RewardRules =>
  ({ ...DEFAULT_REWARD_RULES, ...overrides }) as RewardRules;
const thresholds = (overrides: Partial<Record<keyof LevelThresholds, unknown>>): LevelThresholds =>
  ({ ...DEFAULT_LEVEL_THRESHOLDS, ...overrides }) as LevelThresholds;

describe('reward rules', () => {
  describe('defaults', () => {
    it('match the original system: 10% reward, 50% app, 35% tree, 5% per slot, 50 ancestors', () => {
      expect(DEFAULT_REWARD_RULES).to.deep.equal({
        rewardBps: 1000,
        appRevenueBps: 5000,
        treeBps: 3500,
        slotBps: 500,
        maxDepth: 50,
      });
    });

    it('have the level thresholds of the spec', () => {
      expect(DEFAULT_LEVEL_THRESHOLDS).to.deep.equal({
        A: 1, B: 5000, C: 10000, D: 20000, E: 40000, F: 80000, G: 160000, H: 320000, I: 640000, J: 1280000,
      });
    });

    it('are valid', () => {
      expect(validateRewardRules(DEFAULT_REWARD_RULES)).to.deep.equal([]);
      expect(validateLevelThresholds(DEFAULT_LEVEL_THRESHOLDS)).to.deep.equal([]);
    });

    it('cannot be changed by accident', () => {
      expect(Object.isFrozen(DEFAULT_REWARD_RULES)).to.equal(true);
      expect(Object.isFrozen(DEFAULT_LEVEL_THRESHOLDS)).to.equal(true);
    });
  });

  describe('levels', () => {
    it('are A..J in rank order', () => {
      expect(LEVELS).to.deep.equal(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']);
      expect(levelRank('A')).to.equal(0);
      expect(levelRank('J')).to.equal(9);
    });

    it('recognises only the ten level letters', () => {
      for (const level of LEVELS) expect(isLevel(level)).to.equal(true);
      for (const other of ['K', 'a', '', null, undefined, 1, 'AB']) expect(isLevel(other)).to.equal(false);
    });
  });

  describe('bpsShare', () => {
    it('floors amount × bps / 10000', () => {
      expect(bpsShare(1000, 1000)).to.equal(100);
      expect(bpsShare(100, 3500)).to.equal(35);
      expect(bpsShare(9, 1000)).to.equal(0);
      expect(bpsShare(19, 1000)).to.equal(1);
      expect(bpsShare(90, 3500)).to.equal(31);
      expect(bpsShare(0, 10000)).to.equal(0);
      expect(bpsShare(12345, 0)).to.equal(0);
      expect(bpsShare(12345, 10000)).to.equal(12345);
    });

    it('is exact for cart totals up to 1e11 at 100%', () => {
      expect(bpsShare(100_000_000_000, 10000)).to.equal(100_000_000_000);
      expect(bpsShare(99_999_999_999, 3333)).to.equal(Number((99_999_999_999n * 3333n) / 10000n));
    });

    it('refuses a product outside the safe integer range instead of rounding it', () => {
      expect(() => bpsShare(Number.MAX_SAFE_INTEGER, 2)).to.throw(RangeError, /safe integer range/);
      expect(() => bpsShare(1e15, 10)).to.throw(RangeError);
    });

    it('refuses negative or fractional inputs', () => {
      expect(() => bpsShare(-1, 100)).to.throw(RangeError, /amount/);
      expect(() => bpsShare(1.5, 100)).to.throw(RangeError, /amount/);
      expect(() => bpsShare(100, -1)).to.throw(RangeError, /basis points/);
      expect(() => bpsShare(100, 0.5)).to.throw(RangeError, /basis points/);
      expect(() => bpsShare(Number.NaN, 100)).to.throw(RangeError);
    });
  });

  describe('validateRewardRules', () => {
    it('names a fractional share', () => {
      expect(validateRewardRules(rules({ rewardBps: 10.5 }))).to.deep.equal([
        'rewardBps must be an integer number of basis points, got 10.5',
      ]);
    });

    it('names a share that is not a number at all', () => {
      expect(validateRewardRules(rules({ slotBps: '500' }))).to.deep.equal([
        'slotBps must be an integer number of basis points, got 500',
      ]);
    });

    it('names a negative share', () => {
      expect(validateRewardRules(rules({ appRevenueBps: -1 }))).to.deep.equal([
        'appRevenueBps must be between 0 and 10000 basis points, got -1',
      ]);
    });

    it('names a share above 100%', () => {
      expect(validateRewardRules(rules({ rewardBps: 10001 }))).to.deep.equal([
        'rewardBps must be between 0 and 10000 basis points, got 10001',
      ]);
    });

    it('refuses app + tree above 100%, which would make the gifts pool negative', () => {
      expect(validateRewardRules(rules({ appRevenueBps: 6000, treeBps: 4001, slotBps: 500 }))).to.deep.equal([
        'appRevenueBps + treeBps must not exceed 10000 (got 6000 + 4001 = 10001); the gifts pool would be negative',
      ]);
    });

    it('accepts app + tree of exactly 100% (empty gifts pool base)', () => {
      expect(validateRewardRules(rules({ appRevenueBps: 6500, treeBps: 3500 }))).to.deep.equal([]);
    });

    it('refuses a slot larger than the tree budget', () => {
      expect(validateRewardRules(rules({ slotBps: 3501 }))).to.deep.equal([
        'slotBps (3501) must not exceed treeBps (3500)',
      ]);
    });

    it('accepts zero shares (everything then goes to the gifts pool)', () => {
      expect(validateRewardRules(rules({ rewardBps: 0, appRevenueBps: 0, treeBps: 0, slotBps: 0 }))).to.deep.equal([]);
    });

    it('refuses a depth limit below 1 or fractional', () => {
      expect(validateRewardRules(rules({ maxDepth: 0 }))).to.deep.equal(['maxDepth must be at least 1, got 0']);
      expect(validateRewardRules(rules({ maxDepth: 2.5 }))).to.deep.equal(['maxDepth must be an integer, got 2.5']);
      expect(validateRewardRules(rules({ maxDepth: Infinity }))).to.deep.equal([
        'maxDepth must be an integer, got Infinity',
      ]);
    });

    it('lists every problem at once', () => {
      const problems = validateRewardRules(rules({ rewardBps: -5, treeBps: 1.5, maxDepth: -1 }));
      expect(problems).to.have.length(3);
      expect(problems.join('\n')).to.match(/rewardBps/).and.match(/treeBps/).and.match(/maxDepth/);
    });

    it('refuses something that is not an object', () => {
      expect(validateRewardRules(null as unknown as RewardRules)).to.deep.equal(['reward rules must be an object']);
    });
  });

  describe('validateLevelThresholds', () => {
    it('accepts a zero threshold for level A (every user is at least A)', () => {
      expect(validateLevelThresholds(thresholds({ A: 0 }))).to.deep.equal([]);
    });

    it('names a negative threshold', () => {
      expect(validateLevelThresholds(thresholds({ A: -1 }))).to.deep.equal([
        'threshold of level A must not be negative, got -1',
      ]);
    });

    it('names a fractional or missing threshold', () => {
      expect(validateLevelThresholds(thresholds({ C: 10000.5 }))).to.deep.equal([
        'threshold of level C must be an integer, got 10000.5',
      ]);
      const { J: _J, ...withoutJ } = DEFAULT_LEVEL_THRESHOLDS;
      expect(validateLevelThresholds(withoutJ as LevelThresholds)).to.deep.equal([
        'threshold of level J must be an integer, got undefined',
      ]);
    });

    it('refuses a threshold equal to the one below it', () => {
      expect(validateLevelThresholds(thresholds({ C: 5000 }))).to.deep.equal([
        'threshold of level C (5000) must be greater than that of level B (5000)',
      ]);
    });

    it('refuses thresholds out of order', () => {
      expect(validateLevelThresholds(thresholds({ J: 1000 }))).to.deep.equal([
        'threshold of level J (1000) must be greater than that of level I (640000)',
      ]);
    });

    it('refuses something that is not an object', () => {
      expect(validateLevelThresholds(undefined as unknown as LevelThresholds)).to.deep.equal([
        'level thresholds must be an object',
      ]);
    });
  });
});
