import Joi from 'joi';
import type { ClientSession, Model, QueryFilter } from 'mongoose';
import type { Id } from '../shared/ids.js';
import { ValidationFailed } from '../shared/errors.js';

/**
 * Keyset paging, newest first: a page is sorted by `{createdAt: -1, _id: -1}` and the cursor is
 * the last item's (createdAt, _id), so a page never repeats or skips an item when new ones arrive.
 * Clients pass `limit` (1–100, default 20) and the `nextCursor` of the page before.
 */
export const pageQuery = {
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().pattern(/^[A-Za-z0-9_-]{1,200}$/),
};

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

interface Keyed {
  _id: Id;
  createdAt: Date;
}

const newestFirst = { createdAt: -1, _id: -1 } as const;

/** The filter selecting what comes after `cursor` in newest-first order (empty without a cursor). */
function after(cursor: string | undefined): Record<string, unknown> {
  if (!cursor) return {};
  let createdAt: Date;
  let id: string;
  try {
    const [ms, hex] = Buffer.from(cursor, 'base64url').toString('utf8').split('.') as [string, string];
    createdAt = new Date(Number(ms));
    id = hex;
    if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f]{24}$/.test(id)) throw new Error('bad cursor');
  } catch {
    throw new ValidationFailed('Invalid query', [{ path: 'cursor', message: "'cursor' is not a cursor this API gave out" }]);
  }
  return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }] };
}

/** Cuts a page from `limit + 1` documents read in newest-first order. */
export function pageOf<D extends Keyed, T>(docs: D[], limit: number, present: (doc: D) => T): Page<T> {
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = docs.length > limit && last ? Buffer.from(`${last.createdAt.getTime()}.${last._id.toString()}`).toString('base64url') : null;
  return { items: items.map(present), nextCursor };
}

/**
 * The `limit + 1` documents matching `filter` that come after the cursor in newest-first order:
 * what `pageOf` cuts a page from. Every paged query of a `data/` folder runs through here. A filter
 * alone (no cursor) is sent as it is, not inside `$and`, so FerretDB can hand it to its backend.
 */
export function pageDocs<T>(model: Model<T>, filter: Record<string, unknown>, page: { limit: number; cursor?: string }, session?: ClientSession): Promise<T[]> {
  const conditions = [filter, after(page.cursor)].filter((c) => Object.keys(c).length > 0);
  const query = (conditions.length > 1 ? { $and: conditions } : (conditions[0] ?? {})) as QueryFilter<T>;
  return model
    .find(query)
    .session(session ?? null)
    .sort(newestFirst)
    .limit(page.limit + 1)
    .lean<T[]>()
    .exec();
}
