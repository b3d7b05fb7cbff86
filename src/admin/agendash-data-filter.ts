import type { Agenda, JobsQueryOptions } from 'agenda';
import { AgendashController } from 'agendash';
import { Router } from 'express';

const OBJECT_ID = /^[0-9a-f]{24}$/i;
const DATA_PATH = /^data(\.[A-Za-z0-9_]{1,64}){1,4}$/;
type Query = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The data filter a request asks for, or null:
 * - `property=data.<field>` with a `value` (or `q`, which is where Agendash's "Value" box goes);
 * - a bare `q` that is a 24-hex id: a purchase's transaction id pasted into the search box.
 */
export function dataFilterOf(query: Query): Record<string, unknown> | null {
  const property = text(query.property);
  const value = text(query.value) ?? text(query.q);
  if (property && value && DATA_PATH.test(property)) {
    const filter: Record<string, unknown> = {};
    let node = filter;
    const keys = property.split('.').slice(1);
    keys.forEach((key, i) => (node = (node[key] = i === keys.length - 1 ? value : {}) as Record<string, unknown>));
    return filter;
  }
  if (!property && value && OBJECT_ID.test(value)) return { transactionId: value.toLowerCase() };
  return null;
}

/**
 * Agendash 8.2.4 reads `property` from its list request but never passes it to Agenda's
 * `queryJobs`, so its Property/Value filter is silently ignored (AgendashController.getJobs).
 * In front of its `GET /api`, this answers those requests itself: Agendash's own controller on a
 * view of Agenda whose `queryJobs` adds the data filter (which the Mongo backend supports) — the
 * same response shape, the same paging and state filter — and leaves every other request to it.
 */
export function agendashDataFilter(agenda: Agenda): Router {
  const router = Router();
  router.get('/api', async (req, res, next) => {
    const data = dataFilterOf(req.query as Query);
    if (!data) return next();
    const query = req.query as Query;
    const filtered = {
      getJobsOverview: () => agenda.getJobsOverview(),
      queryJobs: (options: JobsQueryOptions) => agenda.queryJobs({ ...options, data }),
    } as unknown as Agenda; // the controller's getJobs calls only these two
    const limit = Number.parseInt(text(query.limit) ?? '50', 10);
    const skip = Number.parseInt(text(query.skip) ?? '0', 10);
    const result = await new AgendashController(filtered).getJobs({
      name: text(query.job),
      state: text(query.state),
      // Not the value: Agendash would search it in job names.
      search: undefined,
      skip: Number.isFinite(skip) && skip > 0 ? skip : 0,
      limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, 1000) : 50,
    });
    res.json(result);
  });
  return router;
}
