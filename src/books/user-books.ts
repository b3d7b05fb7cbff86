import type { PointCheckpointDoc } from '../infra/database/models.js';
import type { Id } from '../shared/ids.js';
import { isWalletEntryType } from '../wallet/journal.js';

/** What the audit reads of a user document. */
export interface AuditedUser {
  _id: Id;
  walletBalance: number;
  lifetimeSpend: number;
}

/** What the audit reads of an entry that names a user. */
export interface UserEntryRow {
  _id: Id;
  user: Id;
  type: string;
  amount: number;
  entryKey: string;
  createdAt: Date;
}

/**
 * One user's entries, summed as they stream by: the wallet's journal by type, and the points
 * up to the user's checkpoint and up to the audit's settled time (the next checkpoint).
 */
export class UserTally {
  rows = 0;
  credits = 0;
  purchases = 0;
  refunds = 0;
  walletEntries = 0;
  pointsBeforeCheckpoint = 0;
  entriesBeforeCheckpoint = 0;
  settledPoints = 0;
  settledEntries = 0;
  /** Credit entries whose key is not a credit's (at most a few kept). */
  readonly strayCreditKeys: { id: string; entryKey: string }[] = [];

  constructor(
    private readonly checkpointUpTo: Date | null,
    private readonly settledBefore: Date,
  ) {}

  add(row: UserEntryRow): void {
    this.rows += 1;
    if (isWalletEntryType(row.type)) {
      this.walletEntries += 1;
      if (row.type === 'wallet_credit') {
        this.credits += row.amount;
        if (!row.entryKey.startsWith('wallet_credit:') && this.strayCreditKeys.length < 5) this.strayCreditKeys.push({ id: row._id.toString(), entryKey: row.entryKey });
      } else if (row.type === 'purchase') this.purchases += row.amount;
      else this.refunds += row.amount;
    } else if (row.type === 'reward' || row.type === 'reversal') {
      const at = row.createdAt.getTime();
      if (this.checkpointUpTo && at < this.checkpointUpTo.getTime()) {
        this.pointsBeforeCheckpoint += row.amount;
        this.entriesBeforeCheckpoint += 1;
      }
      if (at < this.settledBefore.getTime()) {
        this.settledPoints += row.amount;
        this.settledEntries += 1;
      }
    }
  }
}

/** A user's books as the audit judges them: the document (null if it does not exist), the checkpoint, the tally. */
export interface UserBooks {
  userId: string;
  user: AuditedUser | null;
  checkpoint: PointCheckpointDoc | null;
  tally: UserTally;
}

/** The checkpoint to keep for this user now, or null when the stored one is still right and current. */
export function nextCheckpoint(books: UserBooks, settledBefore: Date): { points: number; entries: number; upTo: Date } | null {
  const { tally, checkpoint } = books;
  if (!checkpoint && tally.settledEntries === 0) return null;
  if (checkpoint && checkpoint.points === tally.settledPoints && checkpoint.entries === tally.settledEntries) return null;
  return { points: tally.settledPoints, entries: tally.settledEntries, upTo: settledBefore };
}
