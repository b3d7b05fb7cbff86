import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import { after, newestFirst } from '../../http/paging.js';

/** `limit + 1` users newest first after the cursor, or the one with `email` (stored lower-case, trimmed). */
export function usersPage({ models, session }: DataScope, filter: { email?: string; limit: number; cursor?: string }): Promise<UserDoc[]> {
  const byEmail = filter.email ? { email: filter.email.trim().toLowerCase() } : {};
  return models.User.find({ $and: [byEmail, after(filter.cursor)] })
    .session(session ?? null)
    .sort(newestFirst)
    .limit(filter.limit + 1)
    .lean<UserDoc[]>()
    .exec();
}
