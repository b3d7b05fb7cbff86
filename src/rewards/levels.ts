import { LEVELS, isLevel, levelRank, validateLevelThresholds, type Level, type LevelThresholds } from './rules.js';

function assertSpend(lifetimeSpend: number): void {
  if (!Number.isSafeInteger(lifetimeSpend) || lifetimeSpend < 0) {
    throw new RangeError(`lifetimeSpend must be a non-negative safe integer, got ${String(lifetimeSpend)}`);
  }
}

function assertThresholds(thresholds: LevelThresholds): void {
  const problems = validateLevelThresholds(thresholds);
  if (problems.length > 0) throw new RangeError(`invalid level thresholds: ${problems.join('; ')}`);
}

/** The highest level whose threshold is ≤ lifetimeSpend; null when the spend is below level A's. */
export function levelForSpend(lifetimeSpend: number, thresholds: LevelThresholds): Level | null {
  assertSpend(lifetimeSpend);
  assertThresholds(thresholds);
  let reached: Level | null = null;
  for (const level of LEVELS) {
    if (thresholds[level] > lifetimeSpend) break;
    reached = level;
  }
  return reached;
}

/**
 * The level a user should hold after their lifetimeSpend changed. Levels only go up: a user who holds
 * a level above what their spend earns (granted by an admin, or thresholds raised since) keeps it.
 */
export function upgradedLevel(
  current: Level | null,
  lifetimeSpend: number,
  thresholds: LevelThresholds,
): Level | null {
  if (current !== null && !isLevel(current)) {
    throw new TypeError(`current level must be one of ${LEVELS.join(', ')} or null, got ${String(current)}`);
  }
  const earned = levelForSpend(lifetimeSpend, thresholds);
  if (earned === null) return current;
  if (current === null) return earned;
  return levelRank(earned) > levelRank(current) ? earned : current;
}
