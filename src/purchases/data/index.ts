import { findPurchase, purchaseExists } from './find-purchase.js';
import { countPurchasesWithStatus, purchasesCompletedSince, purchasesNeedingJob } from './purchase-stats.js';
import { findPurchaseOfUser, purchasesPage } from './purchases-page.js';
import { recordPurchase } from './record-purchase.js';
import { complete, finishReversal, recordFailure, refund, reopen, startRun } from './transitions.js';

/** Where the purchases (the orders: `purchase` ledger entries) are read and written; every status write is a lifecycle transition. */
export const purchaseQueries = {
  findPurchase,
  purchaseExists,
  findPurchaseOfUser,
  purchasesPage,
  countPurchasesWithStatus,
  purchasesCompletedSince,
  purchasesNeedingJob,
  recordPurchase,
  startRun,
  recordFailure,
  reopen,
  complete,
  refund,
  finishReversal,
};
