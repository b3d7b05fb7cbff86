import { expect } from 'chai';
import fc from 'fast-check';
import { levelForSpend, upgradedLevel } from '../../../src/rewards/levels.js';
import { DEFAULT_LEVEL_THRESHOLDS, LEVELS, levelRank, type Level, type LevelThresholds } from '../../../src/rewards/rules.js';

const T = DEFAULT_LEVEL_THRESHOLDS;

describe('levels', () => {
  describe('levelForSpend', () => {
    it('gives no level to a user who never spent', () => {
      expect(levelForSpend(0, T)).to.equal(null);
    });

    it('reaches each level exactly at its threshold, not one unit before', () => {
      for (const [index, level] of LEVELS.entries()) {
        const below = index === 0 ? null : LEVELS[index - 1];
        expect(levelForSpend(T[level], T), `at ${T[level]}`).to.equal(level);
        expect(levelForSpend(T[level] - 1, T), `at ${T[level] - 1}`).to.equal(below);
      }
    });

    it('matches the spec examples', () => {
      expect(levelForSpend(1, T)).to.equal('A');
      expect(levelForSpend(4999, T)).to.equal('A');
      expect(levelForSpend(5000, T)).to.equal('B');
      expect(levelForSpend(1_279_999, T)).to.equal('I');
      expect(levelForSpend(1_280_000, T)).to.equal('J');
    });

    it('stays at J however much is spent', () => {
      expect(levelForSpend(Number.MAX_SAFE_INTEGER, T)).to.equal('J');
    });

    it('follows custom thresholds', () => {
      const custom: LevelThresholds = { A: 0, B: 10, C: 20, D: 30, E: 40, F: 50, G: 60, H: 70, I: 80, J: 90 };
      expect(levelForSpend(0, custom)).to.equal('A');
      expect(levelForSpend(55, custom)).to.equal('F');
    });

    it('refuses a negative or fractional spend', () => {
      expect(() => levelForSpend(-1, T)).to.throw(RangeError, /lifetimeSpend/);
      expect(() => levelForSpend(1.5, T)).to.throw(RangeError, /lifetimeSpend/);
      expect(() => levelForSpend(Number.NaN, T)).to.throw(RangeError, /lifetimeSpend/);
    });

    it('refuses invalid thresholds', () => {
      expect(() => levelForSpend(100, { ...T, B: 1 })).to.throw(RangeError, /invalid level thresholds/);
    });

    it('never goes down when the spend grows', () => {
      fc.assert(
        fc.property(fc.nat({ max: 3_000_000 }), fc.nat({ max: 3_000_000 }), (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(rank(levelForSpend(high, T))).to.be.at.least(rank(levelForSpend(low, T)));
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('upgradedLevel', () => {
    it('gives a first level once the spend reaches A', () => {
      expect(upgradedLevel(null, 0, T)).to.equal(null);
      expect(upgradedLevel(null, 1, T)).to.equal('A');
      expect(upgradedLevel(null, 25_000, T)).to.equal('D');
    });

    it('raises a level when the spend earns a higher one', () => {
      expect(upgradedLevel('C', 20_000, T)).to.equal('D');
      expect(upgradedLevel('A', 1_280_000, T)).to.equal('J');
    });

    it('keeps the level when the spend earns the same one', () => {
      expect(upgradedLevel('C', 10_000, T)).to.equal('C');
    });

    it('never lowers a level the spend does not justify (granted by an admin, or thresholds raised)', () => {
      expect(upgradedLevel('C', 100, T)).to.equal('C');
      expect(upgradedLevel('J', 0, T)).to.equal('J');
      expect(upgradedLevel('E', 5_000, T)).to.equal('E');
    });

    it('refuses an unknown current level', () => {
      expect(() => upgradedLevel('K' as Level, 0, T)).to.throw(TypeError, /current level/);
    });

    it('is never below the current level nor below the level the spend earns', () => {
      fc.assert(
        fc.property(
          fc.option(fc.constantFrom(...LEVELS), { nil: null }),
          fc.nat({ max: 3_000_000 }),
          (current, spend) => {
            const next = upgradedLevel(current, spend, T);
            expect(rank(next)).to.be.at.least(rank(current));
            expect(rank(next)).to.be.at.least(rank(levelForSpend(spend, T)));
            expect(rank(next)).to.equal(Math.max(rank(current), rank(levelForSpend(spend, T))));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});

function rank(level: Level | null): number {
  return level === null ? -1 : levelRank(level);
}
