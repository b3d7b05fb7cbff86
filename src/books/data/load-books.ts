import { Types, type ClientSession } from 'mongoose';
import type { LedgerDoc, Models, PointCheckpointDoc } from '../../infra/database/models.js';
import type { AuditedUser } from '../user-books.js';

/** A user's document and checkpoint, for a re-check. */
export async function loadUserHead(models: Models, userId: string, session?: ClientSession): Promise<{ user: AuditedUser | null; checkpoint: PointCheckpointDoc | null }> {
  const id = new Types.ObjectId(userId);
  const [user, checkpoint] = [
    await models.User.findById(id, { walletBalance: 1, lifetimeSpend: 1 }).session(session ?? null).lean<AuditedUser>(),
    await models.PointCheckpoint.findById(id).session(session ?? null).lean<PointCheckpointDoc>(),
  ];
  return { user, checkpoint };
}

/** A purchase and every entry naming it, for a re-check. */
export async function loadPurchaseBooks(models: Models, purchaseId: string, session?: ClientSession): Promise<{ purchase: LedgerDoc | null; entries: LedgerDoc[] }> {
  const id = new Types.ObjectId(purchaseId);
  const purchase = await models.Ledger.findOne({ _id: id, type: 'purchase' }, { lines: 0 }).session(session ?? null).lean<LedgerDoc>();
  const entries = await models.Ledger.find({ purchase: id }, { lines: 0 }).session(session ?? null).lean<LedgerDoc[]>();
  return { purchase, entries };
}
