/**
 * Reward rules: the percentages that split a purchase into reward points, and the lifetime-spend
 * thresholds of the levels. Everything is an integer; percentages are basis points (10000 = 100%).
 */
import { DEFAULTS } from '../../config/defaults.js';

export const LEVELS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'] as const;
export type Level = (typeof LEVELS)[number];

/** 10000 basis points = 100%. */
export const BPS_SCALE = 10_000;

export interface RewardRules {
  /** share of the cart total turned into reward points R, basis points (1000 = 10%) */
  rewardBps: number;
  /** share of R to the app (5000) */
  appRevenueBps: number;
  /** share of R for the tree budget (3500); giftsPool = R - app - tree */
  treeBps: number;
  /** share of R per level slot (500) */
  slotBps: number;
  /** how many ancestors are walked at most */
  maxDepth: number;
}

export const DEFAULT_REWARD_RULES: RewardRules = Object.freeze({ ...DEFAULTS.rewards });

/** Minimum lifetimeSpend for each level. */
export type LevelThresholds = Record<Level, number>;

export const DEFAULT_LEVEL_THRESHOLDS: LevelThresholds = Object.freeze({ ...DEFAULTS.levelThresholds });

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** Position of a level in A..J (A = 0); higher is better. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/**
 * `floor(amount × bps / 10000)`, exactly. Throws a RangeError when the product would leave the
 * range where JavaScript numbers are exact integers, instead of returning a silently rounded value.
 */
export function bpsShare(amount: number, bps: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`amount must be a non-negative safe integer, got ${String(amount)}`);
  }
  if (!Number.isSafeInteger(bps) || bps < 0) {
    throw new RangeError(`basis points must be a non-negative safe integer, got ${String(bps)}`);
  }
  const product = amount * bps;
  if (!Number.isSafeInteger(product)) {
    throw new RangeError(`${amount} × ${bps} bps exceeds the safe integer range`);
  }
  return Math.floor(product / BPS_SCALE);
}

function checkBps(problems: string[], name: string, value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push(`${name} must be an integer number of basis points, got ${String(value)}`);
    return false;
  }
  if (value < 0 || value > BPS_SCALE) {
    problems.push(`${name} must be between 0 and ${BPS_SCALE} basis points, got ${value}`);
    return false;
  }
  return true;
}

/** Every problem with the rules, as readable messages; empty when the rules are usable. */
export function validateRewardRules(rules: RewardRules): string[] {
  const problems: string[] = [];
  if (typeof rules !== 'object' || rules === null) return ['reward rules must be an object'];

  checkBps(problems, 'rewardBps', rules.rewardBps);
  const appOk = checkBps(problems, 'appRevenueBps', rules.appRevenueBps);
  const treeOk = checkBps(problems, 'treeBps', rules.treeBps);
  const slotOk = checkBps(problems, 'slotBps', rules.slotBps);

  if (appOk && treeOk && rules.appRevenueBps + rules.treeBps > BPS_SCALE) {
    problems.push(
      `appRevenueBps + treeBps must not exceed ${BPS_SCALE} (got ${rules.appRevenueBps} + ${rules.treeBps} = ${
        rules.appRevenueBps + rules.treeBps
      }); the gifts pool would be negative`,
    );
  }
  if (treeOk && slotOk && rules.slotBps > rules.treeBps) {
    problems.push(`slotBps (${rules.slotBps}) must not exceed treeBps (${rules.treeBps})`);
  }

  const depth: unknown = rules.maxDepth;
  if (typeof depth !== 'number' || !Number.isSafeInteger(depth)) {
    problems.push(`maxDepth must be an integer, got ${String(depth)}`);
  } else if (depth < 1) {
    problems.push(`maxDepth must be at least 1, got ${depth}`);
  }
  return problems;
}

/** Every problem with the thresholds: each a non-negative safe integer, strictly increasing A..J. */
export function validateLevelThresholds(thresholds: LevelThresholds): string[] {
  if (typeof thresholds !== 'object' || thresholds === null) return ['level thresholds must be an object'];
  const problems: string[] = [];
  let previous: { level: Level; value: number } | undefined;
  for (const level of LEVELS) {
    const value: unknown = thresholds[level];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      problems.push(`threshold of level ${level} must be an integer, got ${String(value)}`);
      previous = undefined;
      continue;
    }
    if (value < 0) {
      problems.push(`threshold of level ${level} must not be negative, got ${value}`);
    }
    if (previous !== undefined && value <= previous.value) {
      problems.push(
        `threshold of level ${level} (${value}) must be greater than that of level ${previous.level} (${previous.value})`,
      );
    }
    previous = { level, value };
  }
  return problems;
}
