import type { DataScope } from '../../infra/database/data-scope.js';
import type { Id } from '../../shared/ids.js';
import { POINT_ENTRY_TYPES } from '../../shared/ledger-entries.js';

/** A user, and where their entries start counting (null: from the first one). */
export interface PointRange {
  user: Id;
  from: Date | null;
}

/**
 * Per user, the sum of their point entries created at or after `from`. One command however many
 * users: each range reads the `{user, type, createdAt}` index from `from` on, or the
 * `{user, type, amount}` index whole when there is no `from`.
 */
export async function sumPointEntries({ models, session }: DataScope, ranges: readonly PointRange[]): Promise<Map<string, number>> {
  if (ranges.length === 0) return new Map();
  const types = { $in: POINT_ENTRY_TYPES };
  const conditions = ranges.map((r) => (r.from ? { user: r.user, type: types, createdAt: { $gte: r.from } } : { user: r.user, type: types }));
  const rows = await models.Ledger.aggregate<{ _id: Id; points: number }>([
    // One user (/api/me) without $or: a plain filter FerretDB can hand down to its backend.
    { $match: conditions.length === 1 ? conditions[0]! : { $or: conditions } },
    { $group: { _id: '$user', points: { $sum: '$amount' } } },
  ]).session(session ?? null);
  return new Map(rows.map((row) => [row._id.toString(), row.points]));
}
