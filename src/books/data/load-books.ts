import type { DataScope } from '../../infra/database/data-scope.js';
import type { LedgerDoc, PointCheckpointDoc } from '../../infra/database/models.js';
import { toId } from '../../shared/ids.js';
import type { AuditedUser } from '../user-books.js';

/** A user's document and checkpoint, for a re-check (inside its unit of work: one snapshot with the entries). */
export async function loadUserHead({ models, session }: DataScope, userId: string): Promise<{ user: AuditedUser | null; checkpoint: PointCheckpointDoc | null }> {
  const id = toId(userId);
  const [user, checkpoint] = [
    await models.User.findById(id, { walletBalance: 1, lifetimeSpend: 1 }).session(session ?? null).lean<AuditedUser>(),
    await models.PointCheckpoint.findById(id).session(session ?? null).lean<PointCheckpointDoc>(),
  ];
  return { user, checkpoint };
}

/** A purchase and every entry naming it, for a re-check (inside its unit of work). */
export async function loadPurchaseBooks({ models, session }: DataScope, purchaseId: string): Promise<{ purchase: LedgerDoc | null; entries: LedgerDoc[] }> {
  const id = toId(purchaseId);
  const purchase = await models.Ledger.findOne({ _id: id, type: 'purchase' }, { lines: 0 }).session(session ?? null).lean<LedgerDoc>();
  const entries = await models.Ledger.find({ purchase: id }, { lines: 0 }).session(session ?? null).lean<LedgerDoc[]>();
  return { purchase, entries };
}
