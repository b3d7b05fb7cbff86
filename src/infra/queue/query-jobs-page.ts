import { computeJobState, type JobParameters, type JobsQueryOptions, type JobState, type JobWithState } from 'agenda';
import type { Db, Document, Filter, WithId } from 'mongodb';
import { JOBS_COLLECTION } from './agenda.js';
import { STATE_FILTERS } from './job-state-filters.js';

export interface JobsPage {
  jobs: JobWithState[];
  total: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `data: {transactionId: 'x'}` → `{'data.transactionId': 'x'}`, as the Mongo backend flattens it. */
function flatten(value: Record<string, unknown>, prefix = 'data'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}.${key}`));
    else out[`${prefix}.${key}`] = v;
  }
  return out;
}

/** The filter of everything but the state, built like the Mongo backend's queryJobs. */
export function baseFilter(options: JobsQueryOptions): Filter<Document> {
  const filter: Filter<Document> = {};
  if (typeof options.name === 'string' && options.name) filter.name = options.name;
  if (typeof options.search === 'string' && options.search) filter.name = { $regex: escapeRegex(options.search), $options: 'i' };
  const data = options.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) Object.assign(filter, flatten(data as Record<string, unknown>));
  else if (data !== undefined) filter.data = data;
  return filter;
}

function withState(doc: WithId<Document>, now: Date): JobWithState {
  const { _id, ...rest } = doc;
  const job = { ...rest, _id: _id.toHexString() } as unknown as JobParameters;
  return { ...job, state: computeJobState(job, now) } as JobWithState;
}

/**
 * One page of Agendash's list — what the Mongo backend's `queryJobs` answers — without reading
 * the documents that are not on it. Sorted by `nextRunAt` descending like Agendash asks (jobs with
 * equal `nextRunAt`, e.g. all completed ones, come in index order, as there). The total comes from
 * `totalOf` (the overview's counts) when nothing but the name narrows the list; otherwise it is
 * counted on an index (a state filter: the few documents of live work and failures are read and
 * classified by Agenda's computeJobState; plainly completed jobs are paged by the server).
 */
export async function queryJobsPage(db: Db, options: JobsQueryOptions, totalOf: (state: JobState | undefined) => Promise<number | undefined>, now = new Date()): Promise<JobsPage> {
  const jobs = db.collection(JOBS_COLLECTION);
  const base = baseFilter(options);
  const skip = Math.max(0, options.skip ?? 0);
  const limit = Math.max(0, options.limit ?? 0);
  const sort = { nextRunAt: -1 } as const;
  const byNameOnly = options.search === undefined && options.data === undefined;
  const knownTotal = (state: JobState | undefined) => (byNameOnly ? totalOf(state) : Promise.resolve(undefined));

  const page = (filter: Filter<Document>, skipN: number, limitN: number) => {
    const cursor = jobs.find({ ...base, ...filter }).sort(sort).skip(skipN);
    return (limitN > 0 ? cursor.limit(limitN) : cursor).toArray();
  };
  const counted = async (state: JobState | undefined, filter: Filter<Document>) => (await knownTotal(state)) ?? jobs.countDocuments({ ...base, ...filter });
  const sliced = (all: JobWithState[]): JobsPage => ({ jobs: limit > 0 ? all.slice(skip, skip + limit) : all.slice(skip), total: all.length });
  const classified = async (filter: Filter<Document>, state: JobState) =>
    (await jobs.find({ ...base, ...filter }).sort(sort).toArray()).map((d) => withState(d, now)).filter((j) => j.state === state);

  const state = options.state;
  if (!state || state === 'running' || state === 'paused') {
    const filter = state ? STATE_FILTERS[state] : {};
    const [docs, total] = await Promise.all([page(filter, skip, limit), counted(state, filter)]);
    return { jobs: docs.map((d) => withState(d, now)), total };
  }
  if (state === 'failed' || state === 'repeating') return sliced(await classified(STATE_FILTERS[state], state));
  if (state === 'scheduled' || state === 'queued') return sliced(await classified(STATE_FILTERS[state](now), state));
  // completed: the few that failed once and succeeded since first, then the plain ones, paged by the server.
  const afterFailure = await classified(STATE_FILTERS.completedAfterFailure, 'completed');
  const head = afterFailure.slice(skip, limit > 0 ? skip + limit : undefined);
  const room = limit > 0 ? limit - head.length : 0;
  const [plain, plainTotal] = await Promise.all([
    room > 0 || limit === 0 ? page(STATE_FILTERS.plainCompleted, Math.max(0, skip - afterFailure.length), room) : Promise.resolve([]),
    knownTotal('completed').then((known) => (known === undefined ? jobs.countDocuments({ ...base, ...STATE_FILTERS.plainCompleted }).then((n) => n + afterFailure.length) : known)),
  ]);
  return { jobs: [...head, ...plain.map((d) => withState(d, now))], total: plainTotal };
}
