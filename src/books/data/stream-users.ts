import type { DataScope } from '../../infra/database/data-scope.js';
import type { AuditedUser } from '../user-books.js';

const BATCH = 1000;

/** Every user's wallet and spend, in id order. */
export function streamUsers({ models, session }: DataScope): AsyncIterable<AuditedUser> {
  return models.User.find({}, { walletBalance: 1, lifetimeSpend: 1 }).session(session ?? null).sort({ _id: 1 }).lean<AuditedUser[]>().cursor({ batchSize: BATCH });
}
