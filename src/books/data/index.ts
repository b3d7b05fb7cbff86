import { beatAuditRun, failAuditRun, finishAuditRun, latestAuditRuns, pruneAuditRuns, startAuditRun } from './audit-runs.js';
import { duplicateEntryKeys } from './duplicate-entry-keys.js';
import { hasUniqueEntryKeyIndex } from './entry-key-index.js';
import { loadPurchaseBooks, loadUserHead } from './load-books.js';
import { streamPointCheckpoints } from './stream-point-checkpoints.js';
import { streamPurchaseEntries } from './stream-purchase-entries.js';
import { streamPurchases } from './stream-purchases.js';
import { streamUnboundEntries } from './stream-unbound-entries.js';
import { streamEntriesOfUser, streamUserEntries } from './stream-user-entries.js';
import { streamUsers } from './stream-users.js';

/**
 * What the books audit reads (src/books/read-books.ts, audit.ts): sorted streams of the whole
 * books, met one key at a time, and one user's or purchase's books read again on their own.
 */
export const bookQueries = {
  streamUsers,
  streamPointCheckpoints,
  streamUserEntries,
  streamEntriesOfUser,
  streamPurchases,
  streamPurchaseEntries,
  streamUnboundEntries,
  hasUniqueEntryKeyIndex,
  duplicateEntryKeys,
  loadUserHead,
  loadPurchaseBooks,
};

/** The audit's runs (`ledger_audits`): the job's record of each, the admin API's last report. */
export const auditRunQueries = { startAuditRun, beatAuditRun, finishAuditRun, failAuditRun, latestAuditRuns, pruneAuditRuns };
