import { findPointCheckpoints } from './find-point-checkpoints.js';
import { savePointCheckpoints } from './save-point-checkpoints.js';
import { sumPointEntries } from './sum-point-entries.js';

/** Reward points: the ledger's point entries and the users' checkpoints (src/rewards/points.ts). */
export const pointQueries = { findPointCheckpoints, sumPointEntries, savePointCheckpoints };
