import { Types } from 'mongoose';
import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc } from '../../infra/database/models.js';
import type { WalletEntryType } from '../../shared/ledger-entries.js';
import { WALLET_ENTRY_TYPES } from '../../shared/ledger-entries.js';

/**
 * The totals, by type, of a user's wallet entries up to and including `entry` in newest-first
 * order (`{createdAt, _id}`): what the wallet had received and paid when that entry was written.
 * One command, grouped on the server.
 */
export async function walletTotalsThrough({ models, session }: DataScope, userId: string, entry: Pick<LedgerDoc, '_id' | 'createdAt'>): Promise<Map<WalletEntryType, number>> {
  const rows = await models.Ledger.aggregate<{ _id: WalletEntryType; total: number }>([
    {
      $match: {
        user: new Types.ObjectId(userId),
        type: { $in: WALLET_ENTRY_TYPES },
        $or: [{ createdAt: { $lt: entry.createdAt } }, { createdAt: entry.createdAt, _id: { $lte: entry._id } }],
      },
    },
    { $group: { _id: '$type', total: { $sum: '$amount' } } },
  ]).session(session ?? null);
  return new Map(rows.map((r) => [r._id, r.total]));
}
