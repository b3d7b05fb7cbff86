import { findPointCheckpoints } from './find-point-checkpoints.js';
import { findUpline } from './find-upline.js';
import { insertRewardEntries } from './insert-reward-entries.js';
import { pointEntriesPage } from './point-entries-page.js';
import { savePointCheckpoints } from './save-point-checkpoints.js';
import { sumPointEntries } from './sum-point-entries.js';
import { sumPoolEntries } from './sum-pool-entries.js';
import { upgradeLevel } from './upgrade-level.js';

/** Reward points: the ledger's point entries and the users' checkpoints (src/rewards/points.ts). */
export const pointQueries = { findPointCheckpoints, sumPointEntries, savePointCheckpoints };

/**
 * The rewards run's reads and writes (src/rewards/process-checkout-rewards.ts), inside its unit
 * of work: a run is all or nothing, and what stays good on any server stays too — ledger entries
 * have unique keys, the level only goes up, `completed` is set last (tx.purchases.complete) with
 * the distribution stored for audit. Also the pools' totals and the reward statement's pages.
 */
export const rewardQueries = { findUpline, insertRewardEntries, upgradeLevel, sumPoolEntries, pointEntriesPage };
