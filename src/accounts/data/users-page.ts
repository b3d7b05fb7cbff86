import type { DataScope } from '../../infra/database/data-scope.js';
import type { UserDoc } from '../../infra/database/models.js';
import { pageDocs } from '../../http/paging.js';

/** `limit + 1` users newest first after the cursor, or the one with `email` (stored lower-case, trimmed). */
export function usersPage({ models, session }: DataScope, filter: { email?: string; limit: number; cursor?: string }): Promise<UserDoc[]> {
  const byEmail = filter.email ? { email: filter.email.trim().toLowerCase() } : {};
  return pageDocs<UserDoc>(models.User, byEmail, filter, session);
}
