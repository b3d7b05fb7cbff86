import { finding, signed, type Finding } from '../findings.js';
import { distributionOf, originalsOf, reversalsOf, statusOf, type PurchaseBooks } from '../purchase-books.js';

export interface PoolFigures {
  appRevenue: number;
  giftsPool: number;
}

export interface PoolTally {
  expected: PoolFigures;
  actual: PoolFigures;
}

export const emptyPools = (): PoolTally => ({ expected: { appRevenue: 0, giftsPool: 0 }, actual: { appRevenue: 0, giftsPool: 0 } });

/**
 * What one purchase puts in the pools: expected, its distribution's shares while its rewards
 * stand paid (completed, or reversing: not yet taken back); actual, its pool entries and their
 * reversals.
 */
export function poolContribution(books: PurchaseBooks): PoolTally {
  const tally = emptyPools();
  const d = distributionOf(books);
  const status = statusOf(books);
  if (d && (status === 'completed' || status === 'reversing')) {
    tally.expected.appRevenue += d.appRevenue;
    tally.expected.giftsPool += d.giftsPool;
  }
  for (const e of originalsOf(books)) {
    if (e.type === 'app_revenue') tally.actual.appRevenue += e.amount;
    if (e.type === 'gifts_pool') tally.actual.giftsPool += e.amount;
  }
  for (const r of reversalsOf(books)) {
    if (r.reverses === 'app_revenue') tally.actual.appRevenue += r.amount;
    if (r.reverses === 'gifts_pool') tally.actual.giftsPool += r.amount;
  }
  return tally;
}

export function addPools(into: PoolTally, tally: PoolTally, sign: 1 | -1 = 1): void {
  for (const side of ['expected', 'actual'] as const) {
    into[side].appRevenue += sign * tally[side].appRevenue;
    into[side].giftsPool += sign * tally[side].giftsPool;
  }
}

/** The pools (what /api/admin/pools sums) = what the paid distributions put in them. */
export function poolsMatchDistributions(pools: PoolTally): Finding[] {
  const found: Finding[] = [];
  for (const [pool, name] of [
    ['appRevenue', 'app_revenue'],
    ['giftsPool', 'gifts_pool'],
  ] as const) {
    const { [pool]: expected } = pools.expected;
    const { [pool]: actual } = pools.actual;
    if (expected !== actual) {
      found.push(finding('pools', 'pool', name, `the ${name} pool's entries sum to ${actual}; the paid distributions put ${expected} in it (${signed(actual - expected)})`, { expected, actual }));
    }
  }
  return found;
}
