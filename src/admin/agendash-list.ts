import type { JobState } from 'agenda';
import { AgendashController } from 'agendash';
import { Router } from 'express';
import type { Db } from 'mongodb';
import { dataFilterOf } from './agendash-data-filter.js';
import { agendashView } from './agendash-view.js';

type Query = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Agendash's `GET /api` (its list and overview), answered by Agendash's own controller — the same
 * response shape, paging and state filter — on a view of Agenda whose overview and list do not
 * read the finished jobs (agendash-view.ts), and with the data filter Agendash ignores applied.
 * The Mongo backend's own overview loads every job document of every name on every request.
 */
export function agendashList(db: Db): Router {
  const router = Router();
  router.get('/api', async (req, res) => {
    const query = req.query as Query;
    const data = dataFilterOf(query);
    const limit = Number.parseInt(text(query.limit) ?? '50', 10);
    const skip = Number.parseInt(text(query.skip) ?? '0', 10);
    const result = await new AgendashController(agendashView(db, data ?? undefined)).getJobs({
      name: text(query.job),
      state: text(query.state) as JobState | undefined,
      // With a data filter the value is not a name: Agendash would search it in job names.
      search: data ? undefined : text(query.q),
      skip: Number.isFinite(skip) && skip > 0 ? skip : 0,
      limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, 1000) : 50,
    });
    res.json(result);
  });
  return router;
}
