import type { Repositories } from '../data-access.js';
import { REWARD_STATUSES as STATUSES, type RewardStatus } from './lifecycle.js';
/** Enough for stable percentiles; the newest purchases of the window are the ones read. */
const MAX_SAMPLE = 10_000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Purchases by rewards status, and how long rewards took (completedAt − createdAt) for purchases
 * completed in the last `windowMinutes`: computed in code, since FerretDB has no $percentile.
 */
export async function processingStats({ purchases }: Pick<Repositories, 'purchases'>, windowMinutes: number, now = new Date()) {
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const [counts, completed] = await Promise.all([
    Promise.all(STATUSES.map((status) => purchases.countPurchasesWithStatus(status))),
    purchases.purchasesCompletedSince(since, MAX_SAMPLE),
  ]);
  const durations = completed
    .map((p) => new Date(p.rewards!.completedAt!).getTime() - new Date(p.createdAt).getTime())
    .sort((a, b) => a - b);
  return {
    byStatus: Object.fromEntries(STATUSES.map((status, i) => [status, counts[i]!])) as Record<RewardStatus, number>,
    completedInWindow: {
      windowMinutes,
      count: durations.length,
      sampled: durations.length === MAX_SAMPLE,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      maxMs: durations.length ? durations[durations.length - 1]! : null,
    },
  };
}
